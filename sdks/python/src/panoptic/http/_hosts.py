"""Which provider a request goes to, by its host: a copy of providers.json (src/Panoptic.Sdk/Providers/providers.json,
where every provider Panoptic meters is named once), host suffixes (Azure OpenAI resources, R2 buckets), S3's regional
names, and the application's own additions (host or host:port)."""

from __future__ import annotations

from typing import Mapping, NamedTuple

LLM_PROVIDERS = frozenset({
    "openai", "azure_openai", "anthropic", "gemini", "vertex_ai", "aws_bedrock", "mistral", "groq", "openrouter",
    "deepseek", "together", "cohere", "xai", "perplexity", "fireworks", "huggingface", "ollama", "vllm",
})

EXACT = {
    "api.openai.com": "openai",
    "api.anthropic.com": "anthropic",
    "generativelanguage.googleapis.com": "gemini",
    "api.mistral.ai": "mistral",
    "api.groq.com": "groq",
    "openrouter.ai": "openrouter",
    "api.deepseek.com": "deepseek",
    "api.together.xyz": "together",
    "api.together.ai": "together",
    "api.cohere.com": "cohere",
    "api.cohere.ai": "cohere",
    "api.x.ai": "xai",
    "api.perplexity.ai": "perplexity",
    "api.fireworks.ai": "fireworks",
    "api.stripe.com": "stripe",
    "files.stripe.com": "stripe",
    "api.resend.com": "resend",
    "api.sendgrid.com": "sendgrid",
    "api.postmarkapp.com": "postmark",
    "api.mailgun.net": "mailgun",
    "api.eu.mailgun.net": "mailgun",
    "api.twilio.com": "twilio",
    "storage.googleapis.com": "gcs",
}

SUFFIXES = (
    (".openai.azure.com", "azure_openai"),
    (".cognitiveservices.azure.com", "azure_openai"),
    ("-aiplatform.googleapis.com", "vertex_ai"),
    (".r2.cloudflarestorage.com", "r2"),
    (".blob.core.windows.net", "azure_blob"),
    (".digitaloceanspaces.com", "digitalocean_spaces"),
    (".backblazeb2.com", "backblaze_b2"),
)

_DEFAULT_PORTS = {"http": 80, "https": 443}


class ProviderMatch(NamedTuple):
    provider: str
    is_llm: bool


class ProviderHosts:
    def __init__(self, custom: Mapping[str, str] | None = None) -> None:
        self._custom = {k.lower(): v for k, v in (custom or {}).items()}
        self._seen: dict[tuple[str, int | None], ProviderMatch | None] = {}

    def match(self, scheme: str, host: str | None, port: int | None) -> ProviderMatch | None:
        """The provider for a request's scheme, host and port (None for the scheme's default port)."""
        if not host:
            return None
        if port is not None and _DEFAULT_PORTS.get(scheme) == port:
            port = None
        key = (host, port)
        try:
            return self._seen[key]
        except KeyError:
            pass
        found = self._match(host.lower().rstrip("."), port)
        # Bounded: a service calling many hosts cannot grow it without end.
        if len(self._seen) < 4096:
            self._seen[key] = found
        return found

    def _match(self, host: str, port: int | None) -> ProviderMatch | None:
        provider = None
        if self._custom:
            provider = self._custom.get(f"{host}:{port}" if port is not None else host) or self._custom.get(host)
        provider = provider or EXACT.get(host) or _by_suffix(host)
        return ProviderMatch(provider, provider in LLM_PROVIDERS) if provider else None


def _by_suffix(host: str) -> str | None:
    for suffix, provider in SUFFIXES:
        if host.endswith(suffix):
            return provider
    # S3: s3.amazonaws.com, s3.eu-west-1.amazonaws.com, bucket.s3.eu-west-1.amazonaws.com, s3-eu-west-1.amazonaws.com.
    if host.endswith(".amazonaws.com") and (host.startswith(("s3.", "s3-")) or ".s3." in host or ".s3-" in host):
        return "s3"
    return None
