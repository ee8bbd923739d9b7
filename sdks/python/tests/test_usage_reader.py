from __future__ import annotations

import json
import random

from fakes import ANTHROPIC_SSE, CHAT_JSON, chat_chunks
from panoptic import Usage
from panoptic.http._usage_reader import MAX_BODY_BYTES, UsageReader


def read(body: bytes, stream: bool, split: int | None = None) -> UsageReader:
    reader = UsageReader(stream)
    step = split or len(body) or 1
    for i in range(0, len(body), step):
        reader.append(body[i:i + step])
    reader.complete()
    return reader


def test_openai_chat_json_reads_cached_and_reasoning_tokens() -> None:
    reader = read(json.dumps(CHAT_JSON).encode(), stream=False)
    assert reader.model == "gpt-4o-mini-2024-07-18"
    assert reader.usage == Usage(input_tokens=1200, output_tokens=300, cached_input_tokens=1000, reasoning_tokens=100)


def test_responses_api_json_reads_input_and_output_details() -> None:
    body = {"id": "resp_1", "object": "response", "model": "o4-mini", "output": [{"content": [{"text": "hi"}]}],
            "usage": {"input_tokens": 90, "input_tokens_details": {"cached_tokens": 40},
                      "output_tokens": 60, "output_tokens_details": {"reasoning_tokens": 50}}}
    reader = read(json.dumps(body).encode(), stream=False)
    assert (reader.model, reader.usage) == ("o4-mini", Usage(input_tokens=90, output_tokens=60, cached_input_tokens=40, reasoning_tokens=50))


def test_anthropic_json_counts_cache_reads_and_writes_into_input() -> None:
    body = {"type": "message", "model": "claude-sonnet-4-20250514", "content": [{"type": "text", "text": "x"}],
            "usage": {"input_tokens": 10, "cache_read_input_tokens": 200, "cache_creation_input_tokens": 30, "output_tokens": 5}}
    reader = read(json.dumps(body).encode(), stream=False)
    assert reader.usage == Usage(input_tokens=240, output_tokens=5, cached_input_tokens=200)


def test_gemini_usage_metadata_adds_thoughts_to_output() -> None:
    body = {"candidates": [{"content": {"parts": [{"text": "x"}]}}], "modelVersion": "gemini-2.5-flash",
            "usageMetadata": {"promptTokenCount": 12, "candidatesTokenCount": 8, "thoughtsTokenCount": 20, "cachedContentTokenCount": 4}}
    reader = read(json.dumps(body).encode(), stream=False)
    assert reader.model == "gemini-2.5-flash"
    assert reader.usage == Usage(input_tokens=12, output_tokens=28, cached_input_tokens=4, reasoning_tokens=20)


def test_openai_stream_reads_the_usage_chunk_and_sees_done() -> None:
    reader = read(b"".join(chat_chunks(["a", "b", "c"])), stream=True)
    assert reader.saw_end and reader.model == "gpt-4o-mini-2024-07-18"
    assert reader.usage == Usage(input_tokens=50, output_tokens=3)
    assert reader.text_chunks == 3  # the first chunk parsed (model unknown), the rest by the fast path


def test_stream_without_usage_counts_text_chunks_for_the_estimate() -> None:
    reader = read(b"".join(chat_chunks(["a", "b", "c", ""], usage=False)), stream=True)
    assert reader.usage is None and reader.text_chunks == 3


def test_anthropic_stream_last_value_per_field_wins() -> None:
    reader = read(b"".join(ANTHROPIC_SSE), stream=True)
    assert reader.saw_end and reader.model == "claude-3-5-haiku-20241022"
    assert reader.usage == Usage(input_tokens=150, output_tokens=42, cached_input_tokens=100)


def test_stream_any_chunking_reads_the_same_usage() -> None:
    body = b"".join(chat_chunks(["x"] * 20)).replace(b"\n", b"\r\n")
    whole = read(body, stream=True)
    rng = random.Random(3)
    for _ in range(200):
        reader = UsageReader(True)
        i = 0
        while i < len(body):
            n = rng.randint(1, 40)
            reader.append(body[i:i + n])
            i += n
        reader.complete()
        assert (reader.usage, reader.model, reader.saw_end) == (whole.usage, whole.model, whole.saw_end)


def test_malformed_chunks_are_skipped_and_what_came_before_stands() -> None:
    body = (b'data: {"model":"gpt-4o","usage":{"prompt_tokens":3,"completion_tokens":4}}\n'
            b"data: {broken\n" b"data: \xff\xfe\n" b'data: {"usage":{"prompt_tokens":"many","completion_tokens":-5}}\n'
            b"data: " + b"[" * 100_000 + b"\n")
    reader = read(body, stream=True)
    assert reader.usage == Usage(input_tokens=3, output_tokens=4)


def test_a_line_longer_than_a_megabyte_is_skipped_and_the_next_read() -> None:
    body = b"data: " + b"z" * (2 << 20) + b'\ndata: {"model":"m","usage":{"prompt_tokens":9}}\n'
    reader = read(body, stream=True, split=65536)
    assert reader.usage == Usage(input_tokens=9)


def test_json_body_past_eight_megabytes_is_not_read() -> None:
    body = b'{"usage":{"prompt_tokens":1},"x":"' + b"a" * MAX_BODY_BYTES + b'"}'
    reader = read(body, stream=False, split=1 << 20)
    assert reader.usage is None


def test_deeply_nested_json_body_is_survived() -> None:
    reader = read(b'{"a":' * 5000 + b"1" + b"}" * 5000, stream=False)
    assert reader.usage is None
    reader = read(b"[" * 200 + b"]" * 200, stream=False)
    assert reader.usage is None
