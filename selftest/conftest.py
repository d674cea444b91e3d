"""Self-tests: the checks pass on conforming servers and fail on each violation."""

from collections.abc import Iterator

import pytest

from selftest.fakes import FakeProvider


@pytest.fixture(scope="session")
def fake() -> Iterator[FakeProvider]:
    provider = FakeProvider().start()
    yield provider
    provider.stop()
