"""One JSON line per event (the server's event shape) to standard output or a file: local debugging, or shipping
with a log collector. A write error is retryable (a full disk may clear)."""

from __future__ import annotations

import os
import sys
import threading
from typing import IO, Sequence

from .._event import CostEvent
from ._transport import OK, SendResult, dumps, retryable


class JsonLinesTransport:
    def __init__(self, path: str | None = None, stream: IO[str] | None = None) -> None:
        """Appends to ``path`` (created with its folder), or writes to ``stream`` (default: standard output)."""
        self._path = os.path.abspath(path) if path else None
        self._stream = stream
        self._file: IO[str] | None = None
        self._lock = threading.Lock()

    def send(self, batch: Sequence[CostEvent]) -> SendResult:
        text = "".join(dumps(e.to_json()) + "\n" for e in batch)
        try:
            with self._lock:
                out = self._open()
                out.write(text)
                out.flush()
            return OK
        except OSError as e:
            self._file = None
            return retryable(f"writing events failed: {e}")

    def _open(self) -> IO[str]:
        if self._path is None:
            return self._stream or sys.stdout
        if self._file is None:
            os.makedirs(os.path.dirname(self._path), exist_ok=True)
            self._file = open(self._path, "a", encoding="utf-8")
        return self._file

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
