"""Panoptic cost attribution for Python: what did this operation cost, and for which tenant, user and feature?

    import panoptic
    panoptic.init()          # PANOPTIC_ENDPOINT, PANOPTIC_API_KEY, PANOPTIC_SERVICE, ...
    panoptic.instrument()    # httpx and requests calls to providers (OpenAI, Anthropic, ...) recorded and priced
"""

from ._context import ContextValues, context, current_context, from_baggage_header, set_context, to_baggage_header
from ._options import Options
from ._sampling import Sampling
from ._setup import close, flush, init, is_enabled, stats
from ._track import Operation, track, wrap
from ._usage import Usage
from .http import instrument, uninstrument
from .pricing import RateCard

__version__ = "0.1.0"

__all__ = ["ContextValues", "Operation", "Options", "RateCard", "Sampling", "Usage", "close", "context",
           "current_context", "flush", "from_baggage_header", "init", "instrument", "is_enabled", "set_context",
           "stats", "to_baggage_header", "track", "uninstrument", "wrap"]
