"""httpx capture: transports that wrap another (``panoptic.http.httpx_transport(inner)``) and the class-level patch
:func:`panoptic.instrument` applies to httpx's own HTTPTransport and AsyncHTTPTransport, so every client built on
them — the official OpenAI and Anthropic clients included — is captured with no other change. The response stream
is wrapped, not read: the caller receives the same bytes at the same moments."""

from __future__ import annotations

import weakref
from time import perf_counter
from typing import Any, AsyncIterator, Callable, Iterator

import httpx

from . import _capture
from ._observer import ResponseObserver, content_length, failure, media_kind, model_in_path, route, service_usage


class _ObservedStream(httpx.SyncByteStream):
    def __init__(self, inner: Any, observer: ResponseObserver) -> None:
        self._inner = inner
        self._observer = observer
        # A response nobody closes is still recorded once it is collected (as abandoned).
        weakref.finalize(self, observer.finish, False).atexit = False

    def __iter__(self) -> Iterator[bytes]:
        with self._observer as observer:
            for chunk in self._inner:
                observer.saw(chunk)
                yield chunk

    def close(self) -> None:
        self._observer.finish(False)
        close = getattr(self._inner, "close", None)
        if close is not None:
            close()


class _ObservedAsyncStream(httpx.AsyncByteStream):
    def __init__(self, inner: Any, observer: ResponseObserver) -> None:
        self._inner = inner
        self._observer = observer
        weakref.finalize(self, observer.finish, False).atexit = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with self._observer as observer:
            async for chunk in self._inner:
                observer.saw(chunk)
                yield chunk

    async def aclose(self) -> None:
        self._observer.finish(False)
        aclose = getattr(self._inner, "aclose", None)
        if aclose is not None:
            await aclose()


def _before(request: httpx.Request) -> Any:
    """The provider the request goes to (with the tracker), or None after adding baggage for the application's own services."""
    extensions = request.extensions
    if extensions.get("panoptic"):
        return None  # already seen by an outer Panoptic transport
    extensions["panoptic"] = True
    url = request.url
    return _capture.provider_for(url.scheme, url.host, url.port, request.headers)


def _observe(request: httpx.Request, response: httpx.Response, found: Any, started: float, asynchronous: bool) -> None:
    match, tracker = found
    name = route(request.method, request.url.path)
    model = model_in_path(request.url.path)
    status = response.status_code
    kind = media_kind(response.headers.get("content-type"))
    if match.is_llm and status < 400 and kind is not None:
        observer = ResponseObserver(tracker, match, name, model, status, started, kind == "stream",
                                    response.headers.get("content-encoding"))
        if hasattr(response, "_content"):
            # A transport that answered with its body in memory (a mock): there is no stream to watch.
            observer.saw(response.content)
            observer.finish(True)
        else:
            stream = response.stream
            response.stream = _ObservedAsyncStream(stream, observer) if asynchronous else _ObservedStream(stream, observer)
        return
    usage = service_usage(match, request.method, status, content_length(request.headers), content_length(response.headers))
    tracker.record(match.provider, model, name, usage, None, None, started, perf_counter(), failure(status))


def _record_error(request: httpx.Request, found: Any, started: float, error: BaseException) -> None:
    match, tracker = found
    tracker.record(match.provider, model_in_path(request.url.path), route(request.method, request.url.path),
                   None, None, None, started, perf_counter(), error)


def _safely(observe: Callable[[], None]) -> None:
    try:
        observe()
    except Exception as e:  # the boundary: capture never fails the caller's request
        _capture.log_failure(e)


def capture_sync(send: Callable[[httpx.Request], httpx.Response], request: httpx.Request) -> httpx.Response:
    found = _before(request)
    if found is None:
        return send(request)
    started = perf_counter()
    try:
        response = send(request)
    except BaseException as e:
        _safely(lambda: _record_error(request, found, started, e))
        raise
    _safely(lambda: _observe(request, response, found, started, False))
    return response


async def capture_async(send: Callable[[httpx.Request], Any], request: httpx.Request) -> httpx.Response:
    found = _before(request)
    if found is None:
        return await send(request)
    started = perf_counter()
    try:
        response = await send(request)
    except BaseException as e:
        _safely(lambda: _record_error(request, found, started, e))
        raise
    _safely(lambda: _observe(request, response, found, started, True))
    return response


class Transport(httpx.BaseTransport):
    """``httpx.Client(transport=panoptic.http.Transport())``: captures calls through ``inner`` (default a new HTTPTransport)."""

    def __init__(self, inner: httpx.BaseTransport | None = None) -> None:
        self._inner = inner or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return capture_sync(self._inner.handle_request, request)

    def close(self) -> None:
        self._inner.close()


class AsyncTransport(httpx.AsyncBaseTransport):
    """``httpx.AsyncClient(transport=panoptic.http.AsyncTransport())``."""

    def __init__(self, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self._inner = inner or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await capture_async(self._inner.handle_async_request, request)

    async def aclose(self) -> None:
        await self._inner.aclose()


_originals: dict[str, Any] = {}


def patch() -> None:
    """Captures every httpx.HTTPTransport and AsyncHTTPTransport (idempotent)."""
    if _originals:
        return
    sync_send = httpx.HTTPTransport.handle_request
    async_send = httpx.AsyncHTTPTransport.handle_async_request
    _originals.update(sync=sync_send, asynchronous=async_send)

    def handle_request(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        return capture_sync(lambda r: sync_send(self, r), request)

    async def handle_async_request(self: httpx.AsyncHTTPTransport, request: httpx.Request) -> httpx.Response:
        return await capture_async(lambda r: async_send(self, r), request)

    httpx.HTTPTransport.handle_request = handle_request  # type: ignore[method-assign]
    httpx.AsyncHTTPTransport.handle_async_request = handle_async_request  # type: ignore[method-assign]


def unpatch() -> None:
    if _originals:
        httpx.HTTPTransport.handle_request = _originals.pop("sync")  # type: ignore[method-assign]
        httpx.AsyncHTTPTransport.handle_async_request = _originals.pop("asynchronous")  # type: ignore[method-assign]
