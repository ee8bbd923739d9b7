"""Dated prices per provider and model (LLMs, per million tokens) or per provider (services), read from the same
rate-card.json the server and the .NET SDK embed, priced by the same rules (src/Panoptic.Sdk/Pricing/RateCard.cs)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from importlib import resources
from typing import Any

from .._usage import Usage

_MILLIONTH = Decimal("0.000001")
_GB = Decimal(1_000_000_000)
_MAX_CACHED_MATCHES = 4096
_ALIASES = {
    "google": "gemini", "google_genai": "gemini", "gcp.gemini": "gemini", "gcp.vertex_ai": "gemini", "vertex_ai": "gemini",
    "azure.ai.openai": "openai", "azure_openai": "openai", "azure-openai": "openai",
    "aws.s3": "s3", "amazon-s3": "s3",
}


def normalize(provider: str) -> str:
    """Provider ids as the registry spells them; a few common aliases fold in."""
    key = provider.strip().lower()
    return _ALIASES.get(key, key)


@dataclass(frozen=True, slots=True)
class _Price:
    since: float  # Unix seconds, midnight UTC of the "from" date
    input: Decimal
    cached_input: Decimal | None
    output: Decimal
    per_request: Decimal
    per_gb: Decimal
    per_unit: Decimal


@dataclass(frozen=True, slots=True)
class _Entry:
    provider: str
    models: tuple[str, ...]
    prices: tuple[_Price, ...]  # oldest first

    def at(self, when: float) -> _Price | None:
        """The price in force at a time: the latest that started on or before it."""
        for price in reversed(self.prices):
            if price.since <= when:
                return price
        return None


class RateCard:
    """A versioned card; :meth:`price` gives the US-dollar cost of a usage, or None for an unknown model (unpriced,
    never free)."""

    def __init__(self, version: str, llm: list[_Entry], services: dict[str, _Entry], overrides: RateCard | None = None):
        self.version = version
        self._llm = llm
        self._services = services
        self._overrides = overrides
        self._matches: dict[tuple[str, str], _Entry | None] = {}

    @staticmethod
    def parse(text: str | bytes) -> RateCard:
        """Reads a card from its JSON form; raises ValueError naming what is wrong."""
        try:
            root = json.loads(text, parse_float=Decimal, parse_int=Decimal)
            return RateCard._from(root)
        except (KeyError, TypeError, AttributeError, ValueError) as e:
            raise ValueError(f"rate card: not the expected shape ({e}); see the embedded rate-card.json") from e

    @staticmethod
    def _from(root: dict[str, Any]) -> RateCard:
        version = root.get("version")
        if not isinstance(version, str) or not version:
            raise ValueError("rate card: version is required")
        llm = []
        for item in root.get("llm") or []:
            provider = normalize(item["provider"])
            llm.append(_Entry(provider, tuple(str(m) for m in item["models"]), _prices(item, provider)))
        services = {}
        for item in root.get("services") or []:
            provider = normalize(item["provider"])
            services[provider] = _Entry(provider, (), _prices(item, provider))
        return RateCard(version, llm, services)

    def with_overrides(self, overrides: RateCard) -> RateCard:
        """This card with ``overrides`` on top; the version names both."""
        return RateCard(f"{self.version}+{overrides.version}", self._llm, self._services, overrides)

    def price(self, provider: str, model: str | None, usage: Usage, when: float) -> Decimal | None:
        """The cost in US dollars of ``usage`` at ``when`` (Unix seconds), or None when no price is known."""
        if self._overrides is not None:
            overridden = self._overrides.price(provider, model, usage, when)
            if overridden is not None:
                return overridden
        key = normalize(provider)
        if model:
            entry = self._match(key, model)
            price = entry.at(when) if entry is not None else None
            if price is not None:
                cached = min(usage.cached_input_tokens, usage.input_tokens)
                cached_rate = price.cached_input if price.cached_input is not None else price.input
                return ((usage.input_tokens - cached) * price.input + cached * cached_rate
                        + usage.output_tokens * price.output) * _MILLIONTH
        service = self._services.get(key)
        rate = service.at(when) if service is not None else None
        if rate is not None:
            return usage.requests * rate.per_request + usage.bytes / _GB * rate.per_gb + Decimal(repr(float(usage.units))) * rate.per_unit
        return None

    def knows(self, provider: str, model: str | None) -> bool:
        """True when the card prices this provider and model at some date."""
        if self._overrides is not None and self._overrides.knows(provider, model):
            return True
        key = normalize(provider)
        return self._match(key, model) is not None if model else key in self._services

    def _match(self, provider: str, model: str) -> _Entry | None:
        """An exact name first, then the longest matching prefix pattern ("gpt-4o-mini-*"), case-insensitively."""
        cache_key = (provider, model)
        if cache_key in self._matches:
            return self._matches[cache_key]
        best, best_length = None, -1
        lowered = model.lower()
        for entry in self._llm:
            if entry.provider != provider:
                continue
            for pattern in entry.models:
                p = pattern.lower()
                if p.endswith("*"):
                    length = len(p) - 1 if lowered.startswith(p[:-1]) else -1
                else:
                    length = 1 << 30 if p == lowered else -1
                if length > best_length:
                    best, best_length = entry, length
        # Bounded, so hostile model names cannot grow it without end.
        if len(self._matches) < _MAX_CACHED_MATCHES:
            self._matches[cache_key] = best
        return best


def _prices(item: dict[str, Any], provider: str) -> tuple[_Price, ...]:
    def number(p: dict[str, Any], name: str) -> Decimal | None:
        value = p.get(name)
        return None if value is None else Decimal(value)

    prices = []
    for p in item["prices"]:
        since = datetime.strptime(p["from"], "%Y-%m-%d").replace(tzinfo=timezone.utc).timestamp()
        prices.append(_Price(since, number(p, "input") or Decimal(0), number(p, "cached_input"), number(p, "output") or Decimal(0),
                             number(p, "per_request") or Decimal(0), number(p, "per_gb") or Decimal(0), number(p, "per_unit") or Decimal(0)))
    if not prices:
        raise ValueError(f"rate card: {provider} has no prices")
    for p in prices:
        if any(v is not None and v < 0 for v in (p.input, p.cached_input, p.output, p.per_request, p.per_gb, p.per_unit)):
            raise ValueError(f"rate card: {provider} has a negative price")
    prices.sort(key=lambda p: p.since)
    return tuple(prices)


def _load_embedded() -> RateCard:
    return RateCard.parse(resources.files(__package__).joinpath("rate-card.json").read_bytes())


EMBEDDED: RateCard = _load_embedded()
