"""One sweep report as terminal text, Markdown and self-contained HTML (a sortable table, no external
assets). Everything here is read from the JSON report."""

from __future__ import annotations

from html import escape
from typing import Any

from llmconform.verdict import LABELS

STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3;cursor:pointer;user-select:none} th.sorted-asc::after{content:" ▲"}
th.sorted-desc::after{content:" ▼"} td.n{text-align:right;font-variant-numeric:tabular-nums}
.yes{background:#d7f5d7}.no{background:#f8c9c9}.np{background:#eee;color:#888}.warn{background:#fbeaba}
.fail{background:#f8c9c9}.error{background:#e3d3f5}
code{font-size:12px} p.legend{color:#555} details{margin:.3em 0}
pre{white-space:pre-wrap;background:#f7f7f7;padding:6px}
"""
# Click a header to sort by it (numbers as numbers, a dash last); click again to reverse. A two-row
# header (a vendor's group over its columns) maps each second-row cell to its column.
SORT_JS = """
<script>
function headersOf(table) {
  var rows = table.tHead.rows, top = Array.prototype.slice.call(rows[0].cells), out = [];
  if (rows.length < 2) { return top; }
  var second = Array.prototype.slice.call(rows[1].cells);
  top.forEach(function (th) {
    if (th.colSpan > 1) { out = out.concat(second.splice(0, th.colSpan)); } else { out.push(th); }
  });
  return out;
}
document.querySelectorAll("table.sortable").forEach(function (table) {
  headersOf(table).forEach(function (th, col) {
    th.addEventListener("click", function () {
      var asc = !th.classList.contains("sorted-asc");
      table.querySelectorAll("th").forEach(function (h) { h.classList.remove("sorted-asc", "sorted-desc"); });
      th.classList.add(asc ? "sorted-asc" : "sorted-desc");
      var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
      function key(row) {
        var cell = row.cells[col], v = cell.getAttribute("data-sort");
        if (v === null) { v = cell.textContent.trim(); }
        if (v === "" || v === "-" || v === "–") { return null; }
        return /^-?[0-9]+(\\.[0-9]+)?$/.test(v) ? parseFloat(v) : v.toLowerCase();
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        if (x === null) { return y === null ? 0 : 1; }
        if (y === null) { return -1; }
        if (typeof x !== typeof y) { x = String(x); y = String(y); }
        return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
</script>
"""


def number(value: Any, digits: int = 0) -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "-"
    return f"{value:.{digits}f}"


def availability(row: dict[str, Any]) -> str:
    if row["outcome"] == "not-probed":
        return f"not probed ({row['kind']})"
    if row["outcome"] == "left-out":
        return "left out"  # the headline says why: the budget, or an interrupt
    if row["available"]:
        return "yes (stream fails)" if row.get("stream") else "yes"
    refusal = row.get("refusal") or {}
    return f"no: {refusal.get('label', 'refused')}" + (f" ({refusal['status']})" if refusal.get("status") else "")


def flag(value: Any) -> str:
    return "-" if value is None else ("yes" if value else "no")


def finding_ids(row: dict[str, Any]) -> str:
    return " ".join(f"{LABELS[f['verdict']].letter}:{f['id'].removeprefix('sweep/')}" for f in row["findings"])


COLUMNS = ("model", "surface", "kind", "listed", "catalogue", "available", "echo", "ttft ms", "tok/s", "in tok",
           "findings")


def cells(row: dict[str, Any]) -> list[str]:
    return [row["model"], row["surface"] or "-", row["kind"], flag(row["listed"]), flag(row["in_catalogue"]),
            availability(row), row["echo"] or "-", number(row["ttft_ms"]), number(row["output_tokens_per_s"], 1),
            number(row["input_tokens"]), finding_ids(row)]


def headline(report: dict[str, Any]) -> list[str]:
    s, m = report["summary"], report["metrics"]
    shard = f" · shard {report['shard']['index']}/{report['shard']['count']}" if report.get("shard") else ""
    replayed = " · replayed from cassettes" if report.get("recording") == "replay" else ""
    lines = [f"llmconform sweep — {report['vendor']} ({report['base_url']}){shard}{replayed}",
             f"{s['models']} models from {report['source']['models']}: {s['available']} available, "
             f"{s['unavailable']} unavailable, {s['not_probed']} not probed, {s['left_out']} left out · "
             f"findings: {s['verdicts']['fail']} fail, {s['verdicts']['warn']} warn, {s['verdicts']['error']} error",
             f"{m['requests']} requests, {m['input_tokens']} input / {m['output_tokens']} output tokens, "
             f"{m['wall_s']} s at concurrency {m['concurrency']} · TTFT p50 {number(m['ttft_ms']['p50'])} ms, "
             f"p90 {number(m['ttft_ms']['p90'])} ms"]
    if report.get("interrupted"):
        lines.append("INTERRUPTED (SIGINT/SIGTERM): the sweep was stopped; only the models probed by then are "
                     "reported")
    if report["left_out"]["count"]:
        lines.append(f"left out: {report['left_out']['count']} models ({report['left_out']['reason']})")
    if report["source"].get("list_problem"):
        lines.append(f"no model list: {report['source']['list_problem']}")
    if report["provider"]["stack"]:
        lines.append(f"relay software (every answering model): {', '.join(report['provider']['stack'])}")
    return lines


def text(report: dict[str, Any]) -> str:
    rows = [cells(r) for r in report["models"]]
    widths = [min(max([len(c)] + [len(r[i]) for r in rows]), 44) for i, c in enumerate(COLUMNS)]
    out = [*headline(report), ""]
    out.append("  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths, strict=True)).rstrip())
    for row in rows:
        out.append("  ".join(v[:w].ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    out += ["", f"timing: {report['timing']['method']}"]
    return "\n".join(out) + "\n"


def _md(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def markdown(report: dict[str, Any]) -> str:
    out = [f"# {headline(report)[0]}", "", *[f"- {line}" for line in headline(report)[1:]], "",
           "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    out += ["| " + " | ".join(_md(c) for c in cells(r)) + " |" for r in report["models"]]
    out += ["", f"Timing: {report['timing']['method']}", "", "## Findings", ""]
    for row in report["models"]:
        for found in row["findings"]:
            out.append(f"- **{found['verdict']}** `{found['id']}` — {row['model']} ({row['surface'] or row['kind']}): "
                       f"{_md(found['message'])}")
            if found.get("reproduce"):
                out.append(f"  - reproduce: `{_md(found['reproduce'][:600])}`")
    return "\n".join(out) + "\n"


def _cell(value: str, css: str = "", sort: str | None = None, numeric: bool = False) -> str:
    attrs = f" class='{css}{' n' if numeric else ''}'" if css or numeric else ""
    if sort is not None:
        attrs += f" data-sort='{escape(sort, quote=True)}'"
    return f"<td{attrs}>{escape(value)}</td>"


def html(report: dict[str, Any]) -> str:
    title = f"llmconform sweep — {report['vendor']}"
    out = [f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>",
           f"<style>{STYLE}</style></head><body><h1>{escape(title)}</h1>"]
    out += [f"<p>{escape(line)}</p>" for line in headline(report)[1:]]
    out.append("<p class='legend'>Click a column to sort. F fail · W warn · E error. "
               f"{escape(report['timing']['method'])}</p>")
    out.append("<table class='sortable'><thead><tr>" + "".join(f"<th>{escape(c)}</th>" for c in COLUMNS)
               + "</tr></thead><tbody>")
    for row in report["models"]:
        values = cells(row)
        avail_css = "np" if row["available"] is None else ("yes" if row["available"] else "no")
        worst = next((v for v in ("fail", "warn", "error") if any(f["verdict"] == v for f in row["findings"])), "")
        out.append("<tr>" + "".join([
            *[_cell(v) for v in values[:5]], _cell(values[5], avail_css),
            _cell(values[6], "warn" if row["echo"] == "other" else ""),
            *[_cell(v, numeric=True) for v in values[7:10]],
            _cell(values[10], worst, sort=str(len(row["findings"])))]) + "</tr>")
    out.append("</tbody></table><h2>Findings</h2>")
    for row in report["models"]:
        for found in row["findings"]:
            out.append(f"<details><summary class='{found['verdict']}'><code>{escape(found['id'])}</code> — "
                       f"{escape(row['model'])}: {escape(found['message'][:200])}</summary>"
                       f"<pre>{escape(str(found['evidence'])[:2000])}</pre>")
            if found.get("reproduce"):
                out.append(f"<pre>{escape(found['reproduce'][:3000])}</pre>")
            out.append("</details>")
    out.append(SORT_JS + "</body></html>")
    return "\n".join(out) + "\n"
