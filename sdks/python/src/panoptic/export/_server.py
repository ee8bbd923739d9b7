"""Batches to a Panoptic server's ``POST /api/v1/events`` with the workspace's ingestion key (standard library only).
2xx and 422 (invalid events rejected one by one, the rest stored) are final; 429, 5xx and network errors are retried
with Retry-After honoured; other 4xx (a wrong key) fail the batch for good. The key never appears in an error."""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from typing import Sequence

from .._event import CostEvent
from ._transport import OK, SendResult, dumps, permanent, retry_after_seconds, retryable

USER_AGENT = "panoptic-sdk-python/0.1.0"


class ServerTransport:
    def __init__(self, endpoint: str, api_key: str, timeout: float = 30.0) -> None:
        self._url = endpoint.rstrip("/") + "/api/v1/events"
        self._headers = {"Authorization": "Bearer " + api_key, "Content-Type": "application/json", "User-Agent": USER_AGENT}
        self._timeout = timeout

    def __repr__(self) -> str:
        return f"ServerTransport({self._url!r})"

    def send(self, batch: Sequence[CostEvent]) -> SendResult:
        body = ('{"events":[' + ",".join(dumps(e.to_json()) for e in batch) + "]}").encode()
        request = urllib.request.Request(self._url, data=body, method="POST", headers=self._headers)
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                response.read()
            return OK
        except urllib.error.HTTPError as e:
            status = e.code
            after = retry_after_seconds(e.headers.get("Retry-After") if e.headers else None)
            e.close()
            if status == 422:
                return OK
            if status == 429 or status >= 500:
                return retryable(f"the server answered {status}", after)
            hint = " (check PANOPTIC_API_KEY)" if status in (401, 403) else ""
            return permanent(f"the server answered {status}{hint}")
        except (urllib.error.URLError, OSError, http.client.HTTPException) as e:
            reason = getattr(e, "reason", None) or e
            return retryable(f"the server is unreachable: {type(e).__name__}: {reason}")

    def close(self) -> None:
        pass
