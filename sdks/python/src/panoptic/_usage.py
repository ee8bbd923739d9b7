"""What an operation consumed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping


@dataclass(frozen=True, slots=True)
class Usage:
    """Tokens, requests, bytes and units. ``input_tokens`` include ``cached_input_tokens`` and ``output_tokens``
    include ``reasoning_tokens``, as OpenAI and Anthropic-through-Panoptic report them."""

    input_tokens: int = 0
    output_tokens: int = 0
    cached_input_tokens: int = 0
    reasoning_tokens: int = 0
    requests: int = 0
    bytes: int = 0
    units: float = 0

    @property
    def is_empty(self) -> bool:
        return not (self.input_tokens or self.output_tokens or self.cached_input_tokens or self.reasoning_tokens
                    or self.requests or self.bytes or self.units)

    def to_json(self) -> dict[str, Any]:
        """The server's ``usage`` object: only the non-zero fields."""
        out: dict[str, Any] = {}
        if self.input_tokens: out["input_tokens"] = self.input_tokens
        if self.output_tokens: out["output_tokens"] = self.output_tokens
        if self.cached_input_tokens: out["cached_input_tokens"] = self.cached_input_tokens
        if self.reasoning_tokens: out["reasoning_tokens"] = self.reasoning_tokens
        if self.requests: out["requests"] = self.requests
        if self.bytes: out["bytes"] = self.bytes
        if self.units: out["units"] = self.units
        return out


def as_usage(value: Usage | Mapping[str, Any] | None) -> Usage | None:
    """A Usage from a Usage or a mapping of its field names (None stays None)."""
    if value is None or isinstance(value, Usage):
        return value
    return Usage(**value)
