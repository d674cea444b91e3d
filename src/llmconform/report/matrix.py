"""`llmconform compare`: runs side by side. Columns are runs (vendor, mode, date), never vendor names
alone, so two runs of one vendor (this week and last, live and replay) are two columns."""

from __future__ import annotations

from llmconform.report import html as html_page
from llmconform.result import Report, ReportError
from llmconform.verdict import LABELS, VERDICTS


def _ids(reports: list[Report]) -> list[str]:
    return sorted({row.id for r in reports for row in r.results})


def _surfaces(reports: list[Report]) -> list[str]:
    return sorted({s for r in reports for s in r.declared_surfaces()})


def _cell(report: Report, check: str) -> str:
    row = report.row(check)
    if row is None:
        return ""
    return "–" if row.undeclared else LABELS[row.verdict].cell


def markdown(reports: list[Report]) -> str:
    heads = [f"{r.vendor} ({r.mode}, {r.when})" for r in reports]
    lines = ["# llmconform — vendor x check matrix", "", "| | " + " | ".join(heads) + " |",
             "|---|" + "---|" * len(reports)]
    lines += [f"| {v} | " + " | ".join(str(r.summary[v]) for r in reports) + " |" for v in ("fail", "warn", "error")]
    lines += [f"| score {s} | " + " | ".join(str(r.score(s)) if s in r.declared_surfaces() else "–" for r in reports)
              + " |" for s in _surfaces(reports)]
    lines += ["", "| check | " + " | ".join(heads) + " |", "|---|" + "---|" * len(reports)]
    lines += [f"| `{ident}` | " + " | ".join(_cell(r, ident) for r in reports) + " |" for ident in _ids(reports)]
    return "\n".join(lines) + "\n"


def text(reports: list[Report]) -> str:
    """The matrix for a terminal: checks no run got a decided verdict for are left out."""
    heads = [f"[{i + 1}]" for i in range(len(reports))]
    ids = _ids(reports)
    width = max([len(i) for i in ids] + [24])
    cols = [max(len(h), 5) for h in heads]

    def line(label: str, cells: list[str]) -> str:
        return label.ljust(width) + "  " + "  ".join(c.ljust(w) for c, w in zip(cells, cols, strict=True))

    lines = [f"{h} {r.label}" for h, r in zip(heads, reports, strict=True)]
    lines += ["", line("", heads)]
    lines += [line(v.upper(), [str(r.summary[v]) for r in reports]) for v in ("fail", "warn", "error")]
    lines += [line(f"score {s}", [f"{r.score(s).percent}%" if s in r.declared_surfaces()
                                  and r.score(s).percent is not None else "–" for r in reports])
              for s in _surfaces(reports)]
    lines.append("")
    skipped = 0
    for ident in ids:
        rows = [r.row(ident) for r in reports]
        if all(row is None or row.verdict == "skip" for row in rows):
            skipped += 1
            continue
        lines.append(line(ident, [_cell(r, ident) for r in reports]))
    lines += ["", f"({skipped} checks skipped in every run: not documented, not declared, or live only)"]
    lines += [f"{h} " + "  ".join(f"{k} {r.summary[k]}" for k in VERDICTS) for h, r in zip(heads, reports, strict=True)]
    return "\n".join(lines) + "\n"


def html(reports: list[Report], hrefs: list[str | None] | None = None) -> str:
    return html_page.matrix_page(reports, hrefs or [None] * len(reports))


def diff(old: Report, new: Report) -> str:
    """What changed between two runs of one vendor: every check whose verdict differs, in the words
    `--baseline` uses (a regression: a pass that became anything else; a new failure: a FAIL where
    the old run had neither a FAIL nor a pass; improved: a pass that was not one)."""
    if old.vendor != new.vendor:
        raise ReportError(f"--diff compares two runs of one vendor, not {old.vendor} and {new.vendor}")
    before, after = old.by_id(), new.by_id()
    lines = [f"{old.label}  →  {new.label}"]
    order = {v: i for i, v in enumerate(("fail", "error", "warn", "skip", "pass", "absent"))}
    kinds = {"regressed": 0, "new failure": 0, "improved": 0, "changed": 0}
    entries = []
    for ident in sorted(set(before) | set(after)):
        was = before[ident].verdict if ident in before else "absent"
        now = after[ident].verdict if ident in after else "absent"
        if was == now:
            continue
        if was == "pass":
            kind = "regressed"
        elif now == "fail" and was != "fail":
            kind = "new failure"
        elif now == "pass":
            kind = "improved"
        else:
            kind = "changed"
        kinds[kind] += 1
        message = after[ident].message if ident in after else ""
        entries.append((order.get(now, 9), ident, f"{kind:11} {ident}: {was} → {now}"
                        + (f" — {message[:160]}" if message and now != "pass" else "")))
    lines += [entry for _, _, entry in sorted(entries)]
    lines.append(f"{sum(kinds.values())} check(s) changed: {kinds['regressed']} regressions, "
                 f"{kinds['new failure']} new failures, {kinds['improved']} improved, {kinds['changed']} other; "
                 + ", ".join(f"{v} {old.summary[v]} → {new.summary[v]}" for v in VERDICTS))
    return "\n".join(lines) + "\n"
