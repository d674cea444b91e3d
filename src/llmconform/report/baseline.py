"""`--baseline FILE|DIR`: hold a run against an earlier one of the same vendor.

A regression is any check that passed in the baseline and does not now: it fails, warns, errors,
or is skipped (coverage lost: cassettes gone, budget spent, a feature dropped from the profile), or
is no longer reported on a surface the run still checks. A new failure is a FAIL on a check that did
not fail in the baseline: skipped, undecided or warned there, or absent (a surface the baseline did
not cover). Either makes the run exit 1; only a FAIL the baseline already had is known.

Baselines are matched to the run's vendors by name, and read and checked at configure time, before
any request: a missing, unreadable or foreign baseline is a configuration error (exit 2), never a
silent pass.
"""

from __future__ import annotations

from pathlib import Path

from llmconform.result import Change, Comparison, Report, ReportError, distinct, load, parse, read


def load_baselines(path: str | Path, vendor_names: list[str]) -> dict[str, Report]:
    """The baseline report of every vendor the run checks, from one report file (one vendor's, or a
    combined one) or a folder of them (what `--report-dir` writes). Raises ReportError, one line."""
    where = Path(path)
    if where.is_dir():
        files = sorted(where.glob("*.json"))
        if not files:
            raise ReportError(f"baseline {path}: the folder holds no JSON report "
                              "(give an earlier run's --report-dir, or a report file)")
        reports = [(file, report) for file in files for report in load(file)]
    elif where.exists():
        data = read(where)
        # Another vendor's report is said as such, before its shape is judged.
        if isinstance(data, dict) and data.get("kind") != "combined" and len(vendor_names) == 1 \
                and isinstance(data.get("vendor"), str) and data["vendor"] != vendor_names[0]:
            raise ReportError(f"baseline {path} is a report of {data['vendor']!r}, not of {vendor_names[0]!r}: "
                              "give that vendor's earlier report (or a folder with one per vendor)")
        reports = [(where, report) for report in parse(data, str(where))]
    else:
        raise ReportError(f"baseline {path} does not exist")
    by_vendor: dict[str, list[Report]] = {}
    files_of: dict[str, list[str]] = {}
    for file, report in reports:
        by_vendor.setdefault(report.vendor, []).append(report)
        files_of.setdefault(report.vendor, []).append(file.name)
    found: dict[str, Report] = {}
    held = ", ".join(sorted(by_vendor)) or "none"
    for vendor in vendor_names:
        runs = distinct(by_vendor.get(vendor, []))
        if not runs:
            if len(by_vendor) == 1 and len(vendor_names) == 1:
                raise ReportError(f"baseline {path} is a report of {held!r}, not of {vendor!r}: give that "
                                  "vendor's earlier report (or a folder with one per vendor)")
            if not where.is_dir() and len(vendor_names) > 1:
                raise ReportError(f"baseline {path} holds no report of vendor {vendor} (it holds {held}): for a "
                                  "run of several vendors give a folder with one report each (an earlier "
                                  "run's --report-dir) or a combined report")
            raise ReportError(f"baseline {path} holds no report of vendor {vendor} (it holds {held})")
        if len(runs) > 1:
            raise ReportError(f"baseline {path} holds {len(runs)} different runs of vendor {vendor} "
                              f"({', '.join(sorted(set(files_of[vendor])))}): keep one")
        found[vendor] = runs[0]
    return found


def compare(report: Report, baseline: Report, path: str | Path = "") -> Comparison:
    """What regressed (passed in the baseline, does not now), what newly fails (a FAIL where the
    baseline had no FAIL and no pass) and what improved (passes now, did not)."""
    before, now = baseline.by_id(), report.by_id()
    checked = set(report.surfaces())
    regressed, improved, new_failures = [], [], []
    for ident, old in sorted(before.items()):
        new = now.get(ident)
        if old.verdict != "pass":
            continue
        if new is None:
            if old.surface in checked:
                regressed.append(Change(ident, "pass", "absent", "no longer reported by this run (deselected, "
                                        "renamed or removed)"))
        elif new.verdict != "pass":
            regressed.append(Change(ident, "pass", new.verdict, new.message, new.expected, new.received,
                                    new.reproduce))
    for ident, new in sorted(now.items()):
        old_row = before.get(ident)
        if new.verdict == "pass" and old_row is not None and old_row.verdict != "pass":
            improved.append(Change(ident, old_row.verdict, "pass"))
        was = old_row.verdict if old_row is not None else "absent"
        if new.verdict == "fail" and was not in ("pass", "fail"):
            new_failures.append(Change(ident, was, "fail", new.message, new.expected, new.received, new.reproduce))
    return Comparison(path=str(path), vendor=baseline.vendor, mode=baseline.mode, started_at=baseline.started_at,
                      regressed=regressed, improved=improved, new_failures=new_failures)


def lines(report: Report) -> list[str]:
    """The comparison as terminal lines: every regression with the new evidence, then improvements."""
    comparison = report.baseline
    if comparison is None:
        return []
    out = [f"against baseline {comparison.path} ({comparison.vendor}, {comparison.mode}, {comparison.started_at}): "
           f"{comparison.counts()}"]
    for label, changes in (("REGRESSED", comparison.regressed), ("NEW FAIL ", comparison.new_failures)):
        for change in changes:
            out.append(f"{label} {report.vendor} {change.id}: {change.was} → {change.now}"
                       + (f" — {change.message[:200]}" if change.message else ""))
            if change.reproduce:
                out.append(f"          {change.reproduce[:300]}")
    out += [f"IMPROVED  {report.vendor} {change.id}: {change.was} → {change.now}" for change in comparison.improved]
    return out
