"""Self-contained HTML a person reads at a glance: no external assets, readable printed.

First screen: the run(s), the verdict counts and the score per surface, then every FAIL, ERROR and
WARN with its evidence (expected, received, status, content type, body excerpt, the curl line with
a copy button). Below: every check, with a "hide skip" toggle and filters by verdict and surface;
at the end, the rule each check holds (every check id links to it).

Two pages are made of the same parts: `render` (one vendor's report, or a combined one of a
multi-vendor run, which adds the vendor x check matrix whose cells link to the rows below) and
`matrix_page` (`llmconform compare`: columns are runs, each linked to its own report, and every
cell to that check's row there).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from typing import Any

from llmconform.result import FINDINGS, SEVERITY, Report, Row, Score, readable
from llmconform.verdict import LABELS, VERDICTS

STYLE = """
:root{--pass:#d7f5d7;--fail:#f8c9c9;--warn:#fbeaba;--skip:#eee;--error:#e3d3f5;--ink:#1d1d1f;--muted:#5f6368}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;padding:16px 24px;max-width:1400px;
 color:var(--ink);-webkit-print-color-adjust:exact;print-color-adjust:exact}
h1{font-size:20px;margin:0 0 2px}h2{font-size:17px;margin:22px 0 8px;border-bottom:1px solid #ddd;padding-bottom:3px}
h3{font-size:14px;margin:0 0 4px}p{margin:4px 0}.muted{color:var(--muted)}a{color:#1a57b8}
table{border-collapse:collapse;margin:6px 0}
th,td{border:1px solid #d0d0d0;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3;font-weight:600}
td.n{text-align:right;font-variant-numeric:tabular-nums}
table.overview{font-size:13px;line-height:1.25}
td.scores{padding:1px 2px}td.scores div{display:flex;justify-content:space-between;gap:8px;padding:1px 6px}
td.scores span+span{white-space:nowrap}
.pass{background:var(--pass)}.fail{background:var(--fail)}.warn{background:var(--warn)}
.skip{background:var(--skip);color:#777}.error{background:var(--error)}.zero{background:none;color:#999}
.badge{display:inline-block;min-width:44px;text-align:center;font-weight:700;font-size:12px;padding:0 5px;
 border-radius:3px;border:1px solid rgba(0,0,0,.15)}
td.v{text-align:center;font-weight:600;white-space:nowrap;padding:0}
td.v a{display:block;padding:3px 8px;color:inherit;text-decoration:none}
td.v a:hover{outline:2px solid #1a57b8}
table.checks td.v{padding:3px 8px}
.good{background:#d7f5d7}.mid{background:#fbeaba}.bad{background:#f8c9c9}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{white-space:pre-wrap;word-break:break-all;background:#f6f6f6;border:1px solid #e3e3e3;padding:6px 8px;margin:4px 0;
 max-height:16em;overflow:auto}
.finding{border:1px solid #ccc;border-left:6px solid #999;padding:8px 12px;margin:8px 0;break-inside:avoid}
.finding.f-fail{border-left-color:#d93025}.finding.f-warn{border-left-color:#e0a800}
.finding.f-error{border-left-color:#8e44ad}
pre.body{max-height:8.5em}
details.body summary{cursor:pointer}
.finding dl{display:grid;grid-template-columns:max-content 1fr;gap:1px 12px;margin:6px 0}
.finding dt{color:var(--muted)}.finding dd{margin:0;word-break:break-word}
.repro{position:relative}.repro pre{padding-right:64px}.repro button{position:absolute;top:4px;right:4px}
button.copy{font-size:11px;padding:1px 8px;cursor:pointer}
.controls{display:flex;gap:16px;align-items:center;flex-wrap:wrap;margin:6px 0;padding:6px 8px;background:#fafafa;
 border:1px solid #e3e3e3}
tr:target,tr.linked{outline:3px solid #1a57b8}
.finding:target{outline:3px solid #1a57b8}
td.msg{max-width:760px;word-break:break-word}
td.source{max-width:360px;word-break:break-word;color:#555;font-size:.85em}
td.level{white-space:nowrap}
dl.rules dt{font-weight:600;margin-top:6px}dl.rules dd{margin:0 0 0 16px}
dl.rules dt:target{background:#fff3b0}
@media print{
 body{max-width:none;padding:0;font-size:11px}.controls,button.copy{display:none}
 pre{max-height:none;overflow:visible}a{color:inherit;text-decoration:none}h2{break-after:avoid}
 tr{break-inside:avoid}
}
"""

SCRIPT = """
(function(){
  var hide=document.getElementById('hide-skip'), fv=document.getElementById('filter-verdict'),
      fs=document.getElementById('filter-surface'), counter=document.getElementById('shown');
  function linked(){ try { return decodeURIComponent(location.hash.slice(1)); } catch(e) { return ''; } }
  function apply(){
    if(!hide) return;
    var v=fv.value, s=fs.value, h=hide.checked, target=linked(), shown=0, total=0;
    document.querySelectorAll('tr.check').forEach(function(tr){
      var vs=tr.dataset.verdicts.split(' ');
      var ok=(v===''||vs.indexOf(v)>=0)&&(s===''||tr.dataset.surface===s);
      if(h&&vs.every(function(x){return x==='skip'||x==='none';})) ok=false;
      if(tr.id&&tr.id===target) ok=true;  // the row a link points at always shows
      tr.hidden=!ok; total++; if(ok) shown++;
    });
    if(counter) counter.textContent='showing '+shown+' of '+total+' rows';
  }
  function reveal(){
    var target=linked(); if(!target) return;
    var el=document.getElementById(target); if(!el) return;
    apply(); el.hidden=false;
    document.querySelectorAll('.linked').forEach(function(x){x.classList.remove('linked');});
    el.classList.add('linked'); el.scrollIntoView({block:'center'});
  }
  if(hide){
    hide.addEventListener('change',apply); fs.addEventListener('change',apply);
    fv.addEventListener('change',function(){ if(fv.value==='skip') hide.checked=false; apply(); });
  }
  window.addEventListener('hashchange',reveal);
  // Printed, every body excerpt shows.
  window.addEventListener('beforeprint',function(){
    document.querySelectorAll('details').forEach(function(d){d.open=true;}); });
  // After the browser's own jump to the fragment (done before the linked row was shown).
  window.addEventListener('load',function(){ setTimeout(reveal,0); });
  apply(); reveal();
  document.querySelectorAll('button.copy').forEach(function(b){
    b.addEventListener('click',function(){
      var text=document.getElementById(b.dataset.copy).textContent;
      function done(){ b.textContent='copied'; setTimeout(function(){b.textContent='copy';},1500); }
      function fallback(){
        var t=document.createElement('textarea'); t.value=text; document.body.appendChild(t); t.select();
        try { document.execCommand('copy'); done(); } catch(e) { b.textContent='select and copy'; }
        t.remove();
      }
      if(navigator.clipboard&&window.isSecureContext){ navigator.clipboard.writeText(text).then(done,fallback); }
      else { fallback(); }
    });
  });
})();
"""

LEGEND = ("<b>FAIL</b> breaks the API the provider claims · <b>WARN</b> a departure many clients tolerate, or a "
          "backend fingerprint · <b>ERROR</b> the suite could not decide · skip: not applicable, not declared, "
          "or not documented · – the surface is not claimed. Scores: passed over decided (pass + fail + warn).")


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "-", text)


def row_anchor(vendor: str, check: str) -> str:
    """The id of a check's row in a vendor's report (the matrix links to it)."""
    return f"check:{slug(vendor)}:{check}"


def finding_anchor(vendor: str, check: str) -> str:
    return f"finding:{slug(vendor)}:{check}"


def rule_anchor(check: str) -> str:
    return f"rule:{check}"


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def head(title: str, style: str = "") -> str:
    """The page's start, every report's (run, sweep, compare): the shared STYLE and a page's own."""
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{_e(title)}</title>"
            f"<style>{STYLE}{style}</style></head><body>")


def tail(script: str = SCRIPT) -> str:
    return f"<script>{script}</script></body></html>\n"


# A table any page makes sortable with class='sortable' (the sweep's rows, its model x vendor
# matrix): click a header to sort by it (numbers as numbers, a dash last), again to reverse. A
# two-row header (a vendor's group over its columns) maps each second-row cell to its column.
SORTABLE_STYLE = """
table.sortable th{cursor:pointer;user-select:none} th.sorted-asc::after{content:" ▲"}
th.sorted-desc::after{content:" ▼"}
"""
SORTABLE_SCRIPT = """
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
"""


def _score_class(score: Score) -> str:
    percent = score.percent
    if percent is None:
        return ""
    return "good" if percent >= 90 else "mid" if percent >= 60 else "bad"


def _check_link(row_id: str, rules: dict[str, str]) -> str:
    rule = rules.get(row_id)
    if rule:
        return (f"<a class='rule' href='#{_e(rule_anchor(row_id))}' title='{_e(_cut(rule, 400))}'>"
                f"<code>{_e(row_id)}</code></a>")
    return f"<code>{_e(row_id)}</code>"


def _rules(reports: list[Report]) -> dict[str, str]:
    rules: dict[str, str] = {}
    for report in reports:
        for row in report.results:
            if row.rule:
                # The rules section and the check's tooltip say how binding the rule is and its source.
                binding = f" — {row.level.upper()}; source: {row.source}" if row.level else ""
                rules.setdefault(row.id, row.rule + binding)
    return rules


# -- the parts --------------------------------------------------------------------------------

def strip(report: Report) -> str:
    """One run on one line: verdict counts, score per surface, what it cost (a vendor's own page)."""
    surfaces = report.declared_surfaces()
    heads = ("".join(f"<th>{LABELS[v].word}</th>" for v in ("fail", "warn", "error", "pass", "skip"))
             + "".join(f"<th>{_e(s)}</th>" for s in surfaces) + "<th>requests · output tokens</th>"
             + ("<th>TTFT p50 · p90</th>" if report.metrics.ttft_p50_ms is not None else ""))
    cells = "".join(f"<td class='n {v if report.summary[v] else 'zero'}' data-verdict='{v}'>{report.summary[v]}</td>"
                    for v in ("fail", "warn", "error", "pass", "skip"))
    cells += "".join(f"<td class='n {_score_class(report.score(s))}'>{_e(report.score(s))}</td>" for s in surfaces)
    cells += f"<td class='n'>{report.metrics.requests} · {report.metrics.output_tokens}</td>"
    if report.metrics.ttft_p50_ms is not None:
        cells += (f"<td class='n' title='{_e(report.metrics.timing or '')}'>{_e(report.metrics.ttft_p50_ms)} · "
                  f"{_e(report.metrics.ttft_p90_ms)} ms</td>")
    return f"<table class='overview strip'><tr>{heads}</tr><tr class='count'>{cells}</tr></table>"


def overview(reports: list[Report], hrefs: list[str | None]) -> str:
    """Columns are runs (vendor, mode, date): verdict counts, score per surface, what it cost."""
    heads = []
    for report, href in zip(reports, hrefs, strict=True):
        name = f"<a href='{_e(href)}'>{_e(report.vendor)}</a>" if href else _e(report.vendor)
        heads.append(f"<th class='run'>{name}<br><span class='muted'>{_e(report.mode)} · "
                     f"{_e(report.when)}</span></th>")
    out = ["<table class='overview'><tr><th></th>" + "".join(heads) + "</tr>"]
    for verdict in ("fail", "warn", "error", "pass", "skip"):
        counts = "".join(f"<td class='n {verdict if r.summary[verdict] else 'zero'}' data-verdict='{verdict}'>"
                         f"{r.summary[verdict]}</td>" for r in reports)
        out.append(f"<tr class='count'><th>{LABELS[verdict].word}</th>{counts}</tr>")
    # Each run's own surfaces in one cell, a line each: a row per surface of every run would leave
    # most cells empty ('–') and push the first FAIL off the first screen once runs claim other APIs.
    cells = []
    for report in reports:
        lines = "".join(f"<div class='{_score_class(report.score(s))}'><span>{_e(s)}</span> <span>"
                        f"{_e(report.score(s))}</span></div>" for s in sorted(report.declared_surfaces()))
        cells.append(f"<td class='scores'>{lines or '–'}</td>")
    out.append(f"<tr class='score'><th>score by surface</th>{''.join(cells)}</tr>")
    out.append("<tr><th>requests · output tokens</th>" + "".join(
        f"<td class='n'>{r.metrics.requests} · {r.metrics.output_tokens}</td>" for r in reports) + "</tr>")
    if any(r.metrics.ttft_p50_ms is not None for r in reports):
        out.append("<tr><th>TTFT p50 · p90</th>" + "".join(
            f"<td class='n'>{_e(r.metrics.ttft_p50_ms if r.metrics.ttft_p50_ms is not None else '–')} · "
            f"{_e(r.metrics.ttft_p90_ms if r.metrics.ttft_p90_ms is not None else '–')} ms</td>" for r in reports)
            + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def _dl(pairs: list[tuple[str, str]]) -> str:
    return "<dl>" + "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in pairs) + "</dl>"


def _repro(ident: str, text: str, lang: str) -> str:
    return (f"<div class='repro'><pre id='{_e(ident)}' class='{lang}'>{_e(text)}</pre>"
            f"<button class='copy' data-copy='{_e(ident)}' type='button'>copy</button></div>")


def finding(report: Report, row: Row, rules: dict[str, str]) -> str:
    anchor = finding_anchor(report.vendor, row.id)
    pairs: list[tuple[str, str]] = []
    if row.expected:
        pairs.append(("expected", _e(row.expected)))
    if row.expected or row.received:
        # Said even when nothing arrived where the rule looked: an absence is what was received.
        pairs.append(("received", f"<code>{_e(row.received)}</code>" if row.received else "(nothing)"))
    if row.level or row.source:
        # How binding the rule is (MUST: a break fails; SHOULD: it only warns) and where it comes from.
        pairs.append(("rule", f"{_e(row.level.upper() or '–')} · {_e(row.source)}"))
    culprit = row.culprit
    if culprit is not None:
        pairs += [("status", _e(culprit.status if culprit.status is not None else "no answer")),
                  ("content type", _e(culprit.content_type or "(none)")),
                  ("exchange", f"<code>{_e(culprit.probe)}</code> {_e(culprit.request)}")]
        if culprit.problem:
            pairs.append(("problem", _e(culprit.problem)))
    for key, value in row.details.items():
        pairs.append((key.replace("_", " "), f"<code>{_e(_cut(readable(value), 600))}</code>"))
    out = [f"<article class='finding f-{row.verdict}' id='{_e(anchor)}'>",
           f"<h3><span class='badge {row.verdict}'>{LABELS[row.verdict].word}</span> {_check_link(row.id, rules)} "
           f"<span class='muted'>· {_e(report.vendor)} · <a href='#{_e(row_anchor(report.vendor, row.id))}'>row</a>"
           f"</span></h3>", f"<p class='msg'>{_e(_cut(row.message, 1200))}</p>", _dl(pairs)]
    if culprit is not None and culprit.body_excerpt:
        # A FAIL or ERROR shows the body; a WARN keeps it one click away, so the list stays short.
        shown = "" if row.verdict == "warn" else " open"
        out.append(f"<details class='body'{shown}><summary class='muted'>body excerpt</summary>"
                   f"<pre class='body'>{_e(culprit.body_excerpt)}</pre></details>")
    if row.reproduce:
        out.append("<div class='muted'>reproduce (the key as ${VAR})</div>")
        out.append(_repro(f"curl:{slug(report.vendor)}:{row.id}", row.reproduce[:6000], "curl"))
    if row.python:
        out.append("<div class='muted'>with the SDK</div>")
        out.append(_repro(f"python:{slug(report.vendor)}:{row.id}", row.python, "python"))
    out.append("</article>")
    return "\n".join(out)


def findings(reports: list[Report], rules: dict[str, str]) -> str:
    out = ["<section id='findings'><h2>FAIL, ERROR and WARN, with evidence</h2>"]
    # Every FAIL of every run first, then the ERRORs, then the WARNs: the worst is on the first screen.
    found = sorted(((SEVERITY[row.verdict], index, row.id, report, row) for index, report in enumerate(reports)
                    for row in report.findings()), key=lambda entry: entry[:3])
    out += [finding(report, row, rules) for *_, report, row in found]
    if not found:
        out.append("<p>No FAIL, ERROR or WARN.</p>")
    out.append("</section>")
    return "\n".join(out)


def controls(surfaces: list[str]) -> str:
    verdicts = "".join(f"<option value='{v}'>{LABELS[v].word}</option>" for v in VERDICTS)
    options = "".join(f"<option value='{_e(s)}'>{_e(s)}</option>" for s in surfaces)
    return ("<div class='controls'><label><input type='checkbox' id='hide-skip' checked> hide skip</label>"
            f"<label>verdict <select id='filter-verdict'><option value=''>all</option>{verdicts}</select></label>"
            f"<label>surface <select id='filter-surface'><option value=''>all</option>{options}</select></label>"
            "<span id='shown' class='muted'></span></div>")


def checks_table(report: Report, rules: dict[str, str]) -> str:
    """Every check of one run: a row each, its id the anchor the matrix links to."""
    out = [f"<table class='checks' data-vendor='{_e(report.vendor)}'><tr><th>check</th><th>verdict</th>"
           "<th>message</th><th>level</th><th>source</th></tr>"]
    findings_ids = {r.id for r in report.findings()}
    for row in sorted(report.results, key=lambda r: r.id):
        shown = "–" if row.undeclared else LABELS[row.verdict].word
        more = (f" <a href='#{_e(finding_anchor(report.vendor, row.id))}'>evidence</a>"
                if row.id in findings_ids else "")
        out.append(f"<tr class='check' id='{_e(row_anchor(report.vendor, row.id))}' data-verdicts='{row.verdict}' "
                   f"data-surface='{_e(row.surface)}'><td>{_check_link(row.id, rules)}</td>"
                   f"<td class='v {row.verdict}'>{shown}</td>"
                   f"<td class='msg'>{_e(_cut(row.message, 400))}{more}</td>"
                   f"<td class='level'>{_e(row.level.upper() or '–')}</td>"
                   f"<td class='source'>{_e(_cut(row.source, 300))}</td></tr>")
    out.append("</table>")
    return "\n".join(out)


def matrix_table(reports: list[Report], rules: dict[str, str], cell_href: Callable[[int, str], str],
                 only: Callable[[list[Row | None]], bool] | None = None, table_class: str = "check") -> str:
    """Checks x runs; each cell links to that run's row for the check."""
    heads = "".join(f"<th>{_e(r.vendor)}<br><span class='muted'>{_e(r.mode)} · "
                    f"{_e(r.when)}</span></th>" for r in reports)
    out = [f"<table class='matrix'><tr><th>check</th>{heads}</tr>"]
    by_run = [r.by_id() for r in reports]
    ids = sorted({ident for rows in by_run for ident in rows})
    if only is not None:  # the findings table: the worst first (a FAIL anywhere, then ERROR, then WARN)
        ids.sort(key=lambda ident: min(SEVERITY[rows[ident].verdict] for rows in by_run if ident in rows))
    for ident in ids:
        cells: list[Row | None] = [rows.get(ident) for rows in by_run]
        if only is not None and not only(cells):
            continue
        surface = next(c.surface for c in cells if c is not None)
        tds = []
        for index, row in enumerate(cells):
            if row is None:
                tds.append("<td class='v'></td>")
                continue
            shown = "–" if row.undeclared else LABELS[row.verdict].word
            tds.append(f"<td class='v {row.verdict}' title='{_e(_cut(row.message, 300))}'>"
                       f"<a href='{_e(cell_href(index, ident))}'>{shown}</a></td>")
        verdicts = " ".join(sorted({c.verdict if c is not None else "none" for c in cells}))
        out.append(f"<tr class='{table_class}' data-verdicts='{verdicts}' data-surface='{_e(surface)}'>"
                   f"<td>{_check_link(ident, rules)}</td>{''.join(tds)}</tr>")
    out.append("</table>")
    return "\n".join(out)


def rules_section(rules: dict[str, str]) -> str:
    if not rules:
        return ""
    items = "".join(f"<dt id='{_e(rule_anchor(ident))}'><code>{_e(ident)}</code></dt><dd>{_e(rule)}</dd>"
                    for ident, rule in sorted(rules.items()))
    return f"<section id='rules'><h2>Rules</h2><dl class='rules'>{items}</dl></section>"


def _baseline(report: Report) -> str:
    comparison = report.baseline
    if comparison is None:
        return ""
    items = [f"<li class='fail'>{label} <code>{_e(c.id)}</code>: {_e(c.was)} → {_e(c.now)}"
             + (f" — {_e(_cut(c.message, 300))}" if c.message else "") + "</li>"
             for label, changes in (("regressed", comparison.regressed), ("new failure", comparison.new_failures))
             for c in changes]
    items += [f"<li class='pass'>improved <code>{_e(c.id)}</code>: {_e(c.was)} → {_e(c.now)}</li>"
              for c in comparison.improved]
    return (f"<section class='baseline'><h2>{_e(report.vendor)} against the baseline</h2><p>{_e(comparison.path)} "
            f"({_e(comparison.vendor)}, {_e(comparison.mode)}, {_e(comparison.started_at)}): "
            f"{_e(comparison.counts())}.</p>"
            f"<ul>{''.join(items)}</ul></section>")


def _billing(report: Report) -> str:
    """The billing concern per surface: the rules' verdicts, the measurements, the exchanges."""
    entries = report.billing()
    if not entries:
        return ""
    out = [f"<section class='billing' id='billing:{_e(slug(report.vendor))}'><h3>Billing of {_e(report.vendor)}</h3>"
           "<p class='muted'>One prompt sent plain, streamed, again, at three sizes and to the counting endpoint: "
           "a broken accounting rule is a FAIL, a measured inflation above tolerance a WARN stating the number.</p>"]
    for entry in entries:
        rules = "".join(f"<tr><td><code>{_e(name)}</code></td><td class='{_e(verdict)}'>{_e(verdict.upper())}</td>"
                        f"<td>{_e(entry.messages.get(name, ''))}</td></tr>"
                        for name, verdict in sorted(entry.verdicts.items()))
        measured = "".join(f"<li>{_e(line)}</li>" for line in entry.lines())
        shown = "".join(f"<li><code>{_e(e.probe)}</code> {_e(e.request)} → {_e(e.status)}</li>"
                        for e in entry.exchanges)
        out.append(f"<h4>{_e(entry.surface)}</h4><table><tr><th>rule</th><th>verdict</th><th>message</th></tr>{rules}"
                   f"</table><ul>{measured}</ul><details><summary>exchanges</summary><ul>{shown}</ul></details>")
    out.append("</section>")
    return "".join(out)


def _clients(reports: list[Report]) -> str:
    """The coding agents' verdicts (issue 22), first on the page: one line each, its rules below."""
    verdicts = [(r, v) for r in reports for v in r.client_verdicts()]
    if not verdicts:
        return ""
    css = {"works": "pass", "breaks": "fail", "undecided": "error"}
    items = "".join(
        f"<li class='{css[v.verdict]}'><strong>{_e(v.line)}</strong>"
        + (f" <span class='muted'>({_e(r.vendor)})</span>" if len(reports) > 1 else "")
        + "<details><summary>rules</summary><ul>"
        + "".join(f"<li><code>{_e(check)}</code> {_e(found.upper())}</li>" for check, found in v.rules)
        + "</ul></details></li>" for r, v in verdicts)
    return f"<section id='clients' class='clients'><h2>Clients</h2><ul>{items}</ul></section>"


def _fingerprints(report: Report) -> str:
    lines = report.fingerprints.lines()
    if not lines:
        return ""
    items = "".join(f"<dt>{_e(what)}</dt><dd>{_e(text)}</dd>" for what, text in lines)
    return (f"<section class='fingerprints'><h3>Fingerprints of {_e(report.vendor)} (reported, not judged)</h3>"
            f"<dl class='rules'>{items}</dl></section>")


# -- pages ------------------------------------------------------------------------------------

def render(reports: list[Report], known: dict[Any, str] | None = None) -> str:
    """One vendor's report, or the combined report of a multi-vendor run. `known` keeps each run's
    table of checks for the next page that shows it with the same rules (the combined page after
    each vendor's own)."""
    rules = _rules(reports)
    known = {} if known is None else known

    def table(report: Report) -> str:
        key = (id(report), tuple(rules.get(row.id) for row in report.results))
        if key not in known:
            known[key] = checks_table(report, rules)
        return known[key]

    if len(reports) == 1:
        report = reports[0]
        title = f"llmconform — {report.vendor} ({report.mode})"
        subtitle = f"{report.base_url} · {report.started_at} · {report.duration_s} s · llmconform {report.version}"
    else:
        title = f"llmconform — {len(reports)} vendors"
        subtitle = ", ".join(f"{r.vendor} ({r.base_url})" for r in reports)
    hrefs: list[str | None] = [f"#run:{slug(r.vendor)}" for r in reports] if len(reports) > 1 else [None]
    surfaces = sorted({r.surface for report in reports for r in report.results})
    stopped = [r.vendor for r in reports if r.interrupted]
    banner = (f"<p class='fail'><strong>Interrupted</strong> (SIGINT/SIGTERM): the run of {_e(', '.join(stopped))} "
              "was stopped before every check ran; only the checks decided by then are reported.</p>"
              if stopped else "")
    out = [head(title), f"<header><h1>{_e(title)}</h1><p class='muted'>{_e(subtitle)}</p>{banner}</header>",
           _clients(reports), strip(reports[0]) if len(reports) == 1 else overview(reports, hrefs),
           f"<p class='muted legend'>{LEGEND}</p>", findings(reports, rules)]
    out += [_baseline(r) for r in reports]
    out.append("<section id='checks'><h2>Every check</h2>" + controls(surfaces))
    if len(reports) > 1:
        out.append(matrix_table(reports, rules, lambda i, ident: f"#{row_anchor(reports[i].vendor, ident)}"))
    for report in reports:
        if len(reports) > 1:
            out.append(f"<h2 id='run:{_e(slug(report.vendor))}'>{_e(report.label)}</h2>"
                       f"<p class='muted'>{_e(report.base_url)}</p>")
        out.append(table(report))
        out.append(_billing(report))
        out.append(_fingerprints(report))
    out.append("</section>")
    out.append(rules_section(rules))
    out.append(tail())
    return "\n".join(part for part in out if part)


def matrix_page(reports: list[Report], hrefs: list[str | None]) -> str:
    """`llmconform compare`: runs side by side, what fails first, every cell linked to its row."""
    rules = _rules(reports)
    title = "llmconform — vendor x check matrix"

    def cell_href(index: int, ident: str) -> str:
        return f"{hrefs[index] or ''}#{row_anchor(reports[index].vendor, ident)}"

    def failing(cells: list[Row | None]) -> bool:
        return any(c is not None and c.verdict in FINDINGS for c in cells)

    surfaces = sorted({r.surface for report in reports for r in report.results})
    out = [head(title), f"<header><h1>{_e(title)}</h1><p class='muted'>{len(reports)} runs; each column links to "
           "its report, each cell to that check's row in it.</p></header>",
           overview(reports, hrefs), f"<p class='muted legend'>{LEGEND}</p>",
           "<section id='failing'><h2>Checks with a FAIL, ERROR or WARN in any run</h2>",
           matrix_table(reports, rules, cell_href, only=failing, table_class="failing"), "</section>",
           "<section id='checks'><h2>Every check</h2>", controls(surfaces),
           matrix_table(reports, rules, cell_href), "</section>", rules_section(rules), tail()]
    return "\n".join(part for part in out if part)
