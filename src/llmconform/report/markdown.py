"""Markdown rendering of one report."""

from __future__ import annotations

from typing import Any

ICON = {"pass": "pass", "fail": "**FAIL**", "warn": "warn", "skip": "skip", "error": "*error*"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")[:240]


def render(report: dict[str, Any]) -> str:
    summary = report["summary"]
    metrics = report["metrics"]
    lines = [
        f"# llmconform — {report['vendor']}",
        "",
        f"{report['base_url']} · mode **{report['mode']}** · {report['started_at']} · {report['duration_s']} s",
        "",
        " · ".join(f"{k} {v}" for k, v in summary.items()),
        "",
        f"Requests {metrics['requests']}, input tokens {metrics['input_tokens']}, output tokens "
        f"{metrics['output_tokens']}, TTFT p50 {metrics['ttft_ms']['p50']} ms.",
        "",
        "| check | verdict | message |",
        "|---|---|---|",
    ]
    for row in report["results"]:
        lines.append(f"| `{row['id']}` | {ICON[row['verdict']]} | {_cell(row['message'])} |")
    failing = [r for r in report["results"] if r["verdict"] in ("fail", "warn", "error")]
    if failing:
        lines += ["", "## Evidence", ""]
        for row in failing:
            lines += [f"### {row['id']} — {row['verdict']}", "", _cell(row["message"]), ""]
            if row.get("reproduce"):
                lines += ["```sh", row["reproduce"][:2000], "```", ""]
    baseline = report.get("baseline")
    if baseline:
        lines += ["", "## Against the baseline", ""]
        lines += [f"- regressed: {r}" for r in baseline["regressed"]] or ["- no regression"]
        lines += [f"- improved: {r}" for r in baseline["improved"]]
    fingerprints = report.get("fingerprints") or {}
    if any(fingerprints.values()):
        lines += ["", "## Fingerprints", ""]
        for key, value in fingerprints.items():
            if value:
                lines.append(f"- {key}: `{_cell(str(value))}`")
    return "\n".join(lines) + "\n"
