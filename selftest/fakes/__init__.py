"""The loopback test server: every surface it speaks registers its route on import."""

from selftest.fakes import chat  # noqa: F401
from selftest.fakes.server import KEY, MODEL, FakeProvider

__all__ = ["KEY", "MODEL", "FakeProvider"]
