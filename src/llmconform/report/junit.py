"""JUnit XML: a testsuite per vendor, a testcase per check, so CI systems show the verdicts natively.

Its counts say what the run's exit status says: without a baseline a FAIL is a <failure> (exit 1
iff any); with one, a regression (type "regression") and a new failure (type "new-failure": a FAIL
where the baseline had none and no pass) are the <failure>s (exit 1 iff any), and a FAIL the
baseline already had is a known failure, listed as <skipped> with its message so it stays visible.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from llmconform.result import Report, Row

LIMIT = 500


def _case(suite: ET.Element, report: Report, row: Row, regressions: dict[str, str],
          new_failures: dict[str, str]) -> str:
    """Adds the testcase; returns how it counts (failure, error, skipped, passed)."""
    case = ET.SubElement(suite, "testcase", {"classname": f"{report.vendor}.{row.id.rsplit('/', 1)[0]}"
                                             .replace("/", "."), "name": row.id,
                                             "time": f"{row.duration_s or 0.0:.3f}"})
    if row.level or row.source:
        # The rule's level (must: a break fails; should: it only warns) and its official source.
        properties = ET.SubElement(case, "properties")
        for name, value in (("rule.level", row.level), ("rule.source", row.source)):
            ET.SubElement(properties, "property", {"name": name, "value": value})
    evidence = "\n".join(part for part in (row.message, row.reproduce) if part)
    if row.id in regressions:
        ET.SubElement(case, "failure", {"type": "regression", "message": f"regressed {regressions[row.id]}: "
                                        f"{row.message}"[:LIMIT]}).text = evidence
        return "failure"
    if row.id in new_failures:
        ET.SubElement(case, "failure", {"type": "new-failure", "message": f"new failure {new_failures[row.id]}: "
                                        f"{row.message}"[:LIMIT]}).text = evidence
        return "failure"
    if row.verdict == "fail":
        if report.baseline is not None:
            ET.SubElement(case, "skipped", {"type": "known-failure",
                                            "message": f"FAIL, as in the baseline: {row.message}"[:LIMIT]})
            return "skipped"
        ET.SubElement(case, "failure", {"type": "fail", "message": row.message[:LIMIT]}).text = evidence
        return "failure"
    if row.verdict == "error":
        ET.SubElement(case, "error", {"type": "undecided", "message": row.message[:LIMIT]}).text = evidence
        return "error"
    if row.verdict == "skip":
        ET.SubElement(case, "skipped", {"message": row.message[:LIMIT]})
        return "skipped"
    if row.verdict == "warn":
        ET.SubElement(case, "system-out").text = f"WARN: {evidence}"
    return "passed"


def _suite(parent: ET.Element, report: Report) -> dict[str, int]:
    regressions = ({c.id: f"{c.was} → {c.now}" for c in report.baseline.regressed}
                   if report.baseline is not None else {})
    new_failures = ({c.id: f"{c.was} → {c.now}" for c in report.baseline.new_failures}
                    if report.baseline is not None else {})
    suite = ET.SubElement(parent, "testsuite", {"name": f"llmconform.{report.vendor}",
                                                "timestamp": report.started_at[:19],
                                                "time": str(report.duration_s)})
    properties = ET.SubElement(suite, "properties")
    for name, value in (("vendor", report.vendor), ("mode", report.mode), ("base_url", report.base_url),
                        ("interrupted", "true" if report.interrupted else "false"),
                        *((f"summary.{k}", str(v)) for k, v in report.summary.items()),
                        *((("baseline", report.baseline.path),
                           ("regressions", str(len(report.baseline.regressed))),
                           ("new_failures", str(len(report.baseline.new_failures)))) if report.baseline else ())):
        ET.SubElement(properties, "property", {"name": name, "value": value})
    counts = {"tests": 0, "failure": 0, "error": 0, "skipped": 0}
    for row in report.results:
        counts["tests"] += 1
        outcome = _case(suite, report, row, regressions, new_failures)
        if outcome in counts:
            counts[outcome] += 1
    # A regression whose check is no longer reported has no testcase of its own: it gets one.
    reported = {row.id for row in report.results}
    for check, change in regressions.items():
        if check not in reported:
            case = ET.SubElement(suite, "testcase", {"classname": f"{report.vendor}.baseline", "name": check})
            ET.SubElement(case, "failure", {"type": "regression", "message": f"regressed {change}"})
            counts["tests"] += 1
            counts["failure"] += 1
    suite.set("tests", str(counts["tests"]))
    suite.set("failures", str(counts["failure"]))
    suite.set("errors", str(counts["error"]))
    suite.set("skipped", str(counts["skipped"]))
    return counts


def render(reports: list[Report]) -> str:
    root = ET.Element("testsuites", {"name": "llmconform"})
    totals = {"tests": 0, "failure": 0, "error": 0, "skipped": 0}
    for report in reports:
        for key, value in _suite(root, report).items():
            totals[key] += value
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failure"]))
    root.set("errors", str(totals["error"]))
    root.set("skipped", str(totals["skipped"]))
    root.set("time", str(max((r.duration_s for r in reports), default=0)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
