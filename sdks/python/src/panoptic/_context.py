"""The ambient cost-attribution context, on ``contextvars`` so it flows through threads started with a copied
context, ``asyncio`` tasks and ``await``; W3C baggage in and out."""

from __future__ import annotations

import contextvars
import functools
import inspect
from dataclasses import dataclass
from typing import Any, Callable, Mapping, TypeVar
from urllib.parse import quote, unquote

TENANT_KEY, USER_KEY, PLAN_KEY, FEATURE_KEY, REQUEST_KEY = "tenant_id", "user_id", "plan", "feature", "request_id"
_BAGGAGE_KEYS = (TENANT_KEY, USER_KEY, PLAN_KEY, FEATURE_KEY, REQUEST_KEY)
# The W3C limit for a whole header; and the server's limit for one text field (a longer value would be rejected).
MAX_BAGGAGE_CHARS = 8192
MAX_VALUE_CHARS = 256

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class ContextValues:
    """Who and what an operation is for. A field a scope leaves None keeps the outer value."""

    tenant_id: str | None = None
    user_id: str | None = None
    plan: str | None = None
    feature: str | None = None
    request_id: str | None = None
    attributes: Mapping[str, Any] | None = None

    def with_(self, inner: ContextValues) -> ContextValues:
        """These values with ``inner``'s on top: each field it sets wins, attributes merge deeply."""
        return ContextValues(
            inner.tenant_id if inner.tenant_id is not None else self.tenant_id,
            inner.user_id if inner.user_id is not None else self.user_id,
            inner.plan if inner.plan is not None else self.plan,
            inner.feature if inner.feature is not None else self.feature,
            inner.request_id if inner.request_id is not None else self.request_id,
            _merge(self.attributes, inner.attributes),
        )

    @property
    def is_empty(self) -> bool:
        return (self.tenant_id is None and self.user_id is None and self.plan is None and self.feature is None
                and self.request_id is None and not self.attributes)


EMPTY = ContextValues()
_current: contextvars.ContextVar[ContextValues] = contextvars.ContextVar("panoptic_context", default=EMPTY)


def _merge(outer: Mapping[str, Any] | None, inner: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    if not inner:
        return outer
    if not outer:
        return inner
    merged = dict(outer)
    for key, value in inner.items():
        existing = merged.get(key)
        merged[key] = _merge(existing, value) if isinstance(existing, Mapping) and isinstance(value, Mapping) else value
    return merged


def current_context() -> ContextValues:
    """The values in force here (empty outside any scope)."""
    return _current.get()


def as_values(value: ContextValues | Mapping[str, Any] | None) -> ContextValues:
    """ContextValues from ContextValues or a mapping with its field names (unknown keys are ignored)."""
    if value is None:
        return EMPTY
    if isinstance(value, ContextValues):
        return value
    return ContextValues(*(_text(value.get(k)) for k in _BAGGAGE_KEYS), value.get("attributes"))


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


class ContextScope:
    """``with panoptic.context(tenant_id="acme"):`` or ``@panoptic.context(feature="export")`` on a sync or async
    function. Exiting restores the outer values; exiting out of order never restores a stale scope."""

    __slots__ = ("_values", "_stack")

    def __init__(self, values: ContextValues) -> None:
        self._values = values
        self._stack: list[tuple[ContextValues, ContextValues]] = []

    def __enter__(self) -> ContextValues:
        outer = _current.get()
        mine = outer.with_(self._values)
        _current.set(mine)
        self._stack.append((outer, mine))
        return mine

    def __exit__(self, *exc: object) -> None:
        outer, mine = self._stack.pop()
        if _current.get() is mine:
            _current.set(outer)

    def __call__(self, fn: F) -> F:
        values = self._values
        if inspect.iscoroutinefunction(fn):
            @functools.wraps(fn)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with ContextScope(values):
                    return await fn(*args, **kwargs)
            return run_async  # type: ignore[return-value]

        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            with ContextScope(values):
                return fn(*args, **kwargs)
        return run  # type: ignore[return-value]


def context(values: ContextValues | Mapping[str, Any] | None = None, *, tenant_id: str | None = None,
            user_id: str | None = None, plan: str | None = None, feature: str | None = None,
            request_id: str | None = None, attributes: Mapping[str, Any] | None = None) -> ContextScope:
    """A scope setting tenant, user, plan, feature, request id and attributes on top of the current ones."""
    base = as_values(values)
    return ContextScope(base.with_(ContextValues(tenant_id, user_id, plan, feature, request_id, attributes)))


def set_context(values: ContextValues | Mapping[str, Any] | None = None, **fields: Any) -> None:
    """Merges values into the current context without a scope: for a request the middleware runs (the request's
    context ends with it), e.g. from a Flask ``before_request`` hook once the user is known."""
    merged = as_values(values).with_(as_values(fields))
    _current.set(_current.get().with_(merged))


def from_baggage_header(header: str | None) -> ContextValues:
    """The context values in a W3C ``baggage`` header (``tenant_id=acme,user_id=ann``): entries split on commas,
    whitespace around keys and values dropped, properties after ``;`` ignored, values percent-decoded (an invalid
    escape is kept as written). A value with control characters or past 256 characters is dropped (the server would
    reject the whole event), and so is anything past the W3C limit of 8192 characters."""
    if not header or header.isspace():
        return EMPTY
    found: dict[str, str] = {}
    for entry in header[:MAX_BAGGAGE_CHARS].split(","):
        member = entry.split(";", 1)[0]
        key, equals, value = member.partition("=")
        key = key.strip()
        if not equals or key not in _BAGGAGE_KEYS or key in found:
            continue
        text = unquote(value.strip())
        if len(text) <= MAX_VALUE_CHARS and text.isprintable():
            found[key] = text
    if not found:
        return EMPTY
    return ContextValues(*(found.get(k) for k in _BAGGAGE_KEYS))


def to_baggage_header(values: ContextValues) -> str:
    """The well-known fields as a W3C ``baggage`` value (percent-encoded), empty when there are none."""
    parts = []
    for key, value in ((TENANT_KEY, values.tenant_id), (USER_KEY, values.user_id), (PLAN_KEY, values.plan),
                       (FEATURE_KEY, values.feature), (REQUEST_KEY, values.request_id)):
        if value is not None:
            parts.append(key + "=" + quote(value, safe=""))
    return ",".join(parts)
