from __future__ import annotations

import importlib.util
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from panoptic import RateCard, Usage
from panoptic.pricing import EMBEDDED

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parents[2] / "src" / "Panoptic.Sdk" / "Pricing" / "rate-card.json"
COPY = HERE.parent / "src" / "panoptic" / "pricing" / "rate-card.json"


def at(day: str) -> float:
    return datetime.fromisoformat(day).replace(tzinfo=timezone.utc).timestamp()


def test_rate_card_copy_is_identical_to_the_servers_card() -> None:
    if not SOURCE.exists():
        pytest.skip("outside the Panoptic repository: no source rate card to compare with")
    assert COPY.read_bytes() == SOURCE.read_bytes(), "stale: run sdks/python/scripts/generate_rate_card.py"


def test_generate_rate_card_check_fails_on_a_stale_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("generate", HERE.parent / "scripts" / "generate_rate_card.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    source, target = tmp_path / "source.json", tmp_path / "copy.json"
    source.write_text('{"version": "new"}')
    target.write_text('{"version": "old"}')
    monkeypatch.setattr(module, "SOURCE", source)
    monkeypatch.setattr(module, "TARGET", target)
    assert module.main(["--check"]) == 1
    assert module.main([]) == 0
    assert module.main(["--check"]) == 0
    assert target.read_bytes() == source.read_bytes()


def test_price_uses_the_price_in_force_on_the_date() -> None:
    usage = Usage(input_tokens=1_000_000, output_tokens=1_000_000)
    assert EMBEDDED.price("openai", "gpt-4o", usage, at("2024-06-01")) == Decimal("20.00")
    assert EMBEDDED.price("openai", "gpt-4o", usage, at("2024-08-06")) == Decimal("12.50")
    assert EMBEDDED.price("openai", "gpt-4o", usage, at("2024-01-01")) is None  # before any price
    assert EMBEDDED.price("openai", "o3", usage, at("2025-06-10")) == Decimal("10.00")


def test_price_cached_input_at_its_own_rate_and_capped_at_the_input() -> None:
    usage = Usage(input_tokens=1000, cached_input_tokens=200, output_tokens=500)
    # 800 * 0.15 + 200 * 0.075 + 500 * 0.60, per million
    assert EMBEDDED.price("openai", "gpt-4o-mini", usage, at("2025-01-01")) == Decimal("0.000435")
    all_cached = Usage(input_tokens=10, cached_input_tokens=50)
    assert EMBEDDED.price("openai", "gpt-4o-mini", all_cached, at("2025-01-01")) == Decimal("10") * Decimal("0.075") * Decimal("0.000001")
    no_cached_rate = Usage(input_tokens=1_000_000, cached_input_tokens=1_000_000)
    assert EMBEDDED.price("groq", "llama-3.1-8b-instant", no_cached_rate, at("2025-01-01")) == Decimal("0.05")


def test_price_model_patterns_longest_prefix_wins_case_insensitively() -> None:
    usage = Usage(input_tokens=1_000_000)
    assert EMBEDDED.price("openai", "GPT-4o-mini-2024-07-18", usage, at("2025-01-01")) == Decimal("0.15")
    assert EMBEDDED.price("openai", "gpt-4o-2024-11-20", usage, at("2025-01-01")) == Decimal("2.50")
    assert EMBEDDED.price("anthropic", "claude-opus-4-5-20251101", usage, at("2025-12-01")) == Decimal("5.00")
    assert EMBEDDED.price("azure_openai", "gpt-4o-mini", usage, at("2025-01-01")) == Decimal("0.15")  # alias


def test_price_unknown_model_is_unpriced_never_free() -> None:
    assert EMBEDDED.price("openai", "gpt-unknown", Usage(input_tokens=10), at("2025-01-01")) is None
    assert not EMBEDDED.knows("openai", "gpt-unknown")
    assert EMBEDDED.knows("anthropic", "claude-3-5-haiku-latest")


def test_price_services_per_unit_request_and_gb() -> None:
    assert EMBEDDED.price("resend", None, Usage(requests=1, units=1), at("2025-01-01")) == Decimal("0.0004")
    s3 = EMBEDDED.price("aws.s3", None, Usage(requests=2, bytes=2_000_000_000), at("2025-01-01"))
    assert s3 == Decimal("0.000010") + Decimal("0.046")


def test_with_overrides_prices_what_the_overrides_know() -> None:
    overrides = RateCard.parse('{"version": "ws-1", "llm": [{"provider": "openai", "models": ["gpt-4o-mini"], '
                               '"prices": [{"from": "2020-01-01", "input": 1, "output": 1}]}]}')
    card = EMBEDDED.with_overrides(overrides)
    assert card.version == EMBEDDED.version + "+ws-1"
    assert card.price("openai", "gpt-4o-mini", Usage(input_tokens=1_000_000), at("2025-01-01")) == Decimal("1")
    assert card.price("openai", "gpt-4o", Usage(input_tokens=1_000_000), at("2025-01-01")) == Decimal("2.50")


@pytest.mark.parametrize("text", ["{", "[]", '{"version": ""}', '{"version": "v", "llm": [{"provider": "x"}]}',
                                  '{"version": "v", "llm": [{"provider": "x", "models": [], "prices": []}]}',
                                  '{"version": "v", "services": [{"provider": "x", "prices": [{"from": "2024-01-01", "per_unit": -1}]}]}'])
def test_parse_bad_card_raises_value_error_naming_the_problem(text: str) -> None:
    with pytest.raises(ValueError, match="rate card"):
        RateCard.parse(text)
