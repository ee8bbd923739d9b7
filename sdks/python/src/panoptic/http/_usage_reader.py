"""Reads the model and token usage out of LLM responses as their bytes go by: a whole JSON body, or server-sent
events (OpenAI chat and Responses chunks, Anthropic message events, Gemini ``alt=sse``), by the rules of
src/Panoptic.Sdk/Http/UsageReader.cs. It holds only the current line of a stream (at most 1 MB; a longer line is
skipped) and at most 8 MB of a JSON body, and never raises: a chunk it cannot read is skipped."""

from __future__ import annotations

import json
from typing import Any

from .._usage import Usage

MAX_BODY_BYTES = 8 << 20
MAX_LINE_BYTES = 1 << 20
_MAX_DEPTH = 64

_OTHER, _USAGE, _INPUT_DETAILS, _OUTPUT_DETAILS, _MESSAGE = range(5)
_USAGE_NAMES = frozenset({"usage", "usageMetadata"})
_MODEL_NAMES = frozenset({"model", "modelVersion"})
_TEXT_NAMES = frozenset({"content", "text", "delta"})
_MESSAGE_NAMES = frozenset({"message", "response"})
# Names inside a usage object and the field each counts into.
_USAGE_FIELDS = {
    "prompt_tokens": "input", "input_tokens": "input", "promptTokenCount": "input",
    "completion_tokens": "output", "output_tokens": "output", "candidatesTokenCount": "output",
    "cachedContentTokenCount": "cached", "cache_read_input_tokens": "cache_read",
    "cache_creation_input_tokens": "cache_creation", "thoughtsTokenCount": "thoughts",
}
_INPUT_DETAILS_NAMES = frozenset({"prompt_tokens_details", "input_tokens_details"})
_OUTPUT_DETAILS_NAMES = frozenset({"completion_tokens_details", "output_tokens_details"})


class UsageReader:
    __slots__ = ("_stream", "_pending", "_skipping", "_overflow", "counts", "model", "text_chunks", "saw_usage",
                 "saw_end", "broken_chunks")

    def __init__(self, stream: bool) -> None:
        self._stream = stream
        self._pending = bytearray()
        self._skipping = False
        self._overflow = False
        # The last non-zero value seen per field: streams repeat usage cumulatively (Anthropic, Gemini) or send it
        # once at the end (OpenAI).
        self.counts = {"input": 0, "output": 0, "cached": 0, "reasoning": 0, "cache_read": 0, "cache_creation": 0, "thoughts": 0}
        self.model: str | None = None
        self.text_chunks = 0
        self.saw_usage = False
        self.saw_end = False
        self.broken_chunks = 0

    def append(self, data: bytes) -> None:
        """Feeds the next bytes of the body."""
        if self._overflow or not data:
            return
        if not self._stream:
            if len(self._pending) + len(data) > MAX_BODY_BYTES:
                self._overflow = True
                self._pending = bytearray()
            else:
                self._pending += data
            return
        start = 0
        while True:
            newline = data.find(b"\n", start)
            if newline < 0:
                rest = len(data) - start
                if self._skipping or not rest:
                    return
                if len(self._pending) + rest > MAX_LINE_BYTES:
                    self._skipping = True  # an absurd line: skip to its end
                    self._pending = bytearray()
                else:
                    self._pending += data[start:]
                return
            if self._skipping:
                self._skipping = False
            elif self._pending:
                self._pending += data[start:newline]
                self._line(bytes(self._pending))
                self._pending.clear()
            else:
                self._line(data[start:newline])
            start = newline + 1

    def complete(self) -> None:
        """The body is complete: reads a JSON body, or a last stream line without its newline."""
        if not self._overflow and self._pending and not self._skipping:
            if self._stream:
                self._line(bytes(self._pending))
            else:
                self._read(bytes(self._pending), count_text=False)
        self._pending = bytearray()

    @property
    def usage(self) -> Usage | None:
        if not self.saw_usage:
            return None
        c = self.counts
        # Anthropic counts cache reads and writes outside input_tokens; Gemini counts thoughts outside candidates.
        return Usage(input_tokens=c["input"] + c["cache_read"] + c["cache_creation"],
                     cached_input_tokens=c["cache_read"] or c["cached"],
                     output_tokens=c["output"] + c["thoughts"],
                     reasoning_tokens=c["thoughts"] or c["reasoning"])

    def _line(self, line: bytes) -> None:
        if line.endswith(b"\r"):
            line = line[:-1]
        if not line.startswith(b"data:"):
            return
        data = line[5:].lstrip(b" ")
        if not data:
            return
        if data == b"[DONE]" or b'"message_stop"' in data:
            self.saw_end = True
            return
        # Once the model is known, a chunk that surely carries no usage needs no parsing: count its text and move
        # on. This keeps a long stream at a few microseconds per chunk instead of a JSON parse each.
        if self.model is not None and not _may_carry_usage(data):
            if _carries_text(data):
                self.text_chunks += 1
            return
        self._read(data, count_text=True)

    def _read(self, data: bytes, count_text: bool) -> None:
        try:
            document = json.loads(data)
        except (ValueError, RecursionError):
            self.broken_chunks += 1
            return
        if type(document) is dict:
            try:
                self._object(document, 1, _OTHER, count_text)
            except RecursionError:
                self.broken_chunks += 1

    def _object(self, obj: dict[str, Any], depth: int, scope: int, count_text: bool) -> None:
        if depth > _MAX_DEPTH:
            self.broken_chunks += 1
            return
        for key, value in obj.items():
            kind = type(value)
            if kind is dict:
                if key in _USAGE_NAMES:
                    child = _USAGE
                elif scope == _USAGE and key in _INPUT_DETAILS_NAMES:
                    child = _INPUT_DETAILS
                elif scope == _USAGE and key in _OUTPUT_DETAILS_NAMES:
                    child = _OUTPUT_DETAILS
                elif key in _MESSAGE_NAMES:
                    child = _MESSAGE
                else:
                    child = _OTHER
                self._object(value, depth + 1, child, count_text)
            elif kind is list:
                self._array(value, depth + 1, count_text)
            elif kind is str:
                if key in _MODEL_NAMES:
                    if self.model is None and (depth == 1 or scope == _MESSAGE):
                        self.model = value
                elif count_text and value and key in _TEXT_NAMES:
                    self.text_chunks += 1
            elif kind is int and value > 0:
                name = None
                if scope == _USAGE:
                    name = _USAGE_FIELDS.get(key)
                elif scope == _INPUT_DETAILS and key == "cached_tokens":
                    name = "cached"
                elif scope == _OUTPUT_DETAILS and key == "reasoning_tokens":
                    name = "reasoning"
                if name is not None:
                    self.saw_usage = True
                    self.counts[name] = value

    def _array(self, items: list[Any], depth: int, count_text: bool) -> None:
        if depth > _MAX_DEPTH:
            self.broken_chunks += 1
            return
        for item in items:
            if type(item) is dict:
                self._object(item, depth + 1, _OTHER, count_text)
            elif type(item) is list:
                self._array(item, depth + 1, count_text)


def _may_carry_usage(data: bytes) -> bool:
    """False only when the chunk surely has no usage numbers: no "usage" at all, or only ``"usage":null``."""
    at = data.find(b"sage")
    if at < 0:
        return False
    if not data.startswith(b'sage":null', at):
        return True
    return data.find(b"sage", at + 4) >= 0


def _carries_text(data: bytes) -> bool:
    """A non-empty "content", "text" or "delta" string (OpenAI, Anthropic, Gemini, Responses)."""
    return _non_empty_string(data, b'"content":') or _non_empty_string(data, b'"text":') or _non_empty_string(data, b'"delta":')


def _non_empty_string(data: bytes, name: bytes) -> bool:
    at = data.find(name)
    if at < 0:
        return False
    at += len(name)
    while at < len(data) and data[at] == 0x20:
        at += 1
    return at + 1 < len(data) and data[at] == 0x22 and data[at + 1] != 0x22
