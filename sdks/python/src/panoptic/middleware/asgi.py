"""ASGI middleware (FastAPI, Starlette, any ASGI app): ``app.add_middleware(PanopticMiddleware, resolve=...)``.
``resolve(scope)`` (sync or async) returns the request's tenant, user, plan, feature as a dict or ContextValues."""

from __future__ import annotations

from time import perf_counter
from typing import Any, Awaitable, Callable, MutableMapping

from .. import _tracker
from .._context import _current
from .._trace import _incoming
from ._common import Resolver, incoming_values, record_request, resolved_async, template, trace_from

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class PanopticMiddleware:
    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], resolve: Resolver | None = None, *,
                 record_requests: bool = True, read_baggage: bool = True) -> None:
        self.app = app
        self.resolve = resolve
        self.record_requests = record_requests
        self.read_baggage = read_baggage

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        baggage = request_id = traceparent = None
        for key, value in scope.get("headers") or ():
            if key == b"baggage":
                baggage = value.decode("latin-1")
            elif key == b"x-request-id":
                request_id = value.decode("latin-1")
            elif key == b"traceparent":
                traceparent = value.decode("latin-1")
        values = incoming_values(baggage, request_id, self.read_baggage)
        mapped = await resolved_async(self.resolve, scope)
        if mapped is not None:
            values = values.with_(mapped)
        token = _current.set(_current.get().with_(values))
        trace_token = _incoming.set(trace_from(traceparent))
        try:
            if not self.record_requests or _tracker.current is None:
                await self.app(scope, receive, send)
                return
            status = 500
            started = perf_counter()
            error: BaseException | None = None

            async def observe(message: Message) -> None:
                nonlocal status
                if message.get("type") == "http.response.start":
                    status = int(message.get("status", 500))
                await send(message)

            try:
                await self.app(scope, receive, observe)
            except BaseException as e:
                error = e
                raise
            finally:
                record_request(scope.get("method", "GET"), _route(scope), status if error is None else 500, started, error)
        finally:
            _incoming.reset(trace_token)
            _current.reset(token)


def _route(scope: Scope) -> str | None:
    """The route template: FastAPI puts the route in the scope; for Starlette, the route whose endpoint ran."""
    route = scope.get("route")
    if route is None:
        endpoint = scope.get("endpoint")
        app = scope.get("app")
        if endpoint is None or app is None:
            return None
        for candidate in getattr(app, "routes", ()):
            if getattr(candidate, "endpoint", None) is endpoint:
                route = candidate
                break
    return template(getattr(route, "path", None)) if route is not None else None
