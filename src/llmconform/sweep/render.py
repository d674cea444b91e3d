"""One sweep report as terminal text, Markdown, self-contained HTML (a sortable table, no external
assets) and JUnit XML. Everything here is read from the JSON report; the parts every report shares
(the HTML page and its style, Markdown tables, the JUnit document) are `report`'s."""

from __future__ import annotations

from dataclasses import replace
from html import escape
from typing import Any

from llmconform.report import html as html_page
from llmconform.report import junit as junit_xml
from llmconform.report import markdown as md
from llmconform.sweep.billing import FLAGGED
from llmconform.verdict import LABELS

# The sweep's own cells over the reports' shared page (report.html: STYLE, the sortable table).
STYLE = html_page.SORTABLE_STYLE + """
.yes{background:var(--pass)}.no{background:var(--fail)}.np{background:var(--skip);color:#888}
p.legend{color:var(--muted)} details{margin:.3em 0} td{white-space:normal}
"""


def number(value: Any, digits: int = 0) -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "-"
    return f"{value:.{digits}f}"


def availability(row: dict[str, Any]) -> str:
    if row["outcome"] == "not-probed":
        return f"not probed ({row['kind']}" + (f": {row['note']}" if row.get("note") else "") + ")"
    if row["outcome"] == "not-served":  # the official API serves the model on another endpoint
        refused = row.get("refusal") or {}
        return f"not served on this surface ({refused.get('status')}: {str(refused.get('message', ''))[:120]})"
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
           "billing", "findings")


BILLING_NOTE = ("the usage each model's probe answer reported, read by its API's accounting rule (no extra "
                "request): input / output tokens, and the input's distance from a local estimate of the prompt "
                "(a chat template adds a few dozen); MISSING, ZERO or INCONSISTENT when the usage is absent, "
                "zero, or breaks its totals or the API's rule.")


def billing(row: dict[str, Any]) -> str:
    """The billing column: the usage the probe's answer reported, or what is wrong with it."""
    cell = row.get("billing")  # absent from reports made before the column
    return cell["summary"] if cell else "-"



def cells(row: dict[str, Any]) -> list[str]:
    return [row["model"], row["surface"] or "-", row["kind"], flag(row["listed"]), flag(row["in_catalogue"]),
            availability(row), row["echo"] or "-", number(row["ttft_ms"]), number(row["output_tokens_per_s"], 1),
            number(row["input_tokens"]), billing(row), finding_ids(row)]


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


def markdown(report: dict[str, Any]) -> str:
    out = [f"# {headline(report)[0]}", "", *[f"- {line}" for line in headline(report)[1:]], ""]
    out += md.table(COLUMNS, [cells(r) for r in report["models"]], limit=None)
    out += ["", f"Timing: {report['timing']['method']}", "", f"Billing: {BILLING_NOTE}", "", "## Findings", ""]
    for row in report["models"]:
        for found in row["findings"]:
            out.append(f"- **{found['verdict']}** `{found['id']}` — {row['model']} ({row['surface'] or row['kind']}): "
                       f"{md.cell(found['message'], None)}")
            if found.get("reproduce"):
                out.append(f"  - reproduce: `{md.cell(found['reproduce'][:600], None)}`")
    return "\n".join(out) + "\n"


def _cell(value: str, css: str = "", sort: str | None = None, numeric: bool = False) -> str:
    attrs = f" class='{css}{' n' if numeric else ''}'" if css or numeric else ""
    if sort is not None:
        attrs += f" data-sort='{escape(sort, quote=True)}'"
    return f"<td{attrs}>{escape(value)}</td>"


def html(report: dict[str, Any]) -> str:
    title = f"llmconform sweep — {report['vendor']}"
    out = [html_page.head(title, STYLE) + f"<h1>{escape(title)}</h1>"]
    out += [f"<p>{escape(line)}</p>" for line in headline(report)[1:]]
    out.append("<p class='legend'>Click a column to sort. F fail · W warn · E error. "
               f"{escape(report['timing']['method'])} Billing: {escape(BILLING_NOTE)}</p>")
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
            _cell(values[10], "fail" if (row.get("billing") or {}).get("usage") in FLAGGED else ""),
            _cell(values[11], worst, sort=str(len(row["findings"])))]) + "</tr>")
    out.append("</tbody></table><h2>Findings</h2>")
    for row in report["models"]:
        for found in row["findings"]:
            out.append(f"<details><summary class='{found['verdict']}'><code>{escape(found['id'])}</code> — "
                       f"{escape(row['model'])}: {escape(found['message'][:200])}</summary>"
                       f"<pre>{escape(str(found['evidence'])[:2000])}</pre>")
            if found.get("reproduce"):
                out.append(f"<pre>{escape(found['reproduce'][:3000])}</pre>")
            out.append("</details>")
    out.append(html_page.tail(html_page.SORTABLE_SCRIPT))
    return "\n".join(out)


def junit(report: dict[str, Any]) -> str:
    """JUnit XML (`report.junit`'s document): a testsuite for the provider, a testcase per model row.
    A FAIL finding is a <failure>, an ERROR one (undecided) an <error>, a model not probed or left
    out is <skipped>, WARNs go to system-out: the failures count what the exit status says."""
    cases = []
    for row in report["models"]:
        found = {v: [f for f in row["findings"] if f["verdict"] == v] for v in ("fail", "error", "warn")}
        evidence = "\n".join(f"{f['verdict'].upper()} {f['id']}: {f['message']}"
                             + (f"\n{f['reproduce']}" if f.get("reproduce") else "") for f in row["findings"])
        latency = row.get("latency_ms")
        case = junit_xml.Case(f"{report['vendor']}.{row['surface'] or row['kind']}", row["model"],
                              time_s=latency / 1000 if isinstance(latency, int | float) else 0.0,
                              properties=(("available", availability(row)), ("billing", billing(row))))
        worst = found["fail"] or found["error"]
        if worst:
            case = replace(case, outcome="failure" if found["fail"] else "error", kind=worst[0]["id"],
                           message="; ".join(f"{f['id']}: {f['message']}" for f in worst), text=evidence)
        elif row["outcome"] in ("not-probed", "not-served", "left-out"):
            why = report["left_out"]["reason"] if row["outcome"] == "left-out" else None
            case = replace(case, outcome="skipped", message=availability(row) + (f": {why}" if why else ""))
        elif found["warn"]:
            case = replace(case, out=evidence)
        cases.append(case)
    summary = report["summary"]
    suite = junit_xml.Suite(
        f"llmconform.sweep.{report['vendor']}", report["started_at"][:19], str(report["duration_s"]),
        [("vendor", report["vendor"]), ("mode", "sweep"), ("base_url", report["base_url"]),
         ("recording", str(report.get("recording", "live"))),
         ("interrupted", "true" if report.get("interrupted") else "false"),
         *((f"summary.{k}", str(summary[k])) for k in ("models", "available", "unavailable", "not_probed",
                                                      "left_out")),
         *((f"findings.{k}", str(v)) for k, v in summary["verdicts"].items())],
        cases)
    return junit_xml.document([suite], str(report["duration_s"]))
