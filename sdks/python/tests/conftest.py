from __future__ import annotations

from typing import Iterator

import pytest

import panoptic
from fakes import Collect, FakeProvider


@pytest.fixture(autouse=True)
def _clean_sdk() -> Iterator[None]:
    yield
    panoptic.close(timeout=1)
    panoptic.uninstrument()
    from panoptic.http import _capture
    _capture.configure_hosts(None)


@pytest.fixture
def events() -> Collect:
    """The SDK on, exporting to memory; ``events.events`` after ``panoptic.flush()``."""
    collect = Collect()
    panoptic.init(transport=collect, flush_interval=0.02, service="tests")
    return collect


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    fake = FakeProvider()
    yield fake
    fake.close()
