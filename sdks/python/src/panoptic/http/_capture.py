"""The part of provider capture that knows no HTTP client: which host, which context to propagate, which tracker."""

from __future__ import annotations

from typing import Mapping, MutableMapping

from .. import _tracker
from .._context import _current, to_baggage_header
from ._hosts import ProviderHosts, ProviderMatch

# Replaced by init() with the configured hosts (PANOPTIC_HOSTS), and by instrument(hosts=...).
hosts = ProviderHosts()


def configure_hosts(custom: Mapping[str, str] | None) -> None:
    global hosts
    hosts = ProviderHosts(custom)


def match(scheme: str, host: str | None, port: int | None) -> ProviderMatch | None:
    return hosts.match(scheme, host, port)


def provider_for(scheme: str, host: str | None, port: int | None,
                 headers: MutableMapping[str, str]) -> tuple[ProviderMatch, _tracker.Tracker] | None:
    """The provider a request goes to, with the tracker that records it; or None, after adding a baggage header
    (unless it has one) when the request goes to the application's own services."""
    found = match(scheme, host, port)
    if found is None:
        if "baggage" not in headers:
            header = baggage()
            if header:
                headers["baggage"] = header
        return None
    current = tracker()
    return (found, current) if current is not None else None


def baggage() -> str:
    """The current context as a baggage header value, for calls to the application's own services."""
    values = _current.get()
    return "" if values.is_empty else to_baggage_header(values)


def tracker() -> _tracker.Tracker | None:
    return _tracker.current


def log_failure(error: Exception) -> None:
    import logging
    logging.getLogger("panoptic").error("panoptic: observing a provider call failed: %s: %s", type(error).__name__, error)
