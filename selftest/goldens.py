"""The goldens: for each vendor's offline replay and each live peer, per surface, the verdicts a
person reviewed. A golden holds only the rows that do not pass, each with its reason; a check it
does not list must pass. So a new check that passes everywhere touches no golden.

    selftest/golden/<vendor>.<surface>.json         the offline replay of a vendor's documents
    selftest/golden/live/<peer>.<surface>.json      llama-server, and LiteLLM in front of it

An entry is `{"verdict": V, "why": ...}`, or `{"accept": [V, ...], "why": ...}` where the tiny
model's free choice decides between verdicts. A skip's `why` is the run's own reason (the documents
show no such exchange, the feature is not declared); a fail, warn or error is explained by hand.

`make goldens` (`python -m selftest.goldens --write`) regenerates them from a run and prints what
changed; `--live` does the same for the live peers. A verdict that is new or changed is written
with `why` starting `UNREVIEWED:` and the run's message, which the self-tests refuse until a person
replaces it with the reason.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).parent / "golden"
LIVE = GOLDEN / "live"
UNREVIEWED = "UNREVIEWED: "

Entry = dict[str, Any]


@dataclass(frozen=True)
class Golden:
    """The reviewed departures of one run (vendor or peer) on one surface."""

    path: Path
    entries: dict[str, Entry]

    @property
    def surface(self) -> str:
        return self.path.stem.split(".", 1)[1]

    @classmethod
    def read(cls, path: Path) -> Golden:
        return cls(path, json.loads(path.read_text()) if path.exists() else {})

    def accepted(self, check: str) -> list[str]:
        entry = self.entries.get(check, {})
        return list(entry.get("accept") or [entry.get("verdict", "pass")])

    def differences(self, rows: list[dict[str, Any]]) -> list[str]:
        """Each row whose verdict the golden does not accept, and each reviewed check not reported."""
        mine = {r["id"]: r for r in rows if r["id"].startswith(self.surface + "/")}
        found = [f"{check}: reviewed {'|'.join(self.accepted(check))}, now {row['verdict']} ({row['message'][:160]})"
                 for check, row in sorted(mine.items()) if row["verdict"] not in self.accepted(check)]
        return found + [f"{check}: reviewed but no longer reported" for check in self.entries if check not in mine]

    def rewritten(self, rows: list[dict[str, Any]]) -> Golden:
        """The golden a run gives: its non-pass rows, keeping every reason already reviewed for the
        same verdict, and the run's message (marked unreviewed) where a verdict is new."""
        entries: dict[str, Entry] = {}
        for row in sorted((r for r in rows if r["id"].startswith(self.surface + "/")), key=lambda r: r["id"]):
            check, verdict, old = row["id"], row["verdict"], self.entries.get(row["id"], {})
            if verdict in old.get("accept", ()):
                entries[check] = old
            elif verdict == "skip":
                entries[check] = {"verdict": "skip", "why": row["message"]}
            elif verdict != "pass":
                kept = old.get("verdict") == verdict and not old.get("accept")
                entries[check] = old if kept else {"verdict": verdict, "why": UNREVIEWED + row["message"][:300]}
        return Golden(self.path, entries)

    def text(self) -> str:
        return json.dumps(self.entries, indent=2, ensure_ascii=False) + "\n"

    def unexplained(self) -> list[str]:
        """The entries no person has explained: a reason that is missing, too short, or unreviewed."""
        return [check for check, entry in self.entries.items()
                if len(entry.get("why", "")) <= 20 or entry["why"].startswith(UNREVIEWED)]


def unexplained(folder: Path = GOLDEN) -> list[str]:
    """`file check` of every entry in the goldens below `folder` that no person has explained."""
    return [f"{path.relative_to(GOLDEN)} {check}" for path in sorted(folder.rglob("*.json"))
            for check in Golden.read(path).unexplained()]


def changes(old: Golden, new: Golden) -> list[str]:
    """What a rewrite changes, entry by entry, for a person to review."""
    lines = []
    for check in sorted(set(old.entries) | set(new.entries)):
        before, after = old.accepted(check), new.accepted(check)
        if before == after:
            continue
        if check not in new.entries:
            lines.append(f"- {check}: {'|'.join(before)} -> pass")
        else:
            lines.append(f"{'+' if check not in old.entries else '~'} {check}: {'|'.join(before)} -> "
                         f"{'|'.join(after)}  {new.entries[check]['why'][:140]}")
    return lines


# -- the runs the goldens are made from --------------------------------------------------------

def replay_vendors() -> list[str]:
    from selftest.harness import ROOT

    return sorted(p.name for p in (ROOT / "cassettes").iterdir() if p.is_dir())


def declared_surfaces(vendor: str) -> list[str]:
    from llmconform.profile import load_profile
    from selftest.harness import ROOT

    return list(load_profile(ROOT / "vendors" / f"{vendor}.yaml").surfaces)


def replay_reports(out: Path) -> dict[str, dict[str, Any]]:
    """The offline replay of every vendor with cassettes, in one run, as `make conformance` makes it."""
    from selftest.harness import cli

    vendors = replay_vendors()
    args = ["run", "--replay", "--report-dir", str(out), "-q"]
    for vendor in vendors:
        args += ["--profile", vendor]
    code, printed = cli(*args)
    if code not in (0, 1):
        raise RuntimeError(f"the replay itself broke (exit {code}):\n{printed[-2000:]}")
    return {vendor: json.loads((out / f"{vendor}.json").read_text()) for vendor in vendors}


def replay_goldens(vendor: str) -> list[Golden]:
    return [Golden.read(GOLDEN / f"{vendor}.{surface}.json") for surface in declared_surfaces(vendor)]


def _rewrite(goldens: list[Golden], rows: list[dict[str, Any]], write: bool) -> list[str]:
    report = []
    for golden in goldens:
        new = golden.rewritten(rows)
        if write and new.text() != golden.text():
            golden.path.write_text(new.text())
        report += [f"{golden.path.relative_to(GOLDEN.parent)}: {line}" for line in changes(golden, new)]
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m selftest.goldens", description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="write the goldens (without it: show what would change)")
    parser.add_argument("--live", action="store_true", help="the live peers' goldens (needs `make peers`)")
    args = parser.parse_args(argv)
    lines: list[str] = []
    if args.live:
        from selftest.peers.runs import live_runs

        for peer, surface, report in live_runs():
            lines += _rewrite([Golden.read(LIVE / f"{peer}.{surface}.json")], report["results"], args.write)
    else:
        with tempfile.TemporaryDirectory() as scratch:
            for vendor, report in replay_reports(Path(scratch)).items():
                lines += _rewrite(replay_goldens(vendor), report["results"], args.write)
    print("\n".join(lines) or "the goldens hold what the run gives: nothing to change")
    unreviewed = unexplained()
    if unreviewed:
        print(f"\n{len(unreviewed)} entries need a reviewed reason (replace their `why`):", *unreviewed, sep="\n  ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
