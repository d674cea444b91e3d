"""Every check passes on the conforming fake, has its row in `selftest/violations.py`, and fails
(or warns) under its violation: one table, run for every surface."""

import pytest

from llmconform.surfaces import SURFACE_MODULES
from selftest.harness import assert_all_pass, assert_caught, run, verdict_under, verdicts
from selftest.violations import MORE, VIOLATIONS

SURFACES = sorted(SURFACE_MODULES)


def _surface(check: str) -> str:
    return check.split("/", 1)[0]


@pytest.fixture(scope="module", params=SURFACES)
def clean(request, fake):
    """The whole suite of one surface against the conforming fake."""
    return request.param, run(fake.base_url, request.param)


def test_every_check_passes_on_a_conforming_server(clean):
    assert_all_pass(clean[1])


def test_every_check_has_a_violation(clean):
    surface, (_, report, _) = clean
    reported, listed = set(verdicts(report)), {c for c in VIOLATIONS if _surface(c) == surface}
    assert reported == listed, (f"checks without a row in selftest/violations.py: {sorted(reported - listed)}; "
                                f"rows of no check: {sorted(listed - reported)}")


@pytest.mark.parametrize(("check", "violation", "expected"), [(c, v, e) for c, (v, e) in VIOLATIONS.items()],
                         ids=list(VIOLATIONS))
def test_check_catches_its_violation(fake, check, violation, expected):
    assert_caught(fake, _surface(check), check, violation, expected)


def test_more_violations_name_known_checks():
    assert {row[0] for row in MORE} <= set(VIOLATIONS)


@pytest.mark.parametrize("row", MORE, ids=[f"{row[0]}:{row[1]}" for row in MORE])
def test_check_tells_apart(fake, row):
    check, violation, expected, *says = row
    result = verdict_under(fake, _surface(check), check, violation)
    assert result["verdict"] == expected, f"{check} under {violation}: {result}"
    assert all(phrase in result["message"] for phrase in says), f"{check} under {violation} says {says}: {result}"
