"""The host table in panoptic/http/_hosts.py is a copy of providers.json (src/Panoptic.Sdk/Providers), where every
provider Panoptic meters is named once: these tests read that file and fail, naming each entry, when the copy differs in
either direction."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from panoptic.http import EXACT, LLM_PROVIDERS, SUFFIXES

SOURCE = Path(__file__).resolve().parents[3] / "src" / "Panoptic.Sdk" / "Providers" / "providers.json"


def shared_tables(text: str) -> tuple[set[str], dict[str, str], dict[str, str]]:
    """The LLM providers, exact hosts and host suffixes that providers.json declares."""
    providers = json.loads(text).get("providers")
    assert isinstance(providers, list) and providers, "providers.json: no providers list; update this reader with the new layout"
    llm = {p["id"] for p in providers if p.get("llm")}
    exact = {host: p["id"] for p in providers for host in p.get("hosts", [])}
    suffixes = {suffix: p["id"] for p in providers for suffix in p.get("host_suffixes", [])}
    return llm, exact, suffixes


def differences(table: str, shared: dict[str, str], copy: dict[str, str]) -> list[str]:
    """Each pair the copy lacks, has in excess, or maps to another provider than providers.json does."""
    out = [f"{table}: {key} → {value} is missing from _hosts.py" for key, value in shared.items() if key not in copy]
    out += [f"{table}: {key} → {value} is in _hosts.py only" for key, value in copy.items() if key not in shared]
    out += [f"{table}: {key} → {copy[key]} in _hosts.py, {value} in providers.json"
            for key, value in shared.items() if key in copy and copy[key] != value]
    return out


def test_host_table_copy_matches_providers_json_in_both_directions() -> None:
    if not SOURCE.exists():
        pytest.skip("outside the Panoptic repository: no providers.json to compare with")
    llm, exact, suffixes = shared_tables(SOURCE.read_text(encoding="utf-8"))
    found = (differences("exact host", exact, EXACT) + differences("host suffix", suffixes, dict(SUFFIXES))
             + differences("LLM provider", {p: "llm" for p in llm}, {p: "llm" for p in LLM_PROVIDERS}))
    assert found == [], "copy providers.json's change into sdks/python/src/panoptic/http/_hosts.py:\n" + "\n".join(found)


def test_host_table_comparison_names_a_missing_an_extra_and_a_changed_entry() -> None:
    text = json.dumps({"providers": [
        {"id": "openai", "hosts": ["api.openai.com"], "llm": True},
        {"id": "groq", "hosts": ["api.groq.com"], "llm": True},
        {"id": "azure_openai", "host_suffixes": [".openai.azure.com"], "llm": True},
    ]})
    llm, exact, suffixes = shared_tables(text)
    assert llm == {"openai", "groq", "azure_openai"}
    assert suffixes == {".openai.azure.com": "azure_openai"}
    copy = {"api.openai.com": "azure_openai", "api.stripe.com": "stripe"}
    assert differences("exact host", exact, copy) == [
        "exact host: api.groq.com → groq is missing from _hosts.py",
        "exact host: api.stripe.com → stripe is in _hosts.py only",
        "exact host: api.openai.com → azure_openai in _hosts.py, openai in providers.json",
    ]
