"""What every middleware does: the context from incoming baggage, the request id, then the user's resolver (which
never fails the request), and the request recorded as provider ``http.server``."""

from __future__ import annotations

import inspect
import logging
import random
import re
from time import perf_counter
from typing import Any, Callable

from .. import _tracker
from .._context import EMPTY, ContextValues, as_values, from_baggage_header
from .._trace import parse_traceparent

log = logging.getLogger("panoptic")
Resolver = Callable[[Any], Any]
_REQUEST_ID = re.compile(r"^[\w.:\-/+=]{1,128}$")
# Route parameters as frameworks write them: Flask/Django <int:id>, Starlette {id:int}.
_PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>|\{([^{}:]+)(?::[^{}]*)?\}")


def new_request_id() -> str:
    return "%016x" % random.getrandbits(64)


def request_id_from(header: str | None) -> str:
    """The caller's X-Request-Id when it is a sane token, else a new one."""
    return header if header and _REQUEST_ID.match(header) else new_request_id()


def incoming_values(baggage: str | None, request_id: str | None, read_baggage: bool) -> ContextValues:
    values = from_baggage_header(baggage) if read_baggage and baggage else EMPTY
    if values.request_id is None:
        values = values.with_(ContextValues(request_id=request_id_from(request_id)))
    return values


def resolved(resolve: Resolver | None, request: Any) -> ContextValues | None:
    """What the resolver returns (a dict or ContextValues); a resolver that raises is logged, and the request goes on."""
    if resolve is None:
        return None
    try:
        return as_values(resolve(request))
    except Exception as e:
        log.error("panoptic: the context resolver raised %s: %s", type(e).__name__, e)
        return None


async def resolved_async(resolve: Resolver | None, request: Any) -> ContextValues | None:
    if resolve is None:
        return None
    try:
        result = resolve(request)
        if inspect.isawaitable(result):
            result = await result
        return as_values(result)
    except Exception as e:
        log.error("panoptic: the context resolver raised %s: %s", type(e).__name__, e)
        return None


def template(path: str | None) -> str | None:
    """A route template with its parameters as ``{name}``: ``/orders/<int:id>`` → ``/orders/{id}``."""
    if not path:
        return None
    text = _PARAMETER.sub(lambda m: "{" + (m.group(1) or m.group(2)) + "}", path)
    return text if text.startswith("/") else "/" + text


def trace_from(header: str | None) -> tuple[str, str] | None:
    return parse_traceparent(header)


class ServerError(Exception):
    """The request answered with a 5xx status."""


def record_request(method: str, route: str | None, status: int, started: float, error: BaseException | None) -> None:
    """Records a finished request as provider ``http.server``, cost 0, failed for an exception or a 5xx."""
    tracker = _tracker.current
    if tracker is None:
        return
    ended = perf_counter()
    name = f"{method} {route}" if route else method
    failure = error if error is not None else ServerError(f"the request answered {status}") if status >= 500 else None
    tracker.record("http.server", None, name, None, 0, {"status_code": status}, started, ended, failure)


def header(request: Any, name: str) -> str | None:
    """A request header from an ASGI scope, a WSGI environ or a Django request: ``header(scope, "x-tenant")``."""
    if isinstance(request, dict) and "headers" in request and "type" in request:
        wanted = name.lower().encode("latin-1")
        for key, value in request["headers"]:
            if key.lower() == wanted:
                return value.decode("latin-1")
        return None
    if isinstance(request, dict):
        key = name.upper().replace("-", "_")
        return request.get("HTTP_" + key) or (request.get(key) if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else None)
    headers = getattr(request, "headers", None)
    return headers.get(name) if headers is not None else None
