"""`llmconform compare`: one vendor x check matrix from several JSON reports."""

from __future__ import annotations

from typing import Any

from llmconform.report.html import matrix as html_matrix
from llmconform.report.html import score

SHORT = {"pass": "pass", "fail": "FAIL", "warn": "warn", "skip": "-", "error": "err"}


def markdown(reports: list[dict[str, Any]]) -> str:
    vendors = [r["vendor"] for r in reports]
    by_vendor = {r["vendor"]: {row["id"]: row["verdict"] for row in r["results"]} for r in reports}
    ids = sorted({row["id"] for r in reports for row in r["results"]})
    surfaces = sorted({row["surface"] for r in reports for row in r["results"]})
    lines = ["# llmconform — vendor x check matrix", "", "| surface | " + " | ".join(vendors) + " |",
             "|---|" + "---|" * len(vendors)]
    lines += [f"| {s} | " + " | ".join(score(r["results"], s) for r in reports) + " |" for s in surfaces]
    lines += ["", "| check | " + " | ".join(vendors) + " |", "|---|" + "---|" * len(vendors)]
    for ident in ids:
        lines.append(f"| `{ident}` | " + " | ".join(SHORT.get(by_vendor[v].get(ident, ""), "")
                                                     for v in vendors) + " |")
    return "\n".join(lines) + "\n"


def text(reports: list[dict[str, Any]]) -> str:
    """The matrix for a terminal: checks no vendor got a decided verdict for are left out."""
    vendors = [r["vendor"] for r in reports]
    by_vendor = {r["vendor"]: {row["id"]: row["verdict"] for row in r["results"]} for r in reports}
    ids = sorted({row["id"] for r in reports for row in r["results"]})
    width = max([len(i) for i in ids] + [5])
    cols = [max(len(v), 5) for v in vendors]
    lines = ["check".ljust(width) + "  " + "  ".join(v.ljust(c) for v, c in zip(vendors, cols, strict=True))]
    for ident in ids:
        verdicts = [by_vendor[v].get(ident, "") for v in vendors]
        if all(v in ("skip", "") for v in verdicts):
            continue
        lines.append(ident.ljust(width) + "  " + "  ".join(SHORT.get(v, "").ljust(c)
                                                           for v, c in zip(verdicts, cols, strict=True)))
    skipped = sum(all(by_vendor[v].get(i, "skip") == "skip" for v in vendors) for i in ids)
    totals = ["  ".join(f"{k} {r['summary'][k]}" for k in ("pass", "fail", "warn", "skip", "error"))
              for r in reports]
    lines += ["", f"({skipped} checks skipped for every vendor: not documented, not declared, or live only)"]
    lines += [f"{v}: {t}" for v, t in zip(vendors, totals, strict=True)]
    return "\n".join(lines) + "\n"


def html(reports: list[dict[str, Any]]) -> str:
    return html_matrix(reports, "llmconform — vendor x check matrix") + "\n</body></html>\n"
