"""Where tracked events go: the exporter and its transports."""

from ._exporter import Exporter
from ._jsonl import JsonLinesTransport
from ._otlp import OtlpTransport
from ._server import ServerTransport
from ._transport import OK, SendResult, Transport, permanent, retryable

__all__ = ["Exporter", "JsonLinesTransport", "OK", "OtlpTransport", "SendResult", "ServerTransport", "Transport",
           "permanent", "retryable"]
