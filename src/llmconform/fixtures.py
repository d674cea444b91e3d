"""What the checks in `tests/` ask pytest for: probe fixtures, and the exchanges a check read
(its evidence). The plugin reads them back when it turns a test's outcome into a report row."""

from __future__ import annotations

from typing import Any

import pytest

from llmconform.exchange import Exchange
from llmconform.target import Target

TARGET_FIXTURE = "llmconform_target"
EXCHANGES = pytest.StashKey[list[Exchange]]()


def probe(surface: str, name: str, owners: dict[str, str] | None = None, primary: bool = False) -> Any:
    """A fixture yielding the exchange of one probe, shared by every check that reads it.

    `owners` names the check that owns each way the exchange can fail to deliver (an outcome kind
    such as `refused` or `cut`, or `*` for any), relative to the surface; undeclared, the first
    check reading the probe owns it. The owner fails once; the other readers are left undecided.
    A `primary` probe (the plain request, the stream) keeps the FAIL when the same problem (the
    same refusal) meets several probes.
    """

    def fixture(request: pytest.FixtureRequest, llmconform_target: Target) -> Exchange:
        if llmconform_target.surface_config(surface) is None:
            pytest.skip(f"surface {surface} not declared by profile {llmconform_target.name}")
        exchange = llmconform_target.probe(surface, name)
        record_exchange(request.node, exchange)
        exchange.require()
        return exchange

    fixture.llmconform_probe = (surface, name)  # type: ignore[attr-defined]
    fixture.llmconform_owners = owners or {}  # type: ignore[attr-defined]
    fixture.llmconform_primary = primary  # type: ignore[attr-defined]
    return pytest.fixture(fixture)


def record_exchange(item: pytest.Item, exchange: Exchange) -> None:
    """A check's evidence: every exchange it read (a probe, or ad-hoc schemathesis cases)."""
    item.stash.setdefault(EXCHANGES, []).append(exchange)


def exchanges_of(item: pytest.Item) -> list[Exchange]:
    return item.stash.get(EXCHANGES, [])


def probes_of(item: pytest.Item) -> list[tuple[str, str]]:
    """(surface, probe) of every probe fixture a check asks for."""
    return [marker for marker, _, _ in probe_fixtures(item)]


def probe_fixtures(item: pytest.Item) -> list[tuple[tuple[str, str], dict[str, str], bool]]:
    """((surface, probe), declared owners, primary?) of every probe fixture a check asks for."""
    found = []
    fixtureinfo = getattr(item, "_fixtureinfo", None)
    for name in getattr(item, "fixturenames", []):
        for definition in (fixtureinfo.name2fixturedefs.get(name, ()) if fixtureinfo else ()):
            marker = getattr(definition.func, "llmconform_probe", None)
            if marker:
                found.append((marker, getattr(definition.func, "llmconform_owners", {}),
                              getattr(definition.func, "llmconform_primary", False)))
    return found
