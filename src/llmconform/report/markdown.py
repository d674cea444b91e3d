"""Markdown rendering of one or several vendors' reports: counts, scores, then the findings with
their evidence (failures first), then every check, the baseline comparison and the fingerprints."""

from __future__ import annotations

from llmconform.result import Billing, Report, Row, by_severity, readable
from llmconform.verdict import LABELS, VERDICTS


def cell(text: str, limit: int | None = 240) -> str:
    """A table cell: its pipes escaped, on one line, cut at `limit` characters (None: whole)."""
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if limit is None or len(text) <= limit else text[:limit] + "…"


def table(heads: list[str] | tuple[str, ...], rows: list[list[str]], *, numeric: tuple[int, ...] = (),
          limit: int | None = 240) -> list[str]:
    """A Markdown table (run's and sweep's reports alike): every cell through `cell`, the columns
    in `numeric` right-aligned."""
    rule = "|" + "".join("---:|" if i in numeric else "---|" for i in range(len(heads)))
    return ["| " + " | ".join(heads) + " |", rule,
            *("| " + " | ".join(cell(value, limit) for value in row) + " |" for row in rows)]


def _fence(text: str, lang: str = "") -> list[str]:
    fence = "````" if "```" in text else "```"
    return [fence + lang, text, fence]


def _title(reports: list[Report]) -> str:
    if len(reports) == 1:
        return f"llmconform — {reports[0].vendor} ({reports[0].mode})"
    return f"llmconform — {len(reports)} runs: {', '.join(r.vendor for r in reports)}"


def _overview(reports: list[Report]) -> list[str]:
    lines = ["| run | base URL | " + " | ".join(VERDICTS) + " | requests | output tokens | TTFT p50 |",
             "|---|---|" + "---:|" * (len(VERDICTS) + 3)]
    for r in reports:
        ttft = f"{r.metrics.ttft_p50_ms} ms" if r.metrics.ttft_p50_ms is not None else "–"
        lines.append(f"| {cell(r.label)} | {cell(r.base_url)} | " + " | ".join(str(r.summary[v]) for v in VERDICTS)
                     + f" | {r.metrics.requests} | {r.metrics.output_tokens} | {ttft} |")
    lines += [f"\nTiming ({r.vendor}): {r.metrics.timing}." for r in reports
              if r.metrics.timing and r.metrics.ttft_p50_ms is not None]
    surfaces = sorted({s for r in reports for s in r.declared_surfaces()})
    if surfaces:
        lines += ["", "Score per surface (passed / decided):", "",
                  "| surface | " + " | ".join(cell(r.label) for r in reports) + " |",
                  "|---|" + "---|" * len(reports)]
        lines += [f"| {s} | " + " | ".join(str(r.score(s)) for r in reports) + " |" for s in surfaces]
    return lines


def _level(row: Row) -> str:
    """MUST (a break FAILs) or SHOULD (it only warns), as the check declares it."""
    return row.level.upper() if row.level else "–"


def finding(row: Row) -> list[str]:
    lines = [f"### {LABELS[row.verdict].markdown} `{row.id}`", "", cell(row.message, 1000), ""]
    if row.rule or row.level:
        lines += [f"Rule ({_level(row)}): {row.rule}", ""]
    if row.source:
        lines += [f"Source: {cell(row.source, 500)}", ""]
    if row.expected:
        lines.append(f"- expected: {cell(row.expected, 500)}")
    if row.received:
        lines.append(f"- received: {cell(row.received, 500)}")
    culprit = row.culprit
    if culprit is not None:
        lines.append(f"- exchange: `{culprit.probe}` — {cell(culprit.request)} → status {culprit.status}, "
                     f"{culprit.content_type or 'no content type'}"
                     + (f", problem {culprit.problem}" if culprit.problem else ""))
    for key, value in row.details.items():
        lines.append(f"- {key.replace('_', ' ')}: {cell(readable(value), 300)}")
    lines.append("")
    if culprit is not None and culprit.body_excerpt:
        lines += ["Body (excerpt):", "", *_fence(culprit.body_excerpt), ""]
    if row.reproduce:
        lines += ["Reproduce:", "", *_fence(row.reproduce[:4000], "sh"), ""]
    if row.python:
        lines += ["With the SDK:", "", *_fence(row.python, "python"), ""]
    return lines


INTERRUPTED = ("**Interrupted** (SIGINT/SIGTERM): the run was stopped before every check ran; only the checks "
               "decided by then are reported.")
def billing(entries: list[Billing], prefix: str) -> list[str]:
    """Per surface: each billing rule's verdict, what was measured, and the exchanges that show it."""
    if not entries:
        return []
    lines = [f"## Billing{prefix}", "",
             "Is the usage billed what the API's own accounting gives? One prompt sent plain, streamed, again, "
             "at three sizes and to the counting endpoint; a broken accounting rule is a FAIL, a measured "
             "inflation above tolerance a WARN stating the number.", ""]
    for entry in entries:
        lines += [f"### {entry.surface}", "", "| rule | verdict | message |", "|---|---|---|"]
        lines += [f"| `{name}` | {LABELS[verdict].markdown} | {cell(entry.messages.get(name, ''), 300)} |"
                  for name, verdict in sorted(entry.verdicts.items())]
        lines.append("")
        lines += [f"- {line}" for line in entry.lines()]
        lines += [f"- exchange `{e.probe}` — {cell(e.request)} → status {e.status}" for e in entry.exchanges]
        lines.append("")
    return lines


def clients(report: Report, prefix: str) -> list[str]:
    """One line per coding agent asked for (issue 22): works, or breaks at the check, with its evidence."""
    verdicts = report.client_verdicts()
    if not verdicts:
        return []
    lines = [f"## Clients{prefix}", ""]
    lines += [f"- **{cell(v.line, 400)}**" for v in verdicts]
    lines += ["", "| client | rule's check | verdict |", "|---|---|---|"]
    lines += [f"| {v.client} | `{check}` | {LABELS[found].markdown if found in LABELS else found} |"
              for v in verdicts for check, found in v.rules]
    return [*lines, ""]


def render(reports: list[Report]) -> str:
    stopped = [f"{INTERRUPTED}{f' ({r.vendor})' if len(reports) > 1 else ''}" for r in reports if r.interrupted]
    lines = [f"# {_title(reports)}", "", *(stopped and [*stopped, ""]), *_overview(reports), ""]
    for report in reports:
        prefix = f" — {report.vendor}" if len(reports) > 1 else ""
        lines += clients(report, prefix)
        findings = report.findings()
        lines += [f"## Findings{prefix}", ""]
        if not findings:
            lines += ["No FAIL, WARN or ERROR.", ""]
        for row in findings:
            lines += finding(row)
        if report.baseline is not None:
            comparison = report.baseline
            lines += [f"## Against the baseline{prefix}", "",
                      f"{comparison.path} ({comparison.vendor}, {comparison.mode}, {comparison.started_at}): "
                      f"{comparison.counts()}.", ""]
            for label, changes in (("regressed", comparison.regressed), ("new failure", comparison.new_failures)):
                lines += [f"- {label} `{change.id}`: {change.was} → {change.now}"
                          + (f" — {cell(change.message)}" if change.message else "") for change in changes]
            lines += [f"- improved `{change.id}`: {change.was} → {change.now}" for change in comparison.improved]
            lines.append("")
        lines += billing(report.billing(), prefix)
        lines += [f"## All checks{prefix}", ""]
        lines += table(("check", "verdict", "message", "level", "source"),
                       [[f"`{row.id}`", LABELS[row.verdict].markdown, row.message, _level(row), row.source]
                        for row in by_severity(report.results)])
        fingerprints = report.fingerprints.lines()
        if fingerprints:
            lines += ["", f"## Fingerprints{prefix}", ""]
            lines += [f"- {what}: {cell(text, 600)}" for what, text in fingerprints]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
