"""Self-contained HTML: a coloured check x vendor matrix with per-surface scores. No external assets."""

from __future__ import annotations

from html import escape
from typing import Any

STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3} td.v{text-align:center;font-weight:600;white-space:nowrap}
.pass{background:#d7f5d7}.fail{background:#f8c9c9}.warn{background:#fbeaba}
.skip{background:#eee;color:#888}.error{background:#e3d3f5}
code{font-size:12px} p.legend{color:#555}
details{margin:.3em 0} pre{white-space:pre-wrap;background:#f7f7f7;padding:6px}
"""


def undeclared(row: dict[str, Any]) -> bool:
    """A skip because the profile does not claim the surface: not a finding, shown as a dash."""
    return row["verdict"] == "skip" and "not declared by profile" in row["message"] and "surface" in row["message"]


def score(results: list[dict[str, Any]], surface: str) -> str:
    """Passed over decided (pass + fail + warn) for one surface."""
    rows = [r for r in results if r["surface"] == surface]
    decided = [r for r in rows if r["verdict"] in ("pass", "fail", "warn")]
    if not decided:
        return "–"
    return f"{100 * sum(r['verdict'] == 'pass' for r in decided) // len(decided)}% ({len(decided)} decided)"


def matrix(reports: list[dict[str, Any]], title: str) -> str:
    vendors = [r["vendor"] for r in reports]
    by_vendor = {r["vendor"]: {row["id"]: row for row in r["results"]} for r in reports}
    ids = sorted({row["id"] for r in reports for row in r["results"]})
    surfaces = sorted({row["surface"] for r in reports for row in r["results"]})
    out = [f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>",
           f"<style>{STYLE}</style></head><body><h1>{escape(title)}</h1>"]
    out.append("<h2>Score per surface</h2><table><tr><th>surface</th>"
               + "".join(f"<th>{escape(v)}</th>" for v in vendors) + "</tr>")
    for surface in surfaces:
        out.append(f"<tr><td>{escape(surface)}</td>"
                   + "".join(f"<td>{escape(score(r['results'], surface))}</td>" for r in reports) + "</tr>")
    out.append("</table><h2>Checks</h2><p class='legend'>pass · <b>fail</b> breaks the claimed API · warn "
               "tolerated departure or backend fingerprint · skip not applicable or not documented · "
               "error undecided · – surface not claimed. Hover a cell for its message.</p>"
               "<table><tr><th>check</th>"
               + "".join(f"<th>{escape(v)}</th>" for v in vendors) + "</tr>")
    for ident in ids:
        cells = []
        for vendor in vendors:
            row = by_vendor[vendor].get(ident)
            if row is None:
                cells.append("<td></td>")
                continue
            tip = escape(row["message"][:300], quote=True)
            shown = "–" if undeclared(row) else row["verdict"]
            cells.append(f"<td class='v {row['verdict']}' title='{tip}'>{shown}</td>")
        out.append(f"<tr><td><code>{escape(ident)}</code></td>{''.join(cells)}</tr>")
    out.append("</table>")
    return "\n".join(out)


def render(report: dict[str, Any]) -> str:
    out = [matrix([report], f"llmconform — {report['vendor']} ({report['mode']})")]
    summary = " · ".join(f"{k} {v}" for k, v in report["summary"].items())
    out.append(f"<p>{escape(report['base_url'])} · {escape(summary)} · requests {report['metrics']['requests']}"
               f" · output tokens {report['metrics']['output_tokens']}</p><h2>Evidence</h2>")
    for row in report["results"]:
        if row["verdict"] not in ("fail", "warn", "error"):
            continue
        out.append(f"<details><summary class='{row['verdict']}'><code>{escape(row['id'])}</code> — "
                   f"{escape(row['message'][:200])}</summary>")
        if row.get("reproduce"):
            out.append(f"<pre>{escape(row['reproduce'][:3000])}</pre>")
        out.append("</details>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
