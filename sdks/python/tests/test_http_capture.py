"""The OpenAI and Anthropic wire formats through real httpx (sync and async) and requests against a loopback fake."""

from __future__ import annotations

import asyncio
import gc
import threading

import httpx
import pytest
import requests

import panoptic
from fakes import Collect, FakeProvider, free_port

STREAM_BODY = {"model": "gpt-4o-mini", "stream": True, "stream_options": {"include_usage": True}, "messages": []}


def uncaptured(fake: FakeProvider, path: str, body: dict | None = None) -> bytes:
    with httpx.Client() as client:
        return client.post(fake.url + path, json=body or {}).content


@pytest.fixture
def captured(events: Collect, provider: FakeProvider) -> Collect:
    reference = {"json": uncaptured(provider, "/v1/chat/completions", {}),
                 "stream": uncaptured(provider, "/v1/chat/completions", STREAM_BODY)}
    panoptic.instrument(hosts={provider.host: "openai"})
    events.reference = reference  # type: ignore[attr-defined]
    return events


def only_event(events: Collect) -> dict:
    assert panoptic.flush()
    assert len(events.events) == 1, events.events
    return events.events[0]


def test_httpx_sync_json_usage_and_cost_captured_and_bytes_unchanged(captured: Collect, provider: FakeProvider) -> None:
    with panoptic.context(tenant_id="acme"), httpx.Client() as client:
        response = client.post(provider.url + "/v1/chat/completions", json={"model": "gpt-4o-mini"})
    assert response.content == captured.reference["json"]  # type: ignore[attr-defined]
    e = only_event(captured)
    assert (e["provider"], e["model"], e["operation"], e["tenant_id"]) == ("openai", "gpt-4o-mini-2024-07-18", "POST /v1/chat/completions", "acme")
    assert e["usage"] == {"input_tokens": 1200, "output_tokens": 300, "cached_input_tokens": 1000, "reasoning_tokens": 100}
    # 200 * 0.15 + 1000 * 0.075 + 300 * 0.60, per million
    assert e["cost"]["amount"] == pytest.approx(0.000285)
    assert "usage_estimated" not in e.get("attributes", {})


def test_httpx_sync_stream_read_line_by_line_identical_and_priced(captured: Collect, provider: FakeProvider) -> None:
    with httpx.Client() as client, client.stream("POST", provider.url + "/v1/chat/completions", json=STREAM_BODY) as response:
        body = b"".join(response.iter_bytes(7))
    assert body == captured.reference["stream"]  # type: ignore[attr-defined]
    e = only_event(captured)
    assert e["usage"] == {"input_tokens": 50, "output_tokens": 3}
    assert e["cost"]["amount"] == pytest.approx((50 * 0.15 + 3 * 0.6) / 1e6)


def test_httpx_stream_lines_identical_to_an_uncaptured_call(events: Collect, provider: FakeProvider) -> None:
    def lines() -> list[str]:
        with httpx.Client() as client, client.stream("POST", provider.url + "/v1/chat/completions", json=STREAM_BODY) as r:
            return list(r.iter_lines())

    plain = lines()
    panoptic.instrument(hosts={provider.host: "openai"})
    assert lines() == plain and len(plain) > 4
    assert only_event(events)["usage"]["output_tokens"] == 3


def test_httpx_async_stream_and_json_captured(captured: Collect, provider: FakeProvider) -> None:
    async def run() -> tuple[bytes, bytes]:
        async with httpx.AsyncClient() as client:
            with panoptic.context(tenant_id="globex"):
                plain = await client.post(provider.url + "/v1/chat/completions", json={})
                async with client.stream("POST", provider.url + "/v1/chat/completions", json=STREAM_BODY) as r:
                    chunks = [c async for c in r.aiter_raw()]
        return plain.content, b"".join(chunks)

    json_body, stream_body = asyncio.run(run())
    assert json_body == captured.reference["json"]  # type: ignore[attr-defined]
    assert stream_body == captured.reference["stream"]  # type: ignore[attr-defined]
    panoptic.flush()
    first, second = captured.events
    assert first["usage"]["cached_input_tokens"] == 1000 and second["usage"] == {"input_tokens": 50, "output_tokens": 3}
    assert first["tenant_id"] == second["tenant_id"] == "globex"


def test_httpx_stream_is_passed_through_undelayed(events: Collect, provider: FakeProvider) -> None:
    panoptic.instrument(hosts={provider.host: "openai"})
    with httpx.Client(timeout=10) as client, client.stream("POST", provider.url + "/hold", json={}) as response:
        chunks = response.iter_raw()
        first = next(chunks)  # the server holds the rest until released: the caller got the first chunk regardless
        assert first.startswith(b"data: ")
        provider.release.set()
        rest = b"".join(chunks)
    assert b"[DONE]" in rest
    assert only_event(events)["usage"]["output_tokens"] == 2


def test_httpx_abandoned_stream_is_recorded_once_as_estimated(events: Collect, provider: FakeProvider) -> None:
    panoptic.instrument(hosts={provider.host: "openai"})
    body = dict(STREAM_BODY, stream_options={})
    with httpx.Client() as client, client.stream("POST", provider.url + "/v1/chat/completions", json=body) as response:
        next(response.iter_raw(10))
    e = only_event(events)
    assert e["attributes"]["usage_estimated"] is True and e["model"] == "gpt-4o-mini-2024-07-18"


def test_httpx_stream_without_usage_estimates_output_from_text_chunks(events: Collect, provider: FakeProvider) -> None:
    panoptic.instrument(hosts={provider.host: "openai"})
    with httpx.Client() as client:
        client.post(provider.url + "/v1/chat/completions", json=dict(STREAM_BODY, stream_options={}))
    e = only_event(events)
    assert e["usage"] == {"output_tokens": 3} and e["attributes"]["usage_estimated"] is True


def test_httpx_gzip_json_read_without_changing_what_the_caller_gets(events: Collect, provider: FakeProvider) -> None:
    panoptic.instrument(hosts={provider.host: "openai"})
    with httpx.Client() as client:
        response = client.get(provider.url + "/gzip")
    assert response.json()["usage"]["prompt_tokens"] == 1200
    assert only_event(events)["usage"]["input_tokens"] == 1200


def test_anthropic_stream_through_httpx(events: Collect, provider: FakeProvider) -> None:
    panoptic.instrument(hosts={provider.host: "anthropic"})
    with httpx.Client() as client:
        client.post(provider.url + "/v1/messages", json={"stream": True})
    e = only_event(events)
    assert e["provider"] == "anthropic" and e["model"] == "claude-3-5-haiku-20241022"
    assert e["usage"] == {"input_tokens": 150, "output_tokens": 42, "cached_input_tokens": 100}
    # 50 * 0.80 + 100 * 0.08 + 42 * 4.00, per million
    assert e["cost"]["amount"] == pytest.approx(216e-6)


def test_requests_json_and_stream_captured_and_bytes_unchanged(captured: Collect, provider: FakeProvider) -> None:
    with panoptic.context(tenant_id="initech"):
        plain = requests.post(provider.url + "/v1/chat/completions", json={})
        streamed = requests.post(provider.url + "/v1/chat/completions", json=STREAM_BODY, stream=True)
        chunks = list(streamed.iter_content(5))
        streamed.close()
    assert plain.content == captured.reference["json"]  # type: ignore[attr-defined]
    assert b"".join(chunks) == captured.reference["stream"]  # type: ignore[attr-defined]
    panoptic.flush()
    first, second = captured.events
    assert first["usage"]["reasoning_tokens"] == 100 and second["usage"] == {"input_tokens": 50, "output_tokens": 3}
    assert first["tenant_id"] == "initech" and "usage_estimated" not in second.get("attributes", {})


def test_requests_gzip_json_captured(events: Collect, provider: FakeProvider) -> None:
    panoptic.instrument(hosts={provider.host: "openai"})
    assert requests.get(provider.url + "/gzip").json()["model"] == "gpt-4o-mini-2024-07-18"
    assert only_event(events)["usage"]["input_tokens"] == 1200


@pytest.mark.parametrize("client", ["httpx", "requests"])
def test_malformed_provider_bodies_never_fail_the_caller(events: Collect, provider: FakeProvider, client: str) -> None:
    panoptic.instrument(hosts={provider.host: "openai"})
    paths = ["/malformed-json", "/malformed-sse", "/huge-json", "/huge-line"]
    bodies = {}
    for path in paths:
        bodies[path] = httpx.get(provider.url + path).content if client == "httpx" else requests.get(provider.url + path).content
    assert bodies["/malformed-json"].endswith(b",")
    assert len(bodies["/huge-json"]) > 9 << 20
    panoptic.flush()
    by_operation = {e["operation"]: e for e in events.events}
    assert "usage" not in by_operation["GET /malformed-json"]
    assert by_operation["GET /malformed-sse"]["usage"] == {"input_tokens": 7, "output_tokens": 3}
    assert "usage" not in by_operation["GET /huge-json"]
    assert by_operation["GET /huge-line"]["usage"] == {"input_tokens": 11, "output_tokens": 2}


def test_provider_error_status_recorded_failed_and_response_unchanged(events: Collect, provider: FakeProvider) -> None:
    panoptic.instrument(hosts={provider.host: "openai"})
    response = httpx.post(provider.url + "/rate-limited")
    assert response.status_code == 429 and response.json()["error"]["message"] == "slow down"
    e = only_event(events)
    assert e["status"] == "error" and "429" in e["error"]["message"] and e["usage"] == {"requests": 1}


@pytest.mark.parametrize("client", ["httpx", "requests"])
def test_unreachable_provider_recorded_failed_and_the_error_propagates(events: Collect, client: str) -> None:
    port = free_port()
    panoptic.instrument(hosts={f"127.0.0.1:{port}": "openai"})
    with pytest.raises((httpx.ConnectError, requests.ConnectionError)):
        (httpx.post if client == "httpx" else requests.post)(f"http://127.0.0.1:{port}/v1/chat/completions", timeout=2)
    e = only_event(events)
    assert e["status"] == "error" and e["provider"] == "openai"


def test_baggage_goes_to_own_services_never_to_a_provider(events: Collect, provider: FakeProvider) -> None:
    own = FakeProvider()
    try:
        panoptic.instrument(hosts={provider.host: "openai"})
        with panoptic.context(tenant_id="acme corp", user_id="ann"):
            to_own = httpx.get(own.url + "/echo").json()["headers"]
            to_own_requests = requests.get(own.url + "/echo").json()["headers"]
            with_own_header = httpx.get(own.url + "/echo", headers={"baggage": "mine=1"}).json()["headers"]
            httpx.get(provider.url + "/echo")
            requests.get(provider.url + "/echo")
        assert to_own["baggage"] == to_own_requests["baggage"] == "tenant_id=acme%20corp,user_id=ann"
        assert with_own_header["baggage"] == "mine=1"
        assert all("baggage" not in {k.lower() for k in r["headers"]} for r in provider.requests)
    finally:
        own.close()


def test_explicit_transport_captures_without_the_patch_and_never_twice(events: Collect, provider: FakeProvider) -> None:
    from panoptic.http import Transport
    panoptic.instrument(hosts={provider.host: "openai"})
    with httpx.Client(transport=Transport()) as client:
        client.post(provider.url + "/v1/chat/completions", json={})
    assert only_event(events)["usage"]["input_tokens"] == 1200


def test_a_response_never_closed_is_recorded_when_collected(events: Collect, provider: FakeProvider) -> None:
    panoptic.instrument(hosts={provider.host: "openai"})
    client = httpx.Client()
    response = client.send(client.build_request("POST", provider.url + "/v1/chat/completions", json=STREAM_BODY), stream=True)
    del response
    gc.collect()
    assert only_event(events)["attributes"]["usage_estimated"] is True
    client.close()


def test_capture_off_when_the_sdk_is_off(provider: FakeProvider) -> None:
    panoptic.instrument(hosts={provider.host: "openai"})
    assert httpx.post(provider.url + "/v1/chat/completions", json={}).json()["usage"]["prompt_tokens"] == 1200
    assert panoptic.stats()["sent"] == 0


def test_capture_from_many_threads_records_every_call(events: Collect, provider: FakeProvider) -> None:
    panoptic.instrument(hosts={provider.host: "openai"})

    def work() -> None:
        with httpx.Client() as client:
            for _ in range(10):
                client.post(provider.url + "/v1/chat/completions", json=STREAM_BODY).read()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    panoptic.flush()
    assert len(events.events) == 80 and all(e["usage"]["input_tokens"] == 50 for e in events.events)
