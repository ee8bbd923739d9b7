#!/usr/bin/python3
"""Python SDK benchmarks; prints its figures. Run with Debian's interpreter:

    /usr/bin/python3 benchmarks/sdk-python/bench.py track            # per-call cost of track, beside peers
    /usr/bin/python3 benchmarks/sdk-python/bench.py http             # capture on a streamed completion vs none
    /usr/bin/python3 benchmarks/sdk-python/bench.py memory --seconds 180   # RSS with the server unreachable

OpenTelemetry Python cannot be installed here (no package index), so the span start/end the issue asks to compare
with is not measured; the peers printed instead are labelled for what they are.
"""

from __future__ import annotations

import argparse
import collections
import contextvars
import gc
import logging
import os
import platform
import statistics
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "sdks" / "python" / "src"))
sys.path.insert(0, str(HERE.parents[1] / "sdks" / "python" / "tests"))

import panoptic  # noqa: E402
from panoptic.export import OK  # noqa: E402


class Discard:
    def send(self, batch):  # type: ignore[no-untyped-def]
        return OK

    def close(self) -> None:
        pass


def per_call_ns(fn, number: int, repeat: int = 7) -> float:  # type: ignore[no-untyped-def]
    """The median over ``repeat`` runs of the mean time per call, in nanoseconds."""
    runs = []
    for _ in range(repeat):
        gc.disable()
        started = time.perf_counter_ns()
        for _ in range(number):
            fn()
        runs.append((time.perf_counter_ns() - started) / number)
        gc.enable()
    return statistics.median(runs)


def machine() -> str:
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    return (f"{platform.python_implementation()} {platform.python_version()} on {platform.machine()}, "
            f"nproc {os.cpu_count()}, {mem_kb / 1024 / 1024:.1f} GiB, {time.strftime('%Y-%m-%d')}")


def bench_track(number: int) -> None:
    usage = panoptic.Usage(input_tokens=1000, output_tokens=200)
    rows = []
    rows.append(("track, SDK off (no init)", per_call_ns(lambda: panoptic.track("openai", model="gpt-4o-mini", usage=usage), number)))
    panoptic.init(transport=Discard(), queue_capacity=10_000_000, service="bench")
    with panoptic.context(tenant_id="acme", user_id="ann", feature="chat"):
        rows.append(("track, priced (gpt-4o-mini usage), exporter on",
                     per_call_ns(lambda: panoptic.track("openai", model="gpt-4o-mini", name="chat", usage=usage), number)))
        rows.append(("track, given cost, no usage",
                     per_call_ns(lambda: panoptic.track("stripe", name="charge", cost_usd=0.0), number)))

        @panoptic.wrap("openai", model="gpt-4o-mini", name="chat", usage=usage)
        def wrapped() -> None:
            pass
        rows.append(("@wrap around an empty function", per_call_ns(wrapped, number)))
        rows.append(("  the empty function alone", per_call_ns(lambda: None, number)))
        scope = panoptic.context(feature="export")

        def scoped() -> None:
            with scope:
                pass
        rows.append(("with panoptic.context(...) enter+exit", per_call_ns(scoped, number)))
    stats = panoptic.stats()
    panoptic.close()

    # Peers in the same run. NOT an OpenTelemetry span (it cannot be installed here); the nearest honest stand-ins.
    logger = logging.getLogger("bench.peer")
    logger.propagate = False
    logger.addHandler(logging.NullHandler())
    logger.setLevel(logging.INFO)
    rows.append(("peer: logging.info(...) to a NullHandler (LogRecord built)",
                 per_call_ns(lambda: logger.info("chat %s %s", "openai", 1000), number)))
    var: contextvars.ContextVar[dict] = contextvars.ContextVar("v", default={"tenant_id": "acme"})
    sink: collections.deque = collections.deque(maxlen=1000)
    rows.append(("peer: contextvar get + dict + deque append (floor)",
                 per_call_ns(lambda: sink.append({"ctx": var.get(), "p": "openai", "t": time.time()}), number)))
    print(f"track overhead, {number} calls x 7 runs, median of means — {machine()}")
    for name, ns in rows:
        print(f"  {name:<62} {ns / 1000:8.2f} µs")
    print(f"  (exporter during the run: {stats})")


def bench_http(calls: int, chunks: int) -> None:
    import httpx
    from fakes import FakeProvider, chat_chunks
    fake = FakeProvider()
    body = b"".join(chat_chunks(["tok"] * chunks))
    fake.route = lambda h, _body: FakeProvider.send_stream(h, [body[i:i + 256] for i in range(0, len(body), 256)])  # type: ignore[method-assign]
    panoptic.init(transport=Discard(), queue_capacity=10_000_000)
    request = {"stream": True, "stream_options": {"include_usage": True}}

    def one(client: httpx.Client) -> float:
        started = time.perf_counter_ns()
        with client.stream("POST", fake.url + "/v1/chat/completions", json=request) as r:
            for _ in r.iter_lines():
                pass
        return time.perf_counter_ns() - started

    plain, captured = [], []
    with httpx.Client() as client:
        for _ in range(20):
            one(client)
        panoptic.instrument(hosts={fake.host: "openai"})
        for _ in range(20):
            one(client)
        # Alternate so drift in the machine hits both sides alike.
        for _ in range(calls):
            panoptic.uninstrument()
            plain.append(one(client))
            panoptic.instrument(hosts={fake.host: "openai"})
            captured.append(one(client))
    panoptic.flush()
    stats = panoptic.stats()
    panoptic.close()
    fake.close()
    p, c = statistics.median(plain), statistics.median(captured)
    print(f"httpx streamed completion, {chunks} SSE chunks ({len(body)} bytes) from a loopback fake, {calls} calls each side — {machine()}")
    print(f"  uncaptured median {p / 1e6:8.3f} ms")
    print(f"  captured   median {c / 1e6:8.3f} ms   difference {(c - p) / 1000:8.1f} µs per call, {(c - p) / chunks:6.0f} ns per chunk")
    print(f"  (events recorded: {stats['sent']})")


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def bench_memory(seconds: float, rate: int) -> None:
    from fakes import free_port
    port = free_port()  # nothing listens there: the server is unreachable for the whole run
    panoptic.init(endpoint=f"http://127.0.0.1:{port}", api_key="pk_bench", timeout=2)
    usage = panoptic.Usage(input_tokens=1000, output_tokens=200)
    print(f"memory with the server unreachable, {rate} events/s for {seconds:.0f} s (queue 10000, defaults) — {machine()}")
    started = time.monotonic()
    samples = [(0.0, rss_mb())]
    next_sample = 10.0
    sent = 0
    while (elapsed := time.monotonic() - started) < seconds:
        target = int(elapsed * rate)
        while sent < target:
            panoptic.track("openai", model="gpt-4o-mini", name="chat", usage=usage, attributes={"n": sent})
            sent += 1
        if elapsed >= next_sample:
            samples.append((elapsed, rss_mb()))
            s = panoptic.stats()
            print(f"  t={elapsed:5.0f}s rss={samples[-1][1]:7.1f} MB queued={s['queued']} dropped={s['dropped']} retries={s['retries']}", flush=True)
            next_sample += 10.0
        time.sleep(0.001)
    s = panoptic.stats()
    peak = max(m for _, m in samples)
    print(f"  events tracked {sent}, queued {s['queued']}, dropped {s['dropped']}, retries {s['retries']}")
    print(f"  rss start {samples[0][1]:.1f} MB, after 10 s {samples[1][1] if len(samples) > 1 else 0:.1f} MB, "
          f"peak {peak:.1f} MB, end {samples[-1][1]:.1f} MB")
    panoptic.close(timeout=0.5)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["track", "http", "memory"])
    parser.add_argument("--number", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--chunks", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--rate", type=int, default=20_000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    if args.what == "track":
        bench_track(args.number)
    elif args.what == "http":
        bench_http(args.calls, args.chunks)
    else:
        bench_memory(args.seconds, args.rate)


if __name__ == "__main__":
    main()
