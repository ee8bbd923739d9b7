"""Sends tracked events in the background without ever blocking or raising into the caller: a bounded queue (a full
queue drops, counted, instead of waiting), batches by size and interval, retries with exponential backoff and jitter
(Retry-After honoured) until a batch is sent or fails for good, a flush at exit."""

from __future__ import annotations

import atexit
import collections
import logging
import os
import random
import threading
import time
import weakref
from typing import Any, Callable

from .._event import CostEvent
from ._transport import SendResult, Transport, retryable

log = logging.getLogger("panoptic")


class Exporter:
    def __init__(self, transport: Transport, *, queue_capacity: int = 10_000, batch_size: int = 500,
                 flush_interval: float = 1.0, retry_delay: float = 0.5, max_retry_delay: float = 30.0,
                 shutdown_timeout: float = 5.0, jitter: Callable[[], float] = random.random) -> None:
        self._transport = transport
        self._capacity = queue_capacity
        self._batch_size = batch_size
        self._flush_interval = flush_interval
        self._retry_delay = retry_delay
        self._max_retry_delay = max_retry_delay
        self._shutdown_timeout = shutdown_timeout
        self._jitter = jitter
        self._closed = False
        self._sent = self._dropped = self._failed = self._sampled_out = self._retries = 0
        self._start()
        atexit.register(_close_at_exit, weakref.ref(self))
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=_restart_in_child(weakref.ref(self)))

    def _start(self) -> None:
        # The caller's side is a deque append and a length check: no lock. The sender takes batches under _lock so a
        # flush never sees an event that is neither queued nor in flight.
        self._queue: collections.deque[CostEvent] = collections.deque()
        self._lock = threading.Lock()
        self._counts = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._in_flight = 0
        self._warned_drop_at = -1e9
        self._thread = threading.Thread(target=self._run, name="panoptic-exporter", daemon=True)
        self._thread.start()

    def enqueue(self, event: CostEvent) -> bool:
        """Queues an event; False (and counted as dropped) when the queue is full or the exporter is closed."""
        queue = self._queue
        if len(queue) >= self._capacity or self._closed:
            self._drop()
            return False
        queue.append(event)
        if len(queue) == self._batch_size:
            self._wake.set()
        return True

    def _drop(self) -> None:
        now = time.monotonic()
        with self._counts:
            self._dropped += 1
            # One warning a minute at most: a flood of drops must not become a flood of log lines.
            first = now - self._warned_drop_at >= 60.0
            if first:
                self._warned_drop_at = now
        if first:
            log.warning("panoptic: the export queue is full (%d events); new events are dropped and counted "
                        "until it drains", self._capacity)

    def count_sampled_out(self) -> None:
        with self._counts:
            self._sampled_out += 1

    def stats(self) -> dict[str, int]:
        """Events queued now, sent, dropped (queue full or closed), failed for good, left out by the sampler, and
        retries made."""
        return {"queued": len(self._queue) + self._in_flight, "sent": self._sent, "dropped": self._dropped,
                "failed": self._failed, "sampled_out": self._sampled_out, "retries": self._retries}

    def flush(self, timeout: float = 5.0) -> bool:
        """Waits until every queued event is sent (or failed for good), at most ``timeout`` seconds; True when done."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                pending = len(self._queue) + self._in_flight
            if pending == 0:
                return True
            if time.monotonic() >= deadline or not self._thread.is_alive():
                return False
            self._wake.set()
            time.sleep(0.005)

    def close(self, timeout: float | None = None) -> bool:
        """Sends what is queued (for up to ``timeout`` seconds, default the shutdown timeout), then stops; events
        still unsent are counted as failed. Safe to call more than once."""
        if self._closed:
            return True
        self._closed = True
        done = self.flush(self._shutdown_timeout if timeout is None else timeout)
        self._stop.set()
        self._wake.set()
        self._thread.join(1.0)
        with self._lock:
            left = len(self._queue) + self._in_flight
            self._queue.clear()
        if left:
            self._failed += left
            log.warning("panoptic: %d events were not sent before shutdown", left)
        try:
            self._transport.close()
        except Exception as e:  # the boundary: a transport failing to close is reported, never raised
            log.warning("panoptic: closing the transport failed: %s", e)
        return done

    def _run(self) -> None:
        while not self._stop.is_set():
            if len(self._queue) < self._batch_size:
                self._wake.wait(self._flush_interval)
                self._wake.clear()
            with self._lock:
                batch = []
                queue = self._queue
                while queue and len(batch) < self._batch_size:
                    batch.append(queue.popleft())
                self._in_flight = len(batch)
            if batch and self._send(batch):
                with self._lock:
                    self._in_flight = 0

    def _send(self, batch: list[CostEvent]) -> bool:
        """Sends until sent or failed for good (True), or until the exporter stops mid-retry (False: still in flight)."""
        delay = self._retry_delay
        attempt = 0
        while True:
            try:
                result = self._transport.send(batch)
            except Exception as e:  # a transport that raises: the batch is retried
                result = retryable(f"{type(e).__name__}: {e}")
            if result.sent:
                self._sent += len(batch)
                if attempt:
                    log.info("panoptic: sending recovered after %d retries", attempt)
                return True
            if not result.retry:
                self._failed += len(batch)
                log.error("panoptic: sending %d events failed for good (%s); they are dropped", len(batch), result.error)
                return True
            wait = result.retry_after if result.retry_after else delay * (0.8 + self._jitter() * 0.4)
            attempt += 1
            self._retries += 1
            # The first retry of an outage is worth a warning; the rest would flood the application's log.
            (log.warning if attempt == 1 else log.debug)(
                "panoptic: sending %d events failed (%s); retrying in %.0f ms", len(batch), result.error, wait * 1000)
            if self._stop.wait(wait):
                return False
            delay = min(delay * 2, self._max_retry_delay)


def _close_at_exit(ref: "weakref.ReferenceType[Exporter]") -> None:
    exporter = ref()
    if exporter is not None:
        exporter.close()


def _restart_in_child(ref: "weakref.ReferenceType[Exporter]") -> Callable[[], Any]:
    def restart() -> None:
        # A forked worker (gunicorn, multiprocessing) has no sender thread: start its own, with an empty queue
        # (the parent's events are the parent's to send).
        exporter = ref()
        if exporter is not None and not exporter._closed:
            exporter._start()
    return restart


__all__ = ["Exporter", "SendResult"]
