"""requests capture: :func:`panoptic.instrument` patches ``HTTPAdapter.send``, so every Session is captured. An LLM
response's ``raw`` stream is wrapped, not read: ``.content``, ``iter_content`` and ``iter_lines`` get the same bytes
at the same moments, and the call is recorded when the body ends or the response is closed."""

from __future__ import annotations

import weakref
from time import perf_counter
from typing import Any, Iterator
from urllib.parse import urlsplit

import requests
import requests.adapters

from . import _capture
from ._observer import ResponseObserver, content_length, decoder_for, failure, media_kind, model_in_path, route, service_usage


class _ObservedRaw:
    """A stand-in for urllib3's response that shows the observer every decoded byte read through it."""

    def __init__(self, raw: Any, observer: ResponseObserver, encoding: str | None) -> None:
        self._raw = raw
        self._observer = observer
        self._encoding = encoding
        self._undecoded: Any = None
        weakref.finalize(self, observer.finish, False).atexit = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)

    def _see(self, data: bytes, decoded: bool) -> None:
        if decoded or not self._encoding:
            self._observer.saw(data)
            return
        # Read with decode_content=False: the observer decodes its own copy.
        if self._undecoded is None:
            try:
                self._undecoded = decoder_for(self._encoding, self._observer.saw) or self._observer.saw
            except ValueError:
                self._undecoded = lambda _: None
        try:
            self._undecoded(data)
        except Exception:
            self._undecoded = lambda _: None

    def _decodes(self, decode_content: bool | None) -> bool:
        return bool(self._raw.decode_content if decode_content is None else decode_content)

    def stream(self, amt: int | None = 2 ** 16, decode_content: bool | None = None) -> Iterator[bytes]:
        decoded = self._decodes(decode_content)
        with self._observer:
            for chunk in self._raw.stream(amt, decode_content=decode_content):
                self._see(chunk, decoded)
                yield chunk

    def read(self, amt: int | None = None, decode_content: bool | None = None, *args: Any, **kwargs: Any) -> bytes:
        try:
            data = self._raw.read(amt, decode_content, *args, **kwargs)
        except BaseException as e:
            self._observer.finish(False, e)
            raise
        if data:
            self._see(data, self._decodes(decode_content))
        elif amt is None or amt > 0:
            self._observer.finish(True)
        return data

    def close(self) -> None:
        self._observer.finish(False)
        self._raw.close()

    def release_conn(self) -> None:
        self._observer.finish(False)
        self._raw.release_conn()


def _record(adapter_send: Any, adapter: Any, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
    parts = urlsplit(request.url or "")
    found = _capture.provider_for(parts.scheme, parts.hostname, parts.port, request.headers)
    if found is None:
        return adapter_send(adapter, request, *args, **kwargs)
    match, tracker = found
    method = (request.method or "GET").upper()
    name = route(method, parts.path or "/")
    model = model_in_path(parts.path)
    started = perf_counter()
    try:
        response = adapter_send(adapter, request, *args, **kwargs)
    except BaseException as e:
        tracker.record(match.provider, model, name, None, None, None, started, perf_counter(), e)
        raise
    try:
        status = response.status_code
        kind = media_kind(response.headers.get("content-type"))
        if match.is_llm and status < 400 and kind is not None and response.raw is not None:
            observer = ResponseObserver(tracker, match, name, model, status, started, kind == "stream", None)
            response.raw = _ObservedRaw(response.raw, observer, response.headers.get("content-encoding"))
        else:
            usage = service_usage(match, method, status, content_length(request.headers), content_length(response.headers))
            tracker.record(match.provider, model, name, usage, None, None, started, perf_counter(), failure(status))
    except Exception as e:  # the boundary: capture never fails the caller's request
        _capture.log_failure(e)
    return response


_original: list[Any] = []


def patch() -> None:
    """Captures every requests Session through HTTPAdapter (idempotent)."""
    if _original:
        return
    send = requests.adapters.HTTPAdapter.send
    _original.append(send)

    def patched(self: Any, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        return _record(send, self, request, *args, **kwargs)

    requests.adapters.HTTPAdapter.send = patched  # type: ignore[method-assign]


def unpatch() -> None:
    if _original:
        requests.adapters.HTTPAdapter.send = _original.pop()  # type: ignore[method-assign]
