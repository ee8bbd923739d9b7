from __future__ import annotations

import asyncio
import time
import uuid
from decimal import Decimal

import pytest

import panoptic
from fakes import Collect
from panoptic import Usage


def test_track_priced_by_the_rate_card_with_the_context(events: Collect) -> None:
    with panoptic.context(tenant_id="acme", user_id="ann", plan="pro", feature="chat", request_id="r1", attributes={"region": "eu"}):
        panoptic.track("openai", model="gpt-4o-mini", name="chat", usage=Usage(input_tokens=1000, output_tokens=500),
                       attributes={"region": "us", "k": 1}, duration_ms=40)
    assert panoptic.flush()
    [e] = events.events
    assert (e["provider"], e["model"], e["operation"], e["service"]) == ("openai", "gpt-4o-mini", "chat", "tests")
    assert (e["tenant_id"], e["user_id"], e["feature"], e["status"]) == ("acme", "ann", "chat", "ok")
    assert e["attributes"] == {"region": "us", "k": 1, "plan": "pro", "request_id": "r1"}
    assert e["usage"] == {"input_tokens": 1000, "output_tokens": 500}
    assert e["cost"] == {"amount": 0.00045, "currency": "USD"}
    timing = e["timing"]
    assert timing["execution_ms"] == 40 and timing["overhead_ms"] >= 0
    assert timing["total_ms"] == pytest.approx(timing["execution_ms"] + timing["overhead_ms"], abs=0.002)
    assert uuid.UUID(e["id"]).version == 7 and len(e["id"]) == 32


def test_track_given_cost_wins_and_unknown_model_is_sent_unpriced(events: Collect) -> None:
    panoptic.track("openai", model="gpt-4o-mini", usage={"input_tokens": 10}, cost_usd=Decimal("0.5"))
    panoptic.track("openai", model="gpt-nobody-knows", usage={"input_tokens": 10})
    panoptic.flush()
    assert events.events[0]["cost"]["amount"] == 0.5
    assert "cost" not in events.events[1]


def test_track_before_init_is_a_no_op() -> None:
    assert not panoptic.is_enabled()
    panoptic.track("openai", model="gpt-4o-mini", usage=Usage(input_tokens=1))
    assert panoptic.stats()["sent"] == 0


def test_track_a_failure_with_its_error(events: Collect) -> None:
    panoptic.track("stripe", name="charge", error=ConnectionError("x" * 900))
    panoptic.flush()
    [e] = events.events
    assert e["status"] == "error" and e["error"]["type"] == "ConnectionError" and len(e["error"]["message"]) == 500


def test_wrap_decorator_times_sync_work_and_reads_usage_from_the_result(events: Collect) -> None:
    @panoptic.wrap("openai", model="gpt-4o-mini", name="chat", usage_of=lambda r: Usage(input_tokens=r, output_tokens=r))
    def call(n: int) -> int:
        time.sleep(0.02)
        return n

    assert call(1000) == 1000
    panoptic.flush()
    [e] = events.events
    assert e["usage"] == {"input_tokens": 1000, "output_tokens": 1000}
    assert e["timing"]["execution_ms"] >= 19


def test_wrap_async_failure_is_recorded_and_reraised(events: Collect) -> None:
    @panoptic.wrap("anthropic", name="messages")
    async def call() -> None:
        await asyncio.sleep(0.001)
        raise TimeoutError("upstream slow")

    with pytest.raises(TimeoutError):
        asyncio.run(call())
    panoptic.flush()
    [e] = events.events
    assert e["error"] == {"type": "TimeoutError", "message": "upstream slow"}


def test_wrap_context_manager_sets_usage_and_can_fail(events: Collect) -> None:
    with panoptic.wrap("s3", name="upload") as op:
        op.set_usage(Usage(requests=1, bytes=2_000_000_000))
    with pytest.raises(KeyError):
        with panoptic.wrap("s3", name="download"):
            raise KeyError("missing")
    with panoptic.wrap("resend", name="send") as op:
        op.fail("bounced")

    async def run() -> None:
        async with panoptic.wrap("openai", name="async-block") as block:
            block.model = "gpt-4o"
    asyncio.run(run())
    panoptic.flush()
    upload, download, send, block = events.events
    assert upload["cost"]["amount"] == pytest.approx(0.046005)
    assert download["error"]["type"] == "KeyError"
    assert send["error"] == {"type": "error", "message": "bounced"}
    assert block["model"] == "gpt-4o"


def test_wrap_usage_callback_that_raises_keeps_the_result_and_the_operation(events: Collect, caplog: pytest.LogCaptureFixture) -> None:
    @panoptic.wrap("openai", name="chat", usage_of=lambda r: r["missing"])
    def call() -> dict:
        return {}

    assert call() == {}
    panoptic.flush()
    assert len(events.events) == 1 and "usage" not in events.events[0]
    assert "reading usage failed" in caplog.text


def test_sampling_keeps_failed_and_costly_operations_and_marks_the_rate() -> None:
    collect = Collect()
    panoptic.init(transport=collect, flush_interval=0.02, sampling=panoptic.Sampling(rate=0.0, providers={"openai": 0.5},
                                                                                   operations={"openai/embeddings": 0.0}))
    for _ in range(400):
        panoptic.track("openai", name="chat")
        panoptic.track("openai", name="embeddings")
        panoptic.track("stripe", name="charge")
    panoptic.track("stripe", name="charge", error="declined")
    panoptic.track("openai", name="embeddings", cost_usd=0.02)
    panoptic.flush()
    chats = [e for e in collect.events if e["operation"] == "chat"]
    assert 120 < len(chats) < 280 and all(e["attributes"]["sample_rate"] == 0.5 for e in chats)
    assert [e["operation"] for e in collect.events if e["operation"] != "chat"] == ["charge", "embeddings"]
    assert panoptic.stats()["sampled_out"] == 1200 - len(chats)


def test_event_ids_are_unique_and_time_ordered(events: Collect) -> None:
    for _ in range(2000):
        panoptic.track("openai")
    panoptic.flush()
    ids = [e["id"] for e in events.events]
    assert len(set(ids)) == 2000
    assert [i[:12] for i in ids] == sorted(i[:12] for i in ids)


def test_track_with_unserialisable_attributes_still_sends(events: Collect) -> None:
    panoptic.track("openai", attributes={"nan": float("nan"), "obj": object(), "nested": {"inf": float("inf")}})
    panoptic.flush()
    from panoptic.export._transport import dumps
    from panoptic._event import CostEvent  # noqa: F401
    assert len(events.events) == 1
    text = dumps(events.events[0])
    assert '"nan":"nan"' in text and '"inf":"inf"' in text
