"""Django middleware: add ``"panoptic.middleware.django.PanopticMiddleware"`` to MIDDLEWARE after
AuthenticationMiddleware, and name a resolver in settings: ``PANOPTIC = {"RESOLVER": "myapp.panoptic.resolve"}``
(a callable taking the HttpRequest and returning a dict or ContextValues). Sync and async capable."""

from __future__ import annotations

import asyncio
from time import perf_counter
from typing import Any, Callable

from .. import _tracker
from .._context import _current
from .._trace import _incoming
from ._common import Resolver, incoming_values, record_request, resolved, template, trace_from


def _settings() -> dict[str, Any]:
    from django.conf import settings
    return dict(getattr(settings, "PANOPTIC", None) or {})


def _resolver(value: Any) -> Resolver | None:
    if value is None or callable(value):
        return value
    from django.utils.module_loading import import_string
    return import_string(value)


class PanopticMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response
        config = _settings()
        self.resolve = _resolver(config.get("RESOLVER"))
        self.record_requests = bool(config.get("RECORD_REQUESTS", True))
        self.read_baggage = bool(config.get("READ_BAGGAGE", True))
        self._async = asyncio.iscoroutinefunction(get_response)
        if self._async:
            _mark_coroutine(self)

    def __call__(self, request: Any) -> Any:
        if self._async:
            return self._acall(request)
        with _Handling(self, request) as handling:
            return handling.answered(self.get_response(request))

    async def _acall(self, request: Any) -> Any:
        with _Handling(self, request) as handling:
            return handling.answered(await self.get_response(request))

    def _begin(self, request: Any) -> tuple[Any, Any]:
        meta = request.META
        values = incoming_values(meta.get("HTTP_BAGGAGE"), meta.get("HTTP_X_REQUEST_ID"), self.read_baggage)
        mapped = resolved(self.resolve, request)
        if mapped is not None:
            values = values.with_(mapped)
        return _current.set(_current.get().with_(values)), _incoming.set(trace_from(meta.get("HTTP_TRACEPARENT")))

    @staticmethod
    def _end(tokens: tuple[Any, Any]) -> None:
        _incoming.reset(tokens[1])
        _current.reset(tokens[0])


class _Handling:
    """One request, sync or async, inside ``with``: it runs in its context and, when requests are recorded, is recorded
    at the end with the status it answered, or as a 500 when it raised (still inside its context)."""

    __slots__ = ("_middleware", "_request", "_tokens", "_started", "_status")

    def __init__(self, middleware: PanopticMiddleware, request: Any) -> None:
        self._middleware = middleware
        self._request = request
        self._started: float | None = None
        self._status = 500

    def __enter__(self) -> _Handling:
        self._tokens = self._middleware._begin(self._request)
        if self._middleware.record_requests and _tracker.current is not None:
            self._started = perf_counter()
        return self

    def answered(self, response: Any) -> Any:
        if self._started is not None:
            self._status = response.status_code
        return response

    def __exit__(self, kind: type | None, error: BaseException | None, tb: object) -> None:
        try:
            if self._started is not None:
                request = self._request
                record_request(request.method, _route(request), self._status if error is None else 500, self._started, error)
        finally:
            self._middleware._end(self._tokens)


def _route(request: Any) -> str | None:
    match = getattr(request, "resolver_match", None)
    return template(getattr(match, "route", None)) if match is not None else None


def _mark_coroutine(middleware: Any) -> None:
    try:
        from asgiref.sync import markcoroutinefunction
        markcoroutinefunction(middleware)
    except ImportError:
        # Django before 4.1 / asgiref before 3.6 recognise a coroutine middleware by this marker.
        middleware._is_coroutine = asyncio.coroutines._is_coroutine  # type: ignore[attr-defined]
