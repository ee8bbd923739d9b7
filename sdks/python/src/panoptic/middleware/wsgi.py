"""WSGI middleware (Flask, any WSGI app): ``app.wsgi_app = PanopticMiddleware(app.wsgi_app, resolve=...)``.
``resolve(environ)`` returns the request's tenant, user, plan, feature as a dict or ContextValues. Each request runs
in its own copy of the context — the response body included — so nothing leaks into the next request."""

from __future__ import annotations

import contextvars
from time import perf_counter
from typing import Any, Callable, Iterable, Iterator

from .. import _tracker
from .._context import _current
from .._trace import _incoming
from ._common import Resolver, incoming_values, record_request, resolved, template, trace_from

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict, StartResponse], Iterable[bytes]]


class PanopticMiddleware:
    def __init__(self, app: WsgiApp, resolve: Resolver | None = None, *, record_requests: bool = True,
                 read_baggage: bool = True) -> None:
        self.app = app
        self.resolve = resolve
        self.record_requests = record_requests
        self.read_baggage = read_baggage

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        context = contextvars.copy_context()
        return context.run(self._call, context, environ, start_response)

    def _call(self, context: contextvars.Context, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        values = incoming_values(environ.get("HTTP_BAGGAGE"), environ.get("HTTP_X_REQUEST_ID"), self.read_baggage)
        mapped = resolved(self.resolve, environ)
        if mapped is not None:
            values = values.with_(mapped)
        _current.set(_current.get().with_(values))
        _incoming.set(trace_from(environ.get("HTTP_TRACEPARENT")))
        if not self.record_requests or _tracker.current is None:
            return _Body(self.app(environ, start_response), context, None)
        request = _Request(environ)

        def start(status: str, headers: list, exc_info: Any = None) -> Any:
            request.status = _status(status)
            # Read while the framework still holds its request (Flask clears it when the request ends).
            request.route = _route(environ)
            return start_response(status, headers, exc_info) if exc_info is not None else start_response(status, headers)

        try:
            body = self.app(environ, start)
        except BaseException as e:
            request.finish(e)
            raise
        return _Body(body, context, request)


def _status(line: str) -> int:
    try:
        return int(line.split(" ", 1)[0])
    except ValueError:
        return 500


class _Request:
    __slots__ = ("environ", "status", "route", "started", "_done")

    def __init__(self, environ: dict) -> None:
        self.environ = environ
        self.status = 500
        self.route: str | None = None
        self.started = perf_counter()
        self._done = False

    def finish(self, error: BaseException | None) -> None:
        if self._done:
            return
        self._done = True
        record_request(self.environ.get("REQUEST_METHOD", "GET"), self.route or _route(self.environ),
                       self.status if error is None else 500, self.started, error)


def _route(environ: dict) -> str | None:
    # Werkzeug (Flask) keeps the request it built in the environ, with the URL rule that matched.
    request = environ.get("werkzeug.request")
    rule = getattr(getattr(request, "url_rule", None), "rule", None)
    return template(rule) if rule else None


class _Body:
    """The app's response, iterated and closed inside the request's context; closing it ends the request."""

    __slots__ = ("_body", "_context", "_request", "_iterator")

    def __init__(self, body: Iterable[bytes], context: contextvars.Context, request: _Request | None) -> None:
        self._body = body
        self._context = context
        self._request = request
        self._iterator: Iterator[bytes] | None = None

    def __iter__(self) -> Iterator[bytes]:
        iterator = self._context.run(iter, self._body)
        run = self._context.run
        while True:
            try:
                chunk = run(next, iterator)
            except StopIteration:
                return
            except BaseException as e:
                if self._request is not None:
                    self._request.finish(e)
                raise
            yield chunk

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                self._context.run(close)
        finally:
            if self._request is not None:
                self._context.run(self._request.finish, None)
