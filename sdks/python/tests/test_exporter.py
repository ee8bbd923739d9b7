from __future__ import annotations

import logging
import time
import tracemalloc

import pytest

import panoptic
from fakes import Collect, ScriptedIngest, free_port
from panoptic.export import Exporter, OtlpTransport, ServerTransport, permanent, retryable
from panoptic.export._transport import retry_after_seconds


def test_batches_by_size_and_by_interval() -> None:
    collect = Collect()
    exporter = Exporter(collect, batch_size=10, flush_interval=0.05)
    panoptic_events = [_event(i) for i in range(25)]
    for e in panoptic_events:
        exporter.enqueue(e)
    assert exporter.flush(2)
    assert [len(b) for b in collect.batches][:2] == [10, 10] and sum(map(len, collect.batches)) == 25
    exporter.close()


def test_server_down_memory_bounded_drops_counted_never_raises() -> None:
    transport = ServerTransport(f"http://127.0.0.1:{free_port()}", "pk_secret_value", timeout=1)
    exporter = Exporter(transport, queue_capacity=1000, batch_size=100, flush_interval=0.01, retry_delay=0.01, max_retry_delay=0.05)
    tracemalloc.start()
    for i in range(50_000):
        assert exporter.enqueue(_event(i)) in (True, False)
    current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    time.sleep(0.2)
    stats = exporter.stats()
    assert stats["dropped"] >= 48_900 and stats["queued"] <= 1000 + 100 and stats["retries"] >= 1 and stats["sent"] == 0
    assert current < 8 << 20  # a thousand queued events, not fifty thousand
    assert not exporter.close(timeout=0.2)
    assert exporter.stats()["failed"] >= 900


def test_500_then_ok_retries_the_same_event_ids_and_server_counts_once() -> None:
    ingest = ScriptedIngest([500, 503])
    try:
        exporter = Exporter(ServerTransport(ingest.url, "pk_test"), flush_interval=0.01, retry_delay=0.01)
        for i in range(3):
            exporter.enqueue(_event(i))
        assert exporter.flush(5)
        ids = ingest.ids()
        assert len(ids) == 3 and ids[0] == ids[1] == ids[2] and len(ids[0]) == 3
        assert exporter.stats()["sent"] == 3 and exporter.stats()["retries"] == 2
        assert ingest.headers[0]["Authorization"] == "Bearer pk_test"
        exporter.close()
    finally:
        ingest.close()


def test_retry_after_is_honoured() -> None:
    ingest = ScriptedIngest([429], retry_after="0.3")
    try:
        exporter = Exporter(ServerTransport(ingest.url, "pk_test"), flush_interval=0.01, retry_delay=5)
        exporter.enqueue(_event(1))
        started = time.monotonic()
        assert exporter.flush(3)
        assert 0.25 <= time.monotonic() - started < 2
        exporter.close()
    finally:
        ingest.close()


def test_wrong_key_fails_the_batch_for_good_and_the_key_is_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    ingest = ScriptedIngest([401, 422])
    try:
        exporter = Exporter(ServerTransport(ingest.url, "pk_very_secret"), flush_interval=0.01, batch_size=1)
        exporter.enqueue(_event(1))
        exporter.flush(2)
        exporter.enqueue(_event(2))
        exporter.flush(2)
        assert exporter.stats()["failed"] == 1 and exporter.stats()["sent"] == 1  # 422: stored what was valid
        assert "check PANOPTIC_API_KEY" in caplog.text and "pk_very_secret" not in caplog.text
        exporter.close()
    finally:
        ingest.close()


def test_transport_that_raises_is_retried_and_never_reaches_the_caller(caplog: pytest.LogCaptureFixture) -> None:
    calls = []

    def answer(batch: list) -> panoptic.export.SendResult:  # type: ignore[name-defined]
        calls.append(1)
        if len(calls) < 3:
            raise RuntimeError("transport bug")
        return panoptic.export.OK  # type: ignore[attr-defined]

    import panoptic.export
    exporter = Exporter(Collect(answer), flush_interval=0.01, retry_delay=0.01)
    exporter.enqueue(_event(1))
    assert exporter.flush(2) and len(calls) == 3
    exporter.close()


def test_permanent_and_retryable_results() -> None:
    assert permanent("x").retry is False and retryable("y", 2).retry_after == 2
    assert retry_after_seconds("5") == 5 and retry_after_seconds("-1") is None and retry_after_seconds("soon") is None
    assert retry_after_seconds("99999") == 300
    assert 0 < (retry_after_seconds("Wed, 21 Oct 2065 07:28:00 GMT") or 0) <= 300


def test_close_is_idempotent_and_drops_after_close_are_counted() -> None:
    exporter = Exporter(Collect(), flush_interval=0.01)
    exporter.enqueue(_event(1))
    assert exporter.close() and exporter.close()
    assert not exporter.enqueue(_event(2)) and exporter.stats()["dropped"] == 1


def test_json_lines_file_output_in_the_server_shape(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "deep" / "events.jsonl"
    panoptic.init(output="file", file=str(path), flush_interval=0.01)
    with panoptic.context(tenant_id="acme"):
        panoptic.track("openai", model="gpt-4o-mini", usage={"input_tokens": 10})
        panoptic.track("openai", model="gpt-4o-mini", usage={"output_tokens": 10})
    panoptic.close()
    import json
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [e["tenant_id"] for e in lines] == ["acme", "acme"] and "cost" in lines[0]


def test_otlp_spans_carry_gen_ai_and_panoptic_attributes_with_stable_ids() -> None:
    e = _event(1)
    transport = OtlpTransport(service="svc", endpoint="http://127.0.0.1:1/v1/traces", headers={})
    request = transport.request([e])
    [span] = request["resourceSpans"][0]["scopeSpans"][0]["spans"]
    attributes = {a["key"]: a["value"] for a in span["attributes"]}
    assert attributes["gen_ai.provider.name"] == {"stringValue": "openai"}
    assert attributes["gen_ai.usage.input_tokens"] == {"intValue": "1000"}
    assert attributes["panoptic.tenant_id"] == {"stringValue": "acme"}
    assert span["traceId"] == e.id and span["spanId"] == e.id[16:] and span["kind"] == 3
    assert int(span["endTimeUnixNano"]) - int(span["startTimeUnixNano"]) == int(e.total_ms * 1_000_000)
    assert transport.request([e]) == request  # a retry sends the same span


def test_otlp_transport_posts_json_and_retries_a_503() -> None:
    ingest = ScriptedIngest([503])
    try:
        exporter = Exporter(OtlpTransport(endpoint=ingest.url + "/v1/traces", headers={"Authorization": "Bearer k"}),
                            flush_interval=0.01, retry_delay=0.01)
        exporter.enqueue(_event(1))
        assert exporter.flush(3)
        assert len(ingest.bodies) == 2 and ingest.bodies[0] == ingest.bodies[1]
        assert ingest.headers[0]["Content-Type"] == "application/json"
        exporter.close()
    finally:
        ingest.close()


def _event(i: int):  # type: ignore[no-untyped-def]
    from panoptic._context import ContextValues
    from panoptic._event import CostEvent
    from panoptic._ids import new_event_id
    now = time.time()
    return CostEvent(new_event_id(now), now, "openai", "svc", "gpt-4o-mini", "chat", ContextValues(tenant_id="acme"),
                     {"i": i}, panoptic.Usage(input_tokens=1000, output_tokens=10), None, None, 12.5, 12.0, 0.5,
                     None, None, None, None)


