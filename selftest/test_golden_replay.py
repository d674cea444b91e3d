"""The offline replay of each seed vendor's documents gives the verdicts reviewed by hand.

`selftest/golden/<vendor>.<surface>.json` maps every check that reached a decided verdict
(anything but skip) to that verdict and why; a check missing there, or a verdict that changed,
fails here with the difference.
"""

import json
from pathlib import Path

import pytest

from selftest.harness import ROOT, cli

GOLDEN = Path(__file__).parent / "golden"


def _golden() -> dict[str, dict[str, dict[str, str]]]:
    expected: dict[str, dict[str, dict[str, str]]] = {}
    for path in sorted(GOLDEN.glob("*.json")):
        vendor, surface = path.stem.split(".", 1)
        expected.setdefault(vendor, {}).update(
            {check: entry for check, entry in json.loads(path.read_text()).items()
             if check.startswith(surface + "/")})
    return expected


@pytest.fixture(scope="module")
def replay(tmp_path_factory):
    vendors = sorted(p.name for p in (ROOT / "cassettes").iterdir() if p.is_dir())
    out = tmp_path_factory.mktemp("replay")
    args = ["run", "--replay", "--report-dir", str(out)]
    for vendor in vendors:
        args += ["--profile", vendor]
    code, printed = cli(*args)
    assert code in (0, 1), f"the replay itself broke (exit {code}):\n{printed[-2000:]}"
    return {vendor: json.loads((out / f"{vendor}.json").read_text()) for vendor in vendors}


def test_every_vendor_with_cassettes_has_a_profile():
    for folder in (ROOT / "cassettes").iterdir():
        assert (ROOT / "vendors" / f"{folder.name}.yaml").exists(), f"cassettes/{folder.name} has no profile"


def test_replay_matches_the_reviewed_verdicts(replay):
    golden = _golden()
    differences = []
    for vendor, report in replay.items():
        reviewed = golden.get(vendor, {})
        for result in report["results"]:
            want = reviewed.get(result["id"], {}).get("verdict", "skip")
            if result["verdict"] != want:
                differences.append(f"{vendor} {result['id']}: reviewed {want}, now {result['verdict']} "
                                   f"({result['message'][:100]})")
        listed = {r["id"] for r in report["results"]}
        differences += [f"{vendor} {c}: reviewed but no longer reported" for c in reviewed if c not in listed]
    assert not differences, "replay verdicts differ from selftest/golden/:\n" + "\n".join(differences)


def test_every_non_pass_is_explained():
    for vendor, checks in _golden().items():
        for check, entry in checks.items():
            if entry["verdict"] != "pass":
                assert len(entry.get("why", "")) > 20, f"{vendor} {check}: a reviewed non-pass needs its reason"
