"""One tracked operation, as the exporter sends it: the server's cost event (docs/server.md)."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Mapping

from ._context import PLAN_KEY, REQUEST_KEY, ContextValues
from ._usage import Usage


class CostEvent:
    """Built on the caller's thread with no formatting at all; :meth:`to_json` runs on the exporter's thread."""

    __slots__ = ("id", "timestamp", "provider", "service", "model", "operation", "context", "attributes", "usage",
                 "cost_usd", "rate_card_version", "total_ms", "execution_ms", "overhead_ms", "error_type",
                 "error_message", "trace_id", "span_id", "sample_rate", "usage_estimated")

    def __init__(self, id: str, timestamp: float, provider: str, service: str | None, model: str | None,
                 operation: str | None, context: ContextValues, attributes: Mapping[str, Any] | None,
                 usage: Usage | None, cost_usd: Decimal | None, rate_card_version: str | None, total_ms: float,
                 execution_ms: float | None, overhead_ms: float | None, error_type: str | None,
                 error_message: str | None, trace_id: str | None, span_id: str | None, sample_rate: float = 1.0,
                 usage_estimated: bool = False) -> None:
        self.id = id
        self.timestamp = timestamp
        self.provider = provider
        self.service = service
        self.model = model
        self.operation = operation
        self.context = context
        self.attributes = attributes
        self.usage = usage
        self.cost_usd = cost_usd
        self.rate_card_version = rate_card_version
        self.total_ms = total_ms
        self.execution_ms = execution_ms
        self.overhead_ms = overhead_ms
        self.error_type = error_type
        self.error_message = error_message
        self.trace_id = trace_id
        self.span_id = span_id
        self.sample_rate = sample_rate
        self.usage_estimated = usage_estimated

    @property
    def failed(self) -> bool:
        return self.error_type is not None

    def all_attributes(self) -> dict[str, Any]:
        """The context's attributes, plan and request id, the event's own attributes on top, then the sampler's
        rate and the estimated-usage mark when they apply."""
        out: dict[str, Any] = dict(self.context.attributes or {})
        if self.context.plan is not None:
            out[PLAN_KEY] = self.context.plan
        if self.context.request_id is not None:
            out[REQUEST_KEY] = self.context.request_id
        if self.attributes:
            out.update(self.attributes)
        if self.sample_rate < 1:
            out["sample_rate"] = self.sample_rate
        if self.usage_estimated:
            out["usage_estimated"] = True
        return out

    def to_json(self) -> dict[str, Any]:
        """The event as the server's ``POST /api/v1/events`` reads it (the same fields the .NET SDK writes)."""
        e: dict[str, Any] = {
            "id": self.id,
            "timestamp": datetime.fromtimestamp(self.timestamp, timezone.utc).isoformat(timespec="microseconds"),
            "provider": self.provider,
        }
        ctx = self.context
        for name, value in (("service", self.service), ("model", self.model), ("operation", self.operation),
                            ("tenant_id", ctx.tenant_id), ("user_id", ctx.user_id), ("feature", ctx.feature)):
            if value is not None:
                e[name] = value
        attributes = self.all_attributes()
        if attributes:
            e["attributes"] = attributes
        if self.usage is not None and not self.usage.is_empty:
            e["usage"] = self.usage.to_json()
        if self.cost_usd is not None:
            e["cost"] = {"amount": float(self.cost_usd), "currency": "USD"}
        timing: dict[str, float] = {"total_ms": round(self.total_ms, 3)}
        if self.execution_ms is not None:
            timing["execution_ms"] = round(self.execution_ms, 3)
        if self.overhead_ms is not None:
            timing["overhead_ms"] = round(self.overhead_ms, 3)
        e["timing"] = timing
        e["status"] = "error" if self.failed else "ok"
        if self.failed:
            error = {"type": self.error_type}
            if self.error_message is not None:
                error["message"] = self.error_message
            e["error"] = error
        if self.trace_id is not None:
            e["trace_id"] = self.trace_id
        if self.span_id is not None:
            e["span_id"] = self.span_id
        return e
