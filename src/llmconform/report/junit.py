"""JUnit XML: a testsuite per vendor, a testcase per check, so CI systems show the verdicts natively.

Its counts say what the run's exit status says: without a baseline a FAIL is a <failure> (exit 1
iff any); with one, a regression (type "regression") and a new failure (type "new-failure": a FAIL
where the baseline had none and no pass) are the <failure>s (exit 1 iff any), and a FAIL the
baseline already had is a known failure, listed as <skipped> with its message so it stays visible.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from xml.etree import ElementTree as ET

from llmconform.result import Report, Row

LIMIT = 500


@dataclass(frozen=True)
class Case:
    """One testcase of any report (a run's check, a sweep's model): `outcome` is failure, error,
    skipped or passed; `kind` the outcome element's type, `text` its body (the evidence); `out` a
    passed case's system-out (a WARN's evidence)."""

    classname: str
    name: str
    outcome: str = "passed"
    kind: str | None = None
    message: str = ""
    text: str | None = None
    time_s: float | None = None
    properties: tuple[tuple[str, str], ...] = ()
    out: str | None = None


@dataclass
class Suite:
    name: str
    timestamp: str
    time: str
    properties: list[tuple[str, str]] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)


def _write_case(parent: ET.Element, case: Case) -> None:
    attributes = {"classname": case.classname, "name": case.name}
    if case.time_s is not None:
        attributes["time"] = f"{case.time_s:.3f}"
    element = ET.SubElement(parent, "testcase", attributes)
    if case.properties:
        properties = ET.SubElement(element, "properties")
        for name, value in case.properties:
            ET.SubElement(properties, "property", {"name": name, "value": value})
    if case.outcome != "passed":
        said = {"type": case.kind} if case.kind else {}
        said["message"] = case.message[:LIMIT]
        child = ET.SubElement(element, case.outcome, said)
        if case.text is not None:
            child.text = case.text
    if case.out is not None:
        ET.SubElement(element, "system-out").text = case.out


def _write_suite(root: ET.Element, suite: Suite) -> dict[str, int]:
    element = ET.SubElement(root, "testsuite", {"name": suite.name, "timestamp": suite.timestamp, "time": suite.time})
    properties = ET.SubElement(element, "properties")
    for name, value in suite.properties:
        ET.SubElement(properties, "property", {"name": name, "value": value})
    counts = {"tests": 0, "failure": 0, "error": 0, "skipped": 0}
    for case in suite.cases:
        _write_case(element, case)
        counts["tests"] += 1
        if case.outcome in counts:
            counts[case.outcome] += 1
    element.set("tests", str(counts["tests"]))
    element.set("failures", str(counts["failure"]))
    element.set("errors", str(counts["error"]))
    element.set("skipped", str(counts["skipped"]))
    return counts


def document(suites: list[Suite], time: str) -> str:
    """The JUnit XML of the suites (a run's vendors, a sweep's provider), its totals added up."""
    return _document([_rendered(suite) for suite in suites], time)


def _rendered(suite: Suite) -> tuple[str, dict[str, int]]:
    """A testsuite's XML as it stands in any document (indented one level below <testsuites>), and
    its counts: a vendor's is the same in its own file and in the combined one."""
    holder = ET.Element("testsuites")
    counts = _write_suite(holder, suite)
    element = holder[0]
    ET.indent(element, level=1)
    return ET.tostring(element, encoding="unicode"), counts


def _document(suites: list[tuple[str, dict[str, int]]], time: str) -> str:
    root = ET.Element("testsuites", {"name": "llmconform"})
    totals = {"tests": 0, "failure": 0, "error": 0, "skipped": 0}
    for index, (_, counts) in enumerate(suites):
        ET.SubElement(root, f"llmconform-suite-{index}")  # its place, filled with its text below
        for key, value in counts.items():
            totals[key] += value
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failure"]))
    root.set("errors", str(totals["error"]))
    root.set("skipped", str(totals["skipped"]))
    root.set("time", time)
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode")
    for index, (suite, _) in enumerate(suites):  # no text holds a '<' unescaped: only the places match
        text = text.replace(f"<llmconform-suite-{index} />", suite, 1)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + text + "\n"


# -- a run: a testsuite per vendor, a testcase per check ---------------------------------------

def _case(report: Report, row: Row, regressions: dict[str, str], new_failures: dict[str, str]) -> Case:
    classname = f"{report.vendor}.{row.id.rsplit('/', 1)[0]}".replace("/", ".")
    # The rule's level (must: a break fails; should: it only warns) and its official source.
    properties = (("rule.level", row.level), ("rule.source", row.source)) if row.level or row.source else ()
    base = Case(classname, row.id, time_s=row.duration_s or 0.0, properties=properties)
    evidence = "\n".join(part for part in (row.message, row.reproduce) if part)
    if row.id in regressions:
        return _with(base, "failure", "regression", f"regressed {regressions[row.id]}: {row.message}", evidence)
    if row.id in new_failures:
        return _with(base, "failure", "new-failure", f"new failure {new_failures[row.id]}: {row.message}", evidence)
    if row.verdict == "fail":
        if report.baseline is not None:
            return _with(base, "skipped", "known-failure", f"FAIL, as in the baseline: {row.message}")
        return _with(base, "failure", "fail", row.message, evidence)
    if row.verdict == "error":
        return _with(base, "error", "undecided", row.message, evidence)
    if row.verdict == "skip":
        return _with(base, "skipped", None, row.message)
    if row.verdict == "warn":
        return replace(base, out=f"WARN: {evidence}")
    return base


def _with(case: Case, outcome: str, kind: str | None, message: str, text: str | None = None) -> Case:
    return replace(case, outcome=outcome, kind=kind, message=message, text=text)


def _suite(report: Report) -> Suite:
    regressions = ({c.id: f"{c.was} → {c.now}" for c in report.baseline.regressed}
                   if report.baseline is not None else {})
    new_failures = ({c.id: f"{c.was} → {c.now}" for c in report.baseline.new_failures}
                    if report.baseline is not None else {})
    properties = [("vendor", report.vendor), ("mode", report.mode), ("base_url", report.base_url),
                  ("interrupted", "true" if report.interrupted else "false"),
                  *((f"summary.{k}", str(v)) for k, v in report.summary.items()),
                  *((("baseline", report.baseline.path),
                     ("regressions", str(len(report.baseline.regressed))),
                     ("new_failures", str(len(report.baseline.new_failures)))) if report.baseline else ())]
    cases = [_case(report, row, regressions, new_failures) for row in report.results]
    # A regression whose check is no longer reported has no testcase of its own: it gets one.
    reported = {row.id for row in report.results}
    cases += [Case(f"{report.vendor}.baseline", check, "failure", "regression", f"regressed {change}")
              for check, change in regressions.items() if check not in reported]
    return Suite(f"llmconform.{report.vendor}", report.started_at[:19], str(report.duration_s), properties, cases)


def render(reports: list[Report], known: dict[int, tuple[str, dict[str, int]]] | None = None) -> str:
    """The run's JUnit XML; `known` keeps each report's testsuite (by report) for the next document
    that holds it (a multi-vendor run's combined file after each vendor's own)."""
    known = {} if known is None else known
    suites = []
    for report in reports:
        if id(report) not in known:
            known[id(report)] = _rendered(_suite(report))
        suites.append(known[id(report)])
    return _document(suites, str(max((r.duration_s for r in reports), default=0)))
