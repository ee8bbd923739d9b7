"""``init``: options from the environment and code, one clear log line when something is wrong, the tracker."""

from __future__ import annotations

import logging
from typing import Any

from . import _tracker
from ._options import Options
from .export._exporter import Exporter
from .export._jsonl import JsonLinesTransport
from .export._otlp import OtlpTransport
from .export._server import ServerTransport
from .export._transport import Transport
from .http import _capture
from .pricing import EMBEDDED

log = logging.getLogger("panoptic")


def init(options: Options | None = None, **settings: Any) -> Exporter | None:
    """Starts tracking. Reads PANOPTIC_* (and ``Panoptic__*``) environment variables, with ``settings`` (keyword
    options: endpoint, api_key, service, output, file, transport, hosts, queue_capacity, batch_size, flush_interval,
    sample_rate, sampling, rate_card, ...) on top. Never raises for a bad configuration: it logs one line naming
    every problem; a wrong value falls back to its default, and with nowhere to send events the SDK stays off.
    Returns the exporter (``flush()``, ``close()``, ``stats()``), or None when off."""
    try:
        options = options or Options.from_env(**settings)
    except TypeError as e:
        log.warning("panoptic: not started: %s", e)
        return None
    _capture.configure_hosts(options.hosts)
    problems = options.problems()
    close()
    if problems:
        log.warning("panoptic: configuration problems (%s): %s", "the SDK is off" if _fatal(options, problems)
                    else "the defaults are used for these", " ".join(problems))
        if _fatal(options, problems):
            return None
        options = options.fixed()
    if not options.is_configured:
        log.info("panoptic: off: no endpoint or key is configured (PANOPTIC_ENDPOINT, PANOPTIC_API_KEY)")
        return None
    try:
        transport = _transport(options)
    except OSError as e:
        log.warning("panoptic: not started: %s", e)
        return None
    exporter = Exporter(transport, queue_capacity=options.queue_capacity, batch_size=options.batch_size,
                        flush_interval=options.flush_interval, retry_delay=options.retry_delay,
                        max_retry_delay=options.max_retry_delay, shutdown_timeout=options.shutdown_timeout)
    _tracker.current = _tracker.Tracker(exporter, options.service, options.rate_card or EMBEDDED, options.sampling)
    return exporter


def _fatal(options: Options, problems: list[str]) -> bool:
    """Problems that leave nowhere to send events: a missing or wrong endpoint, key, output or file."""
    return any(p.split(" ", 1)[0] in ("endpoint", "api_key", "output", "file", "Panoptic:Endpoint", "Panoptic:Output")
               for p in problems)


def _transport(options: Options) -> Transport:
    if options.transport is not None:
        return options.transport
    if options.output == "console":
        return JsonLinesTransport()
    if options.output == "file":
        return JsonLinesTransport(path=options.file)
    if options.output == "otlp":
        return OtlpTransport(service=options.service, endpoint=options.otlp_endpoint, timeout=options.timeout)
    assert options.endpoint is not None and options.api_key is not None
    return ServerTransport(options.endpoint, options.api_key, timeout=options.timeout)


def exporter() -> Exporter | None:
    tracker = _tracker.current
    return tracker.exporter if tracker is not None else None


def flush(timeout: float = 5.0) -> bool:
    """Waits until every queued event is sent, at most ``timeout`` seconds; True when done (or when off)."""
    current = exporter()
    return current.flush(timeout) if current is not None else True


def close(timeout: float | None = None) -> None:
    """Sends what is queued, then stops tracking (every call becomes a no-op again)."""
    current = exporter()
    _tracker.current = None
    if current is not None:
        current.close(timeout)


def stats() -> dict[str, int]:
    """The exporter's counters: queued, sent, dropped, failed, sampled_out, retries (zeros when off)."""
    current = exporter()
    return current.stats() if current is not None else {"queued": 0, "sent": 0, "dropped": 0, "failed": 0, "sampled_out": 0, "retries": 0}


def is_enabled() -> bool:
    return _tracker.current is not None
