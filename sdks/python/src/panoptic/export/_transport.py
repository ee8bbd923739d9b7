"""What a transport is and what it reports for one batch."""

from __future__ import annotations

import http.client
import json
import math
import urllib.error
import urllib.request
from typing import Any, Mapping, NamedTuple, Protocol, Sequence

from .._event import CostEvent


class SendResult(NamedTuple):
    """Sent, or not sent with whether (and after how many seconds) to retry."""

    sent: bool
    retry: bool = False
    retry_after: float | None = None
    error: str | None = None


OK = SendResult(True)


def retryable(error: str, after: float | None = None) -> SendResult:
    return SendResult(False, True, after, error)


def permanent(error: str) -> SendResult:
    return SendResult(False, False, None, error)


class Transport(Protocol):
    """Where batches go. Called from the exporter's thread, one batch at a time; report failure in the result (an
    exception counts as a retryable failure)."""

    def send(self, batch: Sequence[CostEvent]) -> SendResult: ...

    def close(self) -> None: ...


def dumps(value: Any) -> str:
    """Strict JSON; a value JSON cannot hold (NaN, a cycle, an object) is written as text rather than failing the
    batch (the server would reject NaN, a whole batch lost for one attribute)."""
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=str)
    except (ValueError, RecursionError):
        return json.dumps(_clean(value, 0), separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=str)


def _clean(value: Any, depth: int) -> Any:
    if depth > 32:
        return str(value)[:256]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _clean(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v, depth + 1) for v in value]
    return value


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds (a number, or an HTTP date), at most five minutes; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime
        import time
        try:
            seconds = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if not math.isfinite(seconds) or seconds <= 0:
        return None
    return min(seconds, 300.0)


def post(url: str, body: bytes, headers: dict[str, str], timeout: float, peer: str,
         accepted: frozenset[int] = frozenset(), hints: Mapping[int, str] | None = None) -> SendResult:
    """POSTs ``body`` and reads the answer as a send result: 2xx and the ``accepted`` statuses are sent; 429, 5xx and
    network errors are retried (Retry-After honoured); any other status fails for good, with its ``hints`` entry
    appended. Errors name ``peer`` ("the server"), never the URL or a header."""
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
        return OK
    except urllib.error.HTTPError as e:
        status = e.code
        after = retry_after_seconds(e.headers.get("Retry-After") if e.headers else None)
        e.close()
        if status in accepted:
            return OK
        if status == 429 or status >= 500:
            return retryable(f"{peer} answered {status}", after)
        return permanent(f"{peer} answered {status}{(hints or {}).get(status, '')}")
    except (urllib.error.URLError, OSError, http.client.HTTPException) as e:
        reason = getattr(e, "reason", None) or e
        return retryable(f"{peer} is unreachable: {type(e).__name__}: {reason}")
