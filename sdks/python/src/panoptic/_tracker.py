"""The configured tracker: prices, samples and queues one operation. Never raises."""

from __future__ import annotations

import logging
import random
from decimal import Decimal
from time import perf_counter, time
from typing import Any, Mapping

from ._context import _current
from ._event import CostEvent
from ._ids import new_event_id
from ._sampling import Sampling
from ._trace import current_trace
from ._usage import Usage
from .export._exporter import Exporter
from .pricing import RateCard

log = logging.getLogger("panoptic")
MAX_ERROR_MESSAGE = 500


def error_type(error: BaseException) -> str:
    kind = type(error)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


class Tracker:
    __slots__ = ("exporter", "service", "rates", "sampling", "_keeps_all", "_always_keep")

    def __init__(self, exporter: Exporter, service: str | None, rates: RateCard, sampling: Sampling) -> None:
        self.exporter = exporter
        self.service = service
        self.rates = rates
        self.sampling = sampling
        self._keeps_all = sampling.keeps_all
        self._always_keep = sampling.always_keep_cost_usd

    def record(self, provider: str, model: str | None, name: str | None, usage: Usage | None,
               cost: Decimal | float | None, attributes: Mapping[str, Any] | None, started: float, ended: float,
               error: BaseException | str | None, estimated: bool = False) -> None:
        """Records an operation that ran from ``started`` to ``ended`` (``perf_counter`` seconds)."""
        try:
            at = time()
            version = None
            if cost is None and usage is not None and not usage.is_empty:
                cost = self.rates.price(provider, model, usage, at)
                if cost is not None:
                    version = self.rates.version
            rate = 1.0
            if not self._keeps_all and error is None and not (cost is not None and cost >= self._always_keep):
                rate = self.sampling.rate_for(provider, name)
                if rate < 1 and random.random() >= rate:
                    self.exporter.count_sampled_out()
                    return
            if error is None:
                kind = message = None
            elif isinstance(error, str):
                kind, message = "error", error[:MAX_ERROR_MESSAGE]
            else:
                kind, message = error_type(error), str(error)[:MAX_ERROR_MESSAGE]
            trace = current_trace()
            execution = (ended - started) * 1000.0
            event = CostEvent(new_event_id(at), at, provider, self.service, model, name, _current.get(), attributes,
                              usage, cost, version, execution, execution, 0.0, kind, message,
                              trace[0] if trace else None, trace[1] if trace else None, rate, estimated)
            overhead = (perf_counter() - ended) * 1000.0
            event.overhead_ms = overhead
            event.total_ms = execution + overhead
            self.exporter.enqueue(event)
        except Exception as e:  # the boundary: the SDK never raises into the application
            log.error("panoptic: recording an operation failed: %s: %s", type(e).__name__, e)


# Set by init, read on every operation: the one piece of mutable module state, as logging keeps its handlers.
current: Tracker | None = None
