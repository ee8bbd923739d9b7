"""``track`` for a finished operation; ``wrap`` as a decorator or (async) context manager timing work."""

from __future__ import annotations

import functools
import inspect
import logging
from decimal import Decimal
from time import perf_counter
from typing import Any, Callable, Mapping, TypeVar

from . import _tracker
from ._usage import Usage, as_usage

log = logging.getLogger("panoptic")
F = TypeVar("F", bound=Callable[..., Any])


def track(provider: str, *, model: str | None = None, name: str | None = None,
          usage: Usage | Mapping[str, Any] | None = None, cost_usd: Decimal | float | None = None,
          attributes: Mapping[str, Any] | None = None, duration_ms: float | None = None,
          error: BaseException | str | None = None) -> None:
    """Records an operation that already finished: what it consumed (priced by the rate card unless ``cost_usd`` is
    given), how long it took, and its error if it failed. A no-op before :func:`panoptic.init`."""
    tracker = _tracker.current
    if tracker is None:
        return
    ended = perf_counter()
    if usage is not None and type(usage) is not Usage:
        try:
            usage = as_usage(usage)
        except TypeError as e:
            log.error("panoptic: track(usage=...) is not a Usage: %s", e)
            usage = None
    started = ended - (duration_ms or 0.0) / 1000.0
    tracker.record(provider, model, name, usage, cost_usd, attributes, started, ended, error)  # type: ignore[arg-type]


class Operation:
    """A tracked block in progress (``with panoptic.wrap(...) as op``): set what it consumed, or mark it failed."""

    __slots__ = ("provider", "model", "name", "usage", "cost_usd", "attributes", "error", "_started")

    def __init__(self, provider: str, model: str | None, name: str | None, usage: Usage | None,
                 cost_usd: Decimal | float | None, attributes: Mapping[str, Any] | None) -> None:
        self.provider = provider
        self.model = model
        self.name = name
        self.usage = usage
        self.cost_usd = cost_usd
        self.attributes = attributes
        self.error: BaseException | str | None = None
        self._started = perf_counter()

    def set_usage(self, usage: Usage | Mapping[str, Any]) -> None:
        self.usage = as_usage(usage)

    def fail(self, error: BaseException | str) -> None:
        self.error = error

    def _finish(self, error: BaseException | None, ended: float | None = None) -> None:
        ended = perf_counter() if ended is None else ended
        tracker = _tracker.current
        if tracker is not None:
            tracker.record(self.provider, self.model, self.name, self.usage, self.cost_usd, self.attributes,
                           self._started, ended, error if error is not None else self.error)


class wrap:
    """Times work and records it, failed when it raises (the exception still propagates)::

        @panoptic.wrap("openai", model="gpt-4o-mini", name="chat", usage_of=lambda r: Usage(...))
        async def ask(question): ...

        with panoptic.wrap("s3", name="upload") as op:
            upload(data)
            op.set_usage(Usage(requests=1, bytes=len(data)))
    """

    def __init__(self, provider: str, *, model: str | None = None, name: str | None = None,
                 usage: Usage | Mapping[str, Any] | None = None, cost_usd: Decimal | float | None = None,
                 attributes: Mapping[str, Any] | None = None, usage_of: Callable[[Any], Usage | None] | None = None) -> None:
        self._args = (provider, model, name, as_usage(usage), cost_usd, attributes)
        self._usage_of = usage_of
        self._open: list[Operation] = []

    def _begin(self) -> Operation:
        return Operation(*self._args)

    def __enter__(self) -> Operation:
        op = self._begin()
        self._open.append(op)
        return op

    def __exit__(self, kind: type | None, error: BaseException | None, tb: object) -> None:
        self._open.pop()._finish(error)

    async def __aenter__(self) -> Operation:
        return self.__enter__()

    async def __aexit__(self, kind: type | None, error: BaseException | None, tb: object) -> None:
        self.__exit__(kind, error, tb)

    def _read_usage(self, op: Operation, result: Any) -> None:
        if self._usage_of is None:
            return
        try:
            usage = self._usage_of(result)
            if usage is not None:
                op.usage = as_usage(usage)
        except Exception as e:  # a usage callback that fails costs the usage, never the call
            log.error("panoptic: reading usage failed: %s: %s", type(e).__name__, e)

    def _call(self) -> _Call:
        return _Call(self, self._begin())

    def __call__(self, fn: F) -> F:
        if inspect.iscoroutinefunction(fn):
            @functools.wraps(fn)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                if _tracker.current is None:
                    return await fn(*args, **kwargs)
                with self._call() as call:
                    return call.returned(await fn(*args, **kwargs))
            return run_async  # type: ignore[return-value]

        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            if _tracker.current is None:
                return fn(*args, **kwargs)
            with self._call() as call:
                return call.returned(fn(*args, **kwargs))
        return run  # type: ignore[return-value]


class _Call:
    """One call of a decorated function, sync or async: recorded failed when it raises, else with the usage
    ``usage_of`` reads from what it returned (the time taken stops before reading it)."""

    __slots__ = ("_wrap", "_op", "_ended", "_result")

    def __init__(self, wrap: wrap, op: Operation) -> None:
        self._wrap = wrap
        self._op = op
        self._ended: float | None = None
        self._result: Any = None

    def __enter__(self) -> _Call:
        return self

    def returned(self, result: Any) -> Any:
        self._ended = perf_counter()
        self._result = result
        return result

    def __exit__(self, kind: type | None, error: BaseException | None, tb: object) -> None:
        if error is not None:
            self._op._finish(error)
            return
        self._wrap._read_usage(self._op, self._result)
        self._op._finish(None, self._ended)
