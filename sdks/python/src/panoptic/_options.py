"""Everything the SDK can be told: the .NET SDK's environment variables (PANOPTIC_ENDPOINT, PANOPTIC_API_KEY, ...),
its configuration keys in environment form (``Panoptic__Export__BatchSize``), and keyword options in code, which win.
:meth:`Options.problems` lists every problem by its setting, never a key's value."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Mapping, TypeVar
from urllib.parse import urlsplit

from ._sampling import Sampling
from .export._transport import Transport
from .pricing import RateCard

T = TypeVar("T")
OUTPUTS = ("server", "console", "file", "otlp")
_DURATION = re.compile(r"^(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$")


def _default_service() -> str | None:
    main = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    name = os.path.splitext(main)[0]
    return name if name and not name.startswith("-") else None


@dataclass(frozen=True)
class Options:
    enabled: bool = True
    endpoint: str | None = None
    api_key: str | None = field(default=None, repr=False)
    service: str | None = field(default_factory=_default_service)
    output: str = "server"
    file: str | None = None
    otlp_endpoint: str | None = None
    transport: Transport | None = None
    hosts: Mapping[str, str] = field(default_factory=dict)
    queue_capacity: int = 10_000
    batch_size: int = 500
    flush_interval: float = 1.0
    retry_delay: float = 0.5
    max_retry_delay: float = 30.0
    shutdown_timeout: float = 5.0
    timeout: float = 30.0
    sampling: Sampling = field(default_factory=Sampling)
    rate_card: RateCard | None = None
    read_problems: tuple[str, ...] = field(default=(), repr=False)

    @property
    def is_configured(self) -> bool:
        """False when there is nowhere to send events: disabled, or the server output with neither endpoint nor key."""
        return self.enabled and (self.transport is not None or self.output != "server"
                                 or self.endpoint is not None or self.api_key is not None)

    def problems(self) -> list[str]:
        """Every problem, each naming the setting and what it must be."""
        out = list(self.read_problems)
        if self.enabled and self.transport is None:
            if self.output not in OUTPUTS:
                out.append(f"output (PANOPTIC_OUTPUT) must be server, console, file or otlp, got '{_shorten(self.output)}'.")
            elif self.output == "server" and (self.endpoint is not None or self.api_key is not None):
                if self.endpoint is None:
                    out.append("endpoint (PANOPTIC_ENDPOINT) is missing: the address of your Panoptic server, e.g. https://panoptic.example.com.")
                elif not _is_http(self.endpoint):
                    out.append(f"endpoint (PANOPTIC_ENDPOINT) must be an absolute http:// or https:// address, got '{_mask(self.endpoint)}'.")
                if self.api_key is None:
                    out.append("api_key (PANOPTIC_API_KEY) is missing: create an ingestion key with POST /api/v1/keys.")
                elif any(c.isspace() for c in self.api_key):
                    out.append("api_key (PANOPTIC_API_KEY) contains whitespace; copy the key exactly as it was shown.")
            elif self.output == "file" and not (self.file or "").strip():
                out.append("file (PANOPTIC_FILE) is missing: the JSON-lines file to append events to.")
        if not 1 <= self.queue_capacity <= 10_000_000:
            out.append(f"Panoptic:Export:QueueCapacity must be between 1 and 10000000, got {self.queue_capacity}.")
        if not 1 <= self.batch_size <= 10_000:
            out.append(f"Panoptic:Export:BatchSize must be between 1 and 10000, got {self.batch_size}.")
        if not self.flush_interval > 0:
            out.append("Panoptic:Export:FlushInterval must be positive.")
        if not self.retry_delay > 0:
            out.append("Panoptic:Export:RetryDelay must be positive.")
        if not self.max_retry_delay >= self.retry_delay:
            out.append("Panoptic:Export:MaxRetryDelay must not be shorter than RetryDelay.")
        out += self.sampling.problems()
        return out

    def fixed(self) -> Options:
        """These options with each invalid setting back at its default: a wrong value costs that setting, not the SDK."""
        d = Options()
        o = self
        if not 1 <= o.queue_capacity <= 10_000_000: o = replace(o, queue_capacity=d.queue_capacity)
        if not 1 <= o.batch_size <= 10_000: o = replace(o, batch_size=d.batch_size)
        if not o.flush_interval > 0: o = replace(o, flush_interval=d.flush_interval)
        if not o.retry_delay > 0: o = replace(o, retry_delay=d.retry_delay)
        if not o.max_retry_delay >= o.retry_delay: o = replace(o, max_retry_delay=max(o.retry_delay, d.max_retry_delay))
        if o.sampling.problems(): o = replace(o, sampling=Sampling())
        return o

    @staticmethod
    def from_env(environ: Mapping[str, str] | None = None, **overrides: Any) -> Options:
        """The options in ``environ`` (default ``os.environ``), with ``overrides`` (keyword options in code) on top."""
        env = os.environ if environ is None else environ
        config = {k.upper(): v for k, v in env.items() if k.upper().startswith("PANOPTIC__")}
        problems: list[str] = []

        def value(key: str, variable: str | None = None) -> str | None:
            text = env.get(variable) if variable else None
            if text is None or not text.strip():
                text = config.get("PANOPTIC__" + key.upper().replace(":", "__"))
            return text.strip() if text and text.strip() else None

        def parse(key: str, variable: str | None, fallback: T, read: Callable[[str], T | None], expected: str) -> T:
            text = value(key, variable)
            if text is None:
                return fallback
            parsed = read(text)
            if parsed is None:
                where = f" ({variable})" if variable else ""
                problems.append(f"Panoptic:{key}{where} must be {expected}, got '{_shorten(text)}'.")
                return fallback
            return parsed

        d = Options()
        endpoint = value("Endpoint", "PANOPTIC_ENDPOINT")
        if endpoint is not None and not _is_http(endpoint):
            problems.append(f"Panoptic:Endpoint (PANOPTIC_ENDPOINT) must be an absolute http:// or https:// address, got '{_mask(endpoint)}'.")
            endpoint = None
        sampling = Sampling(
            rate=parse("Sampling:Rate", "PANOPTIC_SAMPLE_RATE", 1.0, _number, "a number from 0 to 1"),
            providers=_rates(config, "PANOPTIC__SAMPLING__PROVIDERS__", "Sampling:Providers", env, problems),
            operations=_rates(config, "PANOPTIC__SAMPLING__OPERATIONS__", "Sampling:Operations", env, problems),
            always_keep_cost_usd=parse("Sampling:AlwaysKeepCostUsd", None, Decimal("0.01"), _decimal, "an amount in US dollars"))
        options = Options(
            enabled=parse("Enabled", "PANOPTIC_ENABLED", True, _bool, "true or false"),
            endpoint=endpoint,
            api_key=value("ApiKey", "PANOPTIC_API_KEY"),
            service=value("Service", "PANOPTIC_SERVICE") or d.service,
            output=parse("Output", "PANOPTIC_OUTPUT", "server", lambda t: t.lower() if t.lower() in OUTPUTS else None,
                         "server, console, file or otlp"),
            file=value("File", "PANOPTIC_FILE"),
            hosts=_hosts(env, config, problems),
            queue_capacity=parse("Export:QueueCapacity", None, d.queue_capacity, _integer, "a whole number"),
            batch_size=parse("Export:BatchSize", None, d.batch_size, _integer, "a whole number"),
            flush_interval=parse("Export:FlushInterval", None, d.flush_interval, _duration, "a duration such as 00:00:01"),
            retry_delay=parse("Export:RetryDelay", None, d.retry_delay, _duration, "a duration such as 00:00:00.5"),
            max_retry_delay=parse("Export:MaxRetryDelay", None, d.max_retry_delay, _duration, "a duration such as 00:00:30"),
            sampling=sampling,
        )
        if overrides:
            if "sample_rate" in overrides:
                options = replace(options, sampling=replace(options.sampling, rate=overrides.pop("sample_rate")))
            options = replace(options, **overrides)
        if options.endpoint is not None:
            options = replace(options, endpoint=options.endpoint.strip().rstrip("/"))
        return replace(options, read_problems=tuple(problems))


def _hosts(env: Mapping[str, str], config: Mapping[str, str], problems: list[str]) -> dict[str, str]:
    """``Panoptic__Hosts__<host>=provider`` entries, and ``PANOPTIC_HOSTS=host[:port]=provider,...``."""
    hosts = {}
    for key, provider in config.items():
        if key.startswith("PANOPTIC__HOSTS__") and provider.strip():
            hosts[key[len("PANOPTIC__HOSTS__"):].lower()] = provider.strip()
    listed = env.get("PANOPTIC_HOSTS") or config.get("PANOPTIC__HOSTS") or ""
    for entry in (e.strip() for e in listed.split(",")):
        if not entry:
            continue
        host, _, provider = entry.rpartition("=")
        if not host.strip() or not provider.strip():
            problems.append(f"Panoptic:Hosts (PANOPTIC_HOSTS) entries are host[:port]=provider, got '{_shorten(entry)}'.")
        else:
            hosts[host.strip().lower()] = provider.strip()
    return hosts


def _rates(config: Mapping[str, str], prefix: str, name: str, env: Mapping[str, str], problems: list[str]) -> dict[str, float]:
    rates = {}
    original = {k.upper(): k for k in env}
    for key, text in config.items():
        if key.startswith(prefix):
            # The provider or operation keeps the case it was written in.
            suffix = original.get(key, key)[len(prefix):]
            rate = _number(text.strip())
            if rate is None:
                problems.append(f"Panoptic:{name}:{suffix} must be a number from 0 to 1, got '{_shorten(text)}'.")
            else:
                rates[suffix] = rate
    return rates


def _bool(text: str) -> bool | None:
    return {"true": True, "false": False}.get(text.lower())


def _integer(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _duration(text: str) -> float | None:
    """Seconds from a .NET TimeSpan as configuration writes it: ``[d.]hh:mm:ss[.fff]``."""
    match = _DURATION.match(text)
    if match is None:
        return None
    days, hours, minutes, seconds = match.groups()
    return int(days or 0) * 86400 + int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _is_http(url: str) -> bool:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and "@" not in parts.netloc


def _mask(url: str) -> str:
    return "(a value with credentials, not shown)" if "@" in url else _shorten(url)


def _shorten(text: str) -> str:
    return text[:80] + "…" if len(text) > 80 else text
