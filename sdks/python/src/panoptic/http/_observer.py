"""What a provider call is recorded as, and the observer that watches an LLM response body go by and records the
call once: when the body has been read to its end, or abandoned (priced from what was seen, marked estimated)."""

from __future__ import annotations

import logging
import re
import threading
import zlib
from time import perf_counter
from typing import Any, Callable
from urllib.parse import unquote

from .. import _tracker
from .._usage import Usage
from ._hosts import ProviderMatch
from ._usage_reader import UsageReader

log = logging.getLogger("panoptic")
_SENDS = frozenset({"resend", "sendgrid", "postmark", "mailgun", "twilio"})
_STORAGE = frozenset({"s3", "r2", "gcs", "azure_blob"})
_VERSION = re.compile(r"^v\d")
# Decompressed bytes shown to the reader per call at most, and in all: a compression bomb costs bounded memory.
_DECODE_STEP = 1 << 20
_DECODE_TOTAL = 256 << 20


class ProviderError(Exception):
    """The provider answered with an error status (the caller still gets the response unchanged)."""


def failure(status: int) -> ProviderError | None:
    return ProviderError(f"the provider answered {status}") if status >= 400 else None


def is_id(segment: str) -> bool:
    # v1, v1beta, v2 are versions, not ids.
    return len(segment) > 24 or (any(c.isdigit() for c in segment) and not (len(segment) <= 8 and _VERSION.match(segment)))


def route(method: str, path: str) -> str:
    """``POST /v1/chat/completions``; segments that look like ids (with a digit, or long) become ``{id}``."""
    parts = []
    for segment in path.split("/"):
        if not segment:
            continue
        name, colon, action = segment.partition(":")
        parts.append(("{id}" if is_id(name) else name) + colon + action)
    return method + " /" + "/".join(parts)


def model_in_path(path: str) -> str | None:
    """The model in a Gemini or Vertex path (``.../models/gemini-2.0-flash:generateContent``)."""
    at = path.find("/models/")
    if at < 0:
        return None
    rest = path[at + 8:]
    end = min((i for i in (rest.find(":"), rest.find("/")) if i >= 0), default=-1)
    return unquote(rest[:end]) if end > 0 else None


def service_usage(match: ProviderMatch, method: str, status: int, request_length: int | None,
                  response_length: int | None) -> Usage:
    """What a non-LLM call consumed: one request; an email or SMS sent; bytes put to or got from storage."""
    if status >= 400:
        return Usage(requests=1)
    sends = method == "POST" and match.provider in _SENDS
    transferred = 0
    if match.provider in _STORAGE:
        transferred = (request_length if method == "PUT" else response_length if method == "GET" else 0) or 0
    return Usage(requests=1, units=1 if sends else 0, bytes=transferred)


def content_length(headers: Any) -> int | None:
    value = headers.get("content-length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def media_kind(content_type: str | None) -> str | None:
    """'stream' for server-sent events, 'json' for a JSON body, None for anything else."""
    if not content_type:
        return None
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "text/event-stream":
        return "stream"
    return "json" if media.endswith("json") else None


class Decoder:
    """Undoes a Content-Encoding for the reader only (the caller's bytes are never touched): gzip and deflate with
    zlib, br when the brotli module is installed. None from :func:`decoder_for` means the bytes are already plain."""

    def __init__(self, feed: Callable[[bytes], Any], decompress: Callable[[bytes, int], bytes], tail: Callable[[], bytes]) -> None:
        self._feed = feed
        self._decompress = decompress
        self._tail = tail
        self._total = 0

    def __call__(self, data: bytes) -> None:
        while data:
            out = self._decompress(data, _DECODE_STEP)
            self._total += len(out)
            if self._total > _DECODE_TOTAL:
                raise ValueError("the decompressed body is too large to read usage from")
            self._feed(out)
            data = self._tail()


def decoder_for(encoding: str | None, feed: Callable[[bytes], Any]) -> Callable[[bytes], Any] | None:
    encoding = (encoding or "").strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip", "deflate"):
        # 32 + MAX_WBITS reads a gzip or zlib header; raw deflate (no header) is what some servers send as "deflate".
        z = zlib.decompressobj(zlib.MAX_WBITS | 32)
        state = {"z": z, "first": True}

        def decompress(data: bytes, limit: int) -> bytes:
            try:
                out = state["z"].decompress(data, limit)
            except zlib.error:
                if not (state["first"] and encoding == "deflate"):
                    raise
                state["z"] = zlib.decompressobj(-zlib.MAX_WBITS)
                out = state["z"].decompress(data, limit)
            state["first"] = False
            return out

        return Decoder(feed, decompress, lambda: state["z"].unconsumed_tail)
    if encoding == "br":
        try:
            import brotli  # type: ignore[import-not-found]
        except ImportError:
            raise ValueError("a br-encoded body needs the brotli module to read usage") from None
        d = brotli.Decompressor()
        return Decoder(feed, lambda data, limit: d.process(data), lambda: b"")
    raise ValueError(f"cannot read usage from a {encoding}-encoded body")


class ResponseObserver:
    """Shown every byte the caller reads; records the call once, at the end of the body or when it is abandoned."""

    __slots__ = ("_tracker", "_match", "_name", "_model", "_started", "_status", "_stream", "_reader", "_feed",
                 "_broken", "_once")

    def __init__(self, tracker: _tracker.Tracker, match: ProviderMatch, name: str, model: str | None, status: int,
                 started: float, stream: bool, encoding: str | None) -> None:
        self._tracker = tracker
        self._match = match
        self._name = name
        self._model = model
        self._status = status
        self._started = started
        self._stream = stream
        self._reader = UsageReader(stream)
        self._broken = False
        self._once = threading.Lock()
        try:
            self._feed = decoder_for(encoding, self._reader.append) or self._reader.append
        except ValueError as e:
            self._feed = self._reader.append
            self._fail_reading(e)

    def _fail_reading(self, error: Exception) -> None:
        # Never the caller's problem: stop reading usage, keep passing bytes through.
        self._broken = True
        log.debug("panoptic: reading usage stopped: %s", error)

    def saw(self, data: bytes) -> None:
        if self._broken or self._once.locked():
            return
        try:
            self._feed(data)
        except Exception as e:
            self._fail_reading(e)

    def __enter__(self) -> ResponseObserver:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: object) -> None:
        """Ends a read of the body inside ``with observer:``: complete when the block ends, abandoned when the reader
        closes it early (GeneratorExit), failed when it raises."""
        if kind is None:
            self.finish(True)
        elif issubclass(kind, GeneratorExit):
            self.finish(False)
        else:
            self.finish(False, error)

    def finish(self, complete: bool, error: BaseException | None = None) -> None:
        """The body ended (``complete``), failed with ``error``, or was abandoned. Only the first call counts."""
        ended = perf_counter()
        if not self._once.acquire(blocking=False):
            return
        try:
            reader = self._reader
            if not self._broken:
                reader.complete()
            complete = complete or reader.saw_end
            usage = reader.usage
            estimated = not complete or usage is None
            if usage is None and reader.text_chunks > 0:
                usage = Usage(output_tokens=reader.text_chunks)
            self._tracker.record(self._match.provider, reader.model or self._model, self._name, usage, None, None,
                                 self._started, ended, error or failure(self._status),
                                 estimated and (self._stream or not complete))
        except Exception as e:  # the boundary: recording never raises into the caller's read
            log.error("panoptic: recording a response failed: %s: %s", type(e).__name__, e)
