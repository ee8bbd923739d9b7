"""Batches to a Panoptic server's ``POST /api/v1/events`` with the workspace's ingestion key (standard library only).
2xx and 422 (invalid events rejected one by one, the rest stored) are final; 429, 5xx and network errors are retried
with Retry-After honoured; other 4xx (a wrong key) fail the batch for good. The key never appears in an error."""

from __future__ import annotations

from typing import Sequence

from .._event import CostEvent
from ._transport import SendResult, dumps, post

USER_AGENT = "panoptic-sdk-python/0.1.0"
# 422: the server stored the valid events and rejected the others one by one; sending the batch again would not help.
_ACCEPTED = frozenset({422})
_HINTS = {401: " (check PANOPTIC_API_KEY)", 403: " (check PANOPTIC_API_KEY)"}


class ServerTransport:
    def __init__(self, endpoint: str, api_key: str, timeout: float = 30.0) -> None:
        self._url = endpoint.rstrip("/") + "/api/v1/events"
        self._headers = {"Authorization": "Bearer " + api_key, "Content-Type": "application/json", "User-Agent": USER_AGENT}
        self._timeout = timeout

    def __repr__(self) -> str:
        return f"ServerTransport({self._url!r})"

    def send(self, batch: Sequence[CostEvent]) -> SendResult:
        body = ('{"events":[' + ",".join(dumps(e.to_json()) for e in batch) + "]}").encode()
        return post(self._url, body, self._headers, self._timeout, "the server", _ACCEPTED, _HINTS)

    def close(self) -> None:
        pass
