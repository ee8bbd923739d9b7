"""Which share of tracked operations is exported. Failed and costly operations are always kept, so sampling thins
out cheap, frequent calls, never the ones a bill is made of. A kept event carries its rate (it stands for 1/rate)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Mapping


@dataclass(frozen=True)
class Sampling:
    rate: float = 1.0
    providers: Mapping[str, float] = field(default_factory=dict)
    operations: Mapping[str, float] = field(default_factory=dict)  # "provider/operation" -> rate; wins over providers
    always_keep_cost_usd: Decimal = Decimal("0.01")

    @property
    def keeps_all(self) -> bool:
        return self.rate >= 1 and not self.providers and not self.operations

    def rate_for(self, provider: str, operation: str | None) -> float:
        if operation is not None and self.operations:
            by_operation = self.operations.get(provider + "/" + operation)
            if by_operation is not None:
                return by_operation
        if self.providers:
            by_provider = self.providers.get(provider)
            if by_provider is not None:
                return by_provider
        return self.rate

    def problems(self) -> list[str]:
        out = []
        if not _is_rate(self.rate):
            out.append(f"sample_rate (PANOPTIC_SAMPLE_RATE) must be between 0 and 1, got {self.rate}.")
        for key, rate in self.providers.items():
            if not _is_rate(rate):
                out.append(f"Panoptic:Sampling:Providers:{key} must be between 0 and 1, got {rate}.")
        for key, rate in self.operations.items():
            if not _is_rate(rate):
                out.append(f"Panoptic:Sampling:Operations:{key} must be between 0 and 1, got {rate}.")
            if key.find("/") <= 0:
                out.append(f"Panoptic:Sampling:Operations:{key} must be written provider/operation.")
        if self.always_keep_cost_usd < 0:
            out.append(f"Panoptic:Sampling:AlwaysKeepCostUsd must not be negative, got {self.always_keep_cost_usd}.")
        return out


def _is_rate(rate: float) -> bool:
    return isinstance(rate, (int, float)) and 0 <= rate <= 1
