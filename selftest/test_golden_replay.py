"""The offline replay of each seed vendor's documents gives the verdicts reviewed by hand.

`selftest/golden/<vendor>.<surface>.json` lists every check of a declared surface that does not
pass, with its verdict and why; a check not listed must pass. A changed verdict, an unlisted
departure or a listed check no longer reported fails here with the difference; `make goldens`
shows the change and writes it.
"""

import pytest

from selftest.goldens import GOLDEN, declared_surfaces, replay_goldens, replay_reports, replay_vendors, unexplained
from selftest.harness import ROOT


@pytest.fixture(scope="module")
def replay(tmp_path_factory):
    return replay_reports(tmp_path_factory.mktemp("replay"))


def test_every_vendor_with_cassettes_has_a_profile():
    for folder in (ROOT / "cassettes").iterdir():
        assert (ROOT / "vendors" / f"{folder.name}.yaml").exists(), f"cassettes/{folder.name} has no profile"


def test_every_golden_belongs_to_a_declared_surface():
    named = {f"{vendor}.{surface}.json" for vendor in replay_vendors() for surface in declared_surfaces(vendor)}
    assert {path.name for path in GOLDEN.glob("*.json")} <= named


def test_replay_matches_the_reviewed_verdicts(replay):
    differences = []
    for vendor, report in replay.items():
        goldens = replay_goldens(vendor)
        differences += [f"{vendor} {line}" for golden in goldens for line in golden.differences(report["results"])]
        # A surface the profile does not declare is not run: every check of it skips, saying so.
        declared = tuple(g.surface + "/" for g in goldens)
        differences += [f"{vendor} {r['id']}: not declared, yet {r['verdict']}" for r in report["results"]
                        if not r["id"].startswith(declared) and r["verdict"] != "skip"]
    assert not differences, ("replay verdicts differ from selftest/golden/ (`make goldens` shows and writes "
                             "the change):\n" + "\n".join(differences))


def test_every_departure_is_explained():
    missing = [entry for entry in unexplained() if not entry.startswith("live/")]
    assert not missing, f"reviewed departures without their reason: {missing}"
