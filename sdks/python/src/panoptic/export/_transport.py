"""What a transport is and what it reports for one batch."""

from __future__ import annotations

import json
import math
from typing import Any, NamedTuple, Protocol, Sequence

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
