"""What the checks in `tests/` ask pytest for: probe fixtures, and the exchanges a check read
(its evidence). The plugin reads them back when it turns a test's outcome into a report row."""

from __future__ import annotations

from typing import Any

import pytest

from llmconform.exchange import Exchange
from llmconform.target import Target

TARGET_FIXTURE = "llmconform_target"
EXCHANGES = pytest.StashKey[list[Exchange]]()


def probe(surface: str, name: str) -> Any:
    """A fixture yielding the exchange of one probe, shared by every check that reads it."""

    def fixture(request: pytest.FixtureRequest, llmconform_target: Target) -> Exchange:
        if llmconform_target.surface_config(surface) is None:
            pytest.skip(f"surface {surface} not declared by profile {llmconform_target.name}")
        exchange = llmconform_target.probe(surface, name)
        record_exchange(request.node, exchange)
        exchange.require()
        return exchange

    fixture.llmconform_probe = (surface, name)  # type: ignore[attr-defined]
    return pytest.fixture(fixture)


def record_exchange(item: pytest.Item, exchange: Exchange) -> None:
    """A check's evidence: every exchange it read (a probe, or ad-hoc schemathesis cases)."""
    item.stash.setdefault(EXCHANGES, []).append(exchange)


def exchanges_of(item: pytest.Item) -> list[Exchange]:
    return item.stash.get(EXCHANGES, [])


def probes_of(item: pytest.Item) -> list[tuple[str, str]]:
    """(surface, probe) of every probe fixture a check asks for."""
    found = []
    fixtureinfo = getattr(item, "_fixtureinfo", None)
    for name in getattr(item, "fixturenames", []):
        for definition in (fixtureinfo.name2fixturedefs.get(name, ()) if fixtureinfo else ()):
            marker = getattr(definition.func, "llmconform_probe", None)
            if marker:
                found.append(marker)
    return found
