"""The loopback test server: every surface module here registers its route on import."""

import importlib
import pkgutil

from selftest.fakes.server import KEY, MODEL, FakeProvider

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["KEY", "MODEL", "FakeProvider"]
