"""The trace an operation belongs to: the OpenTelemetry span current when it ran (when the application uses
OpenTelemetry), else the W3C ``traceparent`` a middleware read from the incoming request."""

from __future__ import annotations

import contextvars
import re
import sys

_incoming: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar("panoptic_trace", default=None)
_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}")
_ZERO_TRACE, _ZERO_SPAN = "0" * 32, "0" * 16


def parse_traceparent(header: str | None) -> tuple[str, str] | None:
    """(trace id, parent span id) from a ``traceparent`` header, or None when it is absent or malformed."""
    if not header or len(header) > 512:
        return None
    match = _TRACEPARENT.match(header.strip().lower())
    if match is None or match.group(1) == _ZERO_TRACE or match.group(2) == _ZERO_SPAN:
        return None
    return match.group(1), match.group(2)


def set_incoming(trace: tuple[str, str] | None) -> contextvars.Token[tuple[str, str] | None]:
    return _incoming.set(trace)


def current_trace() -> tuple[str, str] | None:
    """(trace id, span id) as 32 and 16 hex digits, or None."""
    # OpenTelemetry is looked at only when the application already imported it: the SDK never depends on it.
    if "opentelemetry.trace" in sys.modules:
        try:
            span = sys.modules["opentelemetry.trace"].get_current_span().get_span_context()
            if span.is_valid:
                return format(span.trace_id, "032x"), format(span.span_id, "016x")
        except Exception:  # an OpenTelemetry without this API: fall back to the incoming header
            pass
    return _incoming.get()
