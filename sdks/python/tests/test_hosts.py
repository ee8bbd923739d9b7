"""The host table in panoptic/http/_hosts.py is a hand-kept copy of the .NET SDK's (ProviderHosts.cs): these tests read
the C# source and fail, naming each entry, when the two differ in either direction."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from panoptic.http import EXACT, LLM_PROVIDERS, SUFFIXES

SOURCE = Path(__file__).resolve().parents[3] / "src" / "Panoptic.Sdk" / "Http" / "ProviderHosts.cs"


def _block(text: str, field: str, opening: str, closing: str) -> str:
    start, end = re.escape(opening), re.escape(closing)
    match = re.search(rf"\b{field}\s*=[^{start}]*{start}(.*?){end};", text, re.DOTALL)
    assert match is not None, f"ProviderHosts.cs: no {field} table found; update this parser with the new layout"
    return match.group(1)


def dotnet_tables(text: str) -> tuple[set[str], dict[str, str], dict[str, str]]:
    """The LLM providers, exact hosts and host suffixes that ProviderHosts.cs declares."""
    llm = set(re.findall(r'"([^"]+)"', _block(text, "LlmProviders", "{", "}")))
    exact = dict(re.findall(r'\["([^"]+)"\]\s*=\s*"([^"]+)"', _block(text, "Exact", "{", "}")))
    suffixes = dict(re.findall(r'\(\s*"([^"]+)"\s*,\s*"([^"]+)"\s*\)', _block(text, "Suffixes", "[", "]")))
    assert llm and exact and suffixes, "ProviderHosts.cs: a table parsed empty; update this parser with the new layout"
    return llm, exact, suffixes


def differences(table: str, dotnet: dict[str, str], copy: dict[str, str]) -> list[str]:
    """Each pair the copy lacks, has in excess, or maps to another provider than .NET does."""
    out = [f"{table}: {key} → {value} is missing from _hosts.py" for key, value in dotnet.items() if key not in copy]
    out += [f"{table}: {key} → {value} is in _hosts.py only" for key, value in copy.items() if key not in dotnet]
    out += [f"{table}: {key} → {copy[key]} in _hosts.py, {value} in ProviderHosts.cs"
            for key, value in dotnet.items() if key in copy and copy[key] != value]
    return out


def test_host_table_copy_matches_the_dotnet_sdk_in_both_directions() -> None:
    if not SOURCE.exists():
        pytest.skip("outside the Panoptic repository: no ProviderHosts.cs to compare with")
    llm, exact, suffixes = dotnet_tables(SOURCE.read_text(encoding="utf-8"))
    found = (differences("exact host", exact, EXACT) + differences("host suffix", suffixes, dict(SUFFIXES))
             + differences("LLM provider", {p: "llm" for p in llm}, {p: "llm" for p in LLM_PROVIDERS}))
    assert found == [], "copy ProviderHosts.cs's change into sdks/python/src/panoptic/http/_hosts.py:\n" + "\n".join(found)


def test_host_table_comparison_names_a_missing_an_extra_and_a_changed_entry() -> None:
    text = '''
        private static readonly HashSet<string> LlmProviders = new(StringComparer.Ordinal) { "openai", "groq" };
        private static readonly Dictionary<string, string> Exact = new(StringComparer.OrdinalIgnoreCase)
        {
            ["api.openai.com"] = "openai",
            ["api.groq.com"] = "groq",
        };
        private static readonly (string Suffix, string Provider)[] Suffixes = [(".openai.azure.com", "azure_openai")];
    '''
    llm, exact, suffixes = dotnet_tables(text)
    assert llm == {"openai", "groq"}
    assert suffixes == {".openai.azure.com": "azure_openai"}
    copy = {"api.openai.com": "azure_openai", "api.stripe.com": "stripe"}
    assert differences("exact host", exact, copy) == [
        "exact host: api.groq.com → groq is missing from _hosts.py",
        "exact host: api.stripe.com → stripe is in _hosts.py only",
        "exact host: api.openai.com → azure_openai in _hosts.py, openai in ProviderHosts.cs",
    ]
