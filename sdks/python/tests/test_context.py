from __future__ import annotations

import asyncio
import contextvars
import random
import string
import threading

import panoptic
from panoptic import ContextValues, current_context, from_baggage_header, to_baggage_header


def test_context_nested_scopes_inner_field_wins_and_attributes_merge_deeply() -> None:
    with panoptic.context(tenant_id="acme", feature="chat", attributes={"region": "eu", "deep": {"a": 1, "b": 1}}):
        with panoptic.context(feature="export", user_id="ann", attributes={"deep": {"b": 2, "c": 3}}):
            inner = current_context()
        outer = current_context()
    assert (inner.tenant_id, inner.user_id, inner.feature) == ("acme", "ann", "export")
    assert inner.attributes == {"region": "eu", "deep": {"a": 1, "b": 2, "c": 3}}
    assert (outer.feature, outer.user_id) == ("chat", None)
    assert current_context() == ContextValues()


def test_context_exited_out_of_order_never_restores_a_stale_scope() -> None:
    def run() -> list[str | None]:
        outer = panoptic.context(tenant_id="outer")
        inner = panoptic.context(tenant_id="inner")
        outer.__enter__()
        inner.__enter__()
        outer.__exit__(None, None, None)  # out of order: the inner scope stays in force
        seen = [current_context().tenant_id]
        inner.__exit__(None, None, None)  # inner restores what it saw at entry
        return seen + [current_context().tenant_id]

    assert contextvars.copy_context().run(run) == ["inner", "outer"]


def test_context_flows_through_asyncio_tasks_and_parallel_branches_keep_their_own() -> None:
    async def branch(name: str) -> tuple[str | None, str | None]:
        with panoptic.context(user_id=name):
            await asyncio.sleep(0.01)
            return current_context().tenant_id, current_context().user_id

    async def main() -> list[tuple[str | None, str | None]]:
        with panoptic.context(tenant_id="acme"):
            return await asyncio.gather(branch("ann"), branch("bob"))

    assert asyncio.run(main()) == [("acme", "ann"), ("acme", "bob")]


def test_context_reaches_a_thread_started_with_a_copied_context() -> None:
    seen = []
    with panoptic.context(tenant_id="acme"):
        ctx = contextvars.copy_context()
    thread = threading.Thread(target=lambda: seen.append(ctx.run(current_context).tenant_id))
    thread.start()
    thread.join()
    assert seen == ["acme"]


def test_context_as_decorator_on_sync_and_async_functions() -> None:
    @panoptic.context(feature="export")
    def sync() -> str | None:
        return current_context().feature

    @panoptic.context(feature="search")
    async def asynchronous() -> str | None:
        return current_context().feature

    assert sync() == "export"
    assert asyncio.run(asynchronous()) == "search"
    assert current_context().feature is None


def test_set_context_merges_into_the_current_context() -> None:
    def run() -> ContextValues:
        panoptic.set_context(tenant_id="acme", attributes={"x": 1})
        panoptic.set_context({"user_id": "ann"})
        return current_context()

    values = contextvars.copy_context().run(run)
    assert (values.tenant_id, values.user_id, values.attributes) == ("acme", "ann", {"x": 1})
    assert current_context().tenant_id is None


def test_from_baggage_header_reads_the_well_known_keys() -> None:
    values = from_baggage_header(" tenant_id = acme%20corp ;prop=1, user_id=ann,other=x,plan=pro,feature=chat,request_id=r1")
    assert values == ContextValues("acme corp", "ann", "pro", "chat", "r1")


def test_from_baggage_header_hostile_values_are_dropped_not_passed_on() -> None:
    assert from_baggage_header("tenant_id=evil%0Aline,user_id=ok") == ContextValues(user_id="ok")
    assert from_baggage_header("tenant_id=" + "a" * 300).tenant_id is None
    assert from_baggage_header("=acme,tenant_id,,;;,user_id=%zz") == ContextValues(user_id="%zz")
    assert from_baggage_header("x=" + "y" * 100_000 + ",tenant_id=late").tenant_id is None  # past the W3C 8192 limit
    assert from_baggage_header(None) == ContextValues()
    assert from_baggage_header("tenant_id=first,tenant_id=second").tenant_id == "first"


def test_baggage_round_trips_any_text() -> None:
    rng = random.Random(17)
    alphabet = string.printable.strip() + " é中,;=%"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))).strip() or "x"
        values = ContextValues(tenant_id=text, user_id="u", feature=text[::-1].strip() or "f")
        assert from_baggage_header(to_baggage_header(values)) == values


def test_to_baggage_header_is_empty_without_values() -> None:
    assert to_baggage_header(ContextValues(attributes={"a": 1})) == ""
    assert to_baggage_header(ContextValues(tenant_id="a b")) == "tenant_id=a%20b"
