"""Automatic capture of provider calls made with httpx (sync and async) and requests."""

from __future__ import annotations

import importlib.util
import logging
from typing import Mapping

from . import _capture
from ._hosts import EXACT, LLM_PROVIDERS, SUFFIXES, ProviderHosts, ProviderMatch

log = logging.getLogger("panoptic")


def instrument(hosts: Mapping[str, str] | None = None) -> list[str]:
    """Captures calls to known providers made with httpx and requests (those installed), so the official OpenAI and
    Anthropic clients are recorded and priced with no other change; calls to other hosts carry the context as W3C
    baggage. ``hosts`` adds hosts (``{"llm.internal:8443": "openai"}``) to those PANOPTIC_HOSTS configured. Returns
    the libraries instrumented; calling it again changes nothing."""
    if hosts:
        _capture.configure_hosts({**_capture.hosts._custom, **hosts})
    done = []
    if importlib.util.find_spec("httpx") is not None:
        try:
            from . import _httpx
            _httpx.patch()
            done.append("httpx")
        except Exception as e:  # an httpx too different to patch: say so, leave it alone
            log.warning("panoptic: httpx is not captured: %s: %s", type(e).__name__, e)
    if importlib.util.find_spec("requests") is not None:
        try:
            from . import _requests
            _requests.patch()
            done.append("requests")
        except Exception as e:
            log.warning("panoptic: requests is not captured: %s: %s", type(e).__name__, e)
    return done


def uninstrument() -> None:
    """Undoes :func:`instrument`."""
    import sys
    if "panoptic.http._httpx" in sys.modules:
        sys.modules["panoptic.http._httpx"].unpatch()
    if "panoptic.http._requests" in sys.modules:
        sys.modules["panoptic.http._requests"].unpatch()


def __getattr__(name: str) -> object:
    # httpx transports, imported only when asked for so the core never imports httpx.
    if name in ("Transport", "AsyncTransport"):
        from . import _httpx
        return getattr(_httpx, name)
    raise AttributeError(name)


__all__ = ["EXACT", "LLM_PROVIDERS", "SUFFIXES", "ProviderHosts", "ProviderMatch", "instrument", "uninstrument"]
