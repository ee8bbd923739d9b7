"""Events as OTLP spans over OTLP/HTTP with JSON bodies, written with the standard library (no OpenTelemetry
dependency): any OTLP backend receives them, Panoptic's own ``/v1/traces`` prices them per tenant. Each span ends
when the operation did, is a child of the span current when it ran, and carries ``gen_ai.*`` and ``panoptic.*``
attributes. The span id is derived from the event id, so a retried export sends the same span again (Panoptic
counts a span once by its trace and span id)."""

from __future__ import annotations

import os
import urllib.parse
from typing import Any, Mapping, Sequence

from .._event import CostEvent
from ._server import USER_AGENT
from ._transport import SendResult, dumps, post


def default_endpoint() -> str:
    """OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces, or the collector default."""
    traces = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    if traces:
        return traces
    base = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or "http://localhost:4318"
    return base.rstrip("/") + "/v1/traces"


def headers_from_env() -> dict[str, str]:
    """OTEL_EXPORTER_OTLP_HEADERS (``key=value,key2=value2``)."""
    headers = {}
    for entry in (os.environ.get("OTEL_EXPORTER_OTLP_TRACES_HEADERS") or os.environ.get("OTEL_EXPORTER_OTLP_HEADERS") or "").split(","):
        key, equals, value = entry.partition("=")
        if equals and key.strip():
            headers[key.strip()] = urllib.parse.unquote(value.strip())
    return headers


class OtlpTransport:
    def __init__(self, service: str | None = None, endpoint: str | None = None, headers: Mapping[str, str] | None = None,
                 timeout: float = 10.0) -> None:
        self._url = endpoint or default_endpoint()
        self._service = service or "unknown_service:python"
        self._headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
                         **(headers_from_env() if headers is None else dict(headers))}
        self._timeout = timeout

    def __repr__(self) -> str:
        return f"OtlpTransport({self._url!r})"

    def send(self, batch: Sequence[CostEvent]) -> SendResult:
        body = dumps(self.request(batch)).encode()
        return post(self._url, body, self._headers, self._timeout, "the OTLP endpoint")

    def request(self, batch: Sequence[CostEvent]) -> dict[str, Any]:
        """The ExportTraceServiceRequest in OTLP/JSON."""
        return {"resourceSpans": [{
            "resource": {"attributes": [_attribute("service.name", self._service)]},
            "scopeSpans": [{"scope": {"name": "panoptic.sdk", "version": "0.1.0"}, "spans": [span(e) for e in batch]}],
        }]}

    def close(self) -> None:
        pass


def span(e: CostEvent) -> dict[str, Any]:
    end = int(e.timestamp * 1_000_000_000)
    start = end - int(max(0.0, e.total_ms) * 1_000_000)
    attributes = [_attribute("gen_ai.provider.name", e.provider)]
    if e.operation is not None:
        attributes.append(_attribute("gen_ai.operation.name", e.operation))
    if e.model is not None:
        attributes += [_attribute("gen_ai.request.model", e.model), _attribute("gen_ai.response.model", e.model)]
    usage = e.usage
    if usage is not None and (usage.input_tokens > 0 or usage.output_tokens > 0):
        attributes += [_attribute("gen_ai.usage.input_tokens", usage.input_tokens),
                       _attribute("gen_ai.usage.output_tokens", usage.output_tokens)]
        if usage.cached_input_tokens > 0:
            attributes.append(_attribute("gen_ai.usage.cache_read.input_tokens", usage.cached_input_tokens))
        if usage.reasoning_tokens > 0:
            attributes.append(_attribute("gen_ai.usage.reasoning.output_tokens", usage.reasoning_tokens))
    attributes.append(_attribute("panoptic.event_id", e.id))
    ctx = e.context
    for key, value in (("panoptic.service", e.service), ("panoptic.tenant_id", ctx.tenant_id),
                       ("panoptic.user_id", ctx.user_id), ("panoptic.feature", ctx.feature),
                       ("panoptic.rate_card", e.rate_card_version)):
        if value is not None:
            attributes.append(_attribute(key, value))
    if e.cost_usd is not None:
        attributes.append(_attribute("panoptic.cost_usd", float(e.cost_usd)))
    for key, value in e.all_attributes().items():
        attributes.append(_attribute("panoptic." + key, value if isinstance(value, (str, bool, int, float)) else dumps(value)))
    span_id = e.id[16:] if e.id[16:] != "0" * 16 else "1" * 16
    out: dict[str, Any] = {
        "traceId": e.trace_id or e.id, "spanId": span_id,
        "name": f"{e.operation} {e.model or ''}".rstrip() if e.operation else e.provider,
        "kind": 3, "startTimeUnixNano": str(start), "endTimeUnixNano": str(end), "attributes": attributes,
    }
    if e.trace_id and e.span_id:
        out["parentSpanId"] = e.span_id
    if e.failed:
        out["status"] = {"code": 2, "message": e.error_message or ""}
        attributes.append(_attribute("error.type", e.error_type or "error"))
    return out


def _attribute(key: str, value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        v: dict[str, Any] = {"boolValue": value}
    elif isinstance(value, int):
        v = {"intValue": str(value)}
    elif isinstance(value, float):
        v = {"doubleValue": value}
    else:
        v = {"stringValue": str(value)}
    return {"key": key, "value": v}
