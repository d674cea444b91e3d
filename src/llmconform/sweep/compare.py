"""`llmconform compare` of sweep reports: the shards of one vendor merged into one report, then one
model x vendor matrix (available, echo, TTFT, findings) — which vendors serve a model, and which
serves it fastest. The HTML sorts by any column."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from llmconform.report import html as html_page
from llmconform.report import markdown as md
from llmconform.report import percentile
from llmconform.sweep import findings as fnd
from llmconform.sweep import render
from llmconform.sweep import report as reporting
from llmconform.sweep.billing import FLAGGED, REPORTED


def claims(paths: list[str]) -> bool:
    """True when every report is a sweep report; ValueError when sweep and run reports are mixed."""
    kinds = set()
    for path in paths:
        try:
            with Path(path).open(encoding="utf-8") as handle:
                kinds.add(reporting.is_sweep(json.load(handle)))
        except (OSError, ValueError):
            kinds.add(False)  # the run report loader says what is wrong with it
    if kinds == {True, False}:
        raise ValueError("compare takes run reports or sweep reports, not both at once")
    return kinds == {True}


# -- merging shards ---------------------------------------------------------------------------------

def merge(reports: list[dict[str, Any]], names: list[str] | None = None) -> list[dict[str, Any]]:
    """One report per vendor (and base URL): the shards' rows joined, their costs added, the
    cross-model findings (duplicates, hidden prompts) recomputed over every row."""
    groups: dict[tuple[str, str], list[tuple[str, dict[str, Any]]]] = {}
    for index, report in enumerate(reports):
        name = names[index] if names else f"report {index + 1}"
        groups.setdefault((report["vendor"], report["base_url"]), []).append((name, report))
    merged = []
    for members in groups.values():
        if len(members) == 1:
            merged.append(members[0][1])
            continue
        merged.append(_merge_group(members))
    return merged


def _merge_group(members: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    first = members[0][1]
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for _, report in members:
        for row in report["models"]:
            rows.setdefault((row["model"], row["surface"] or ""), json.loads(json.dumps(row)))
    joined = list(rows.values())
    fnd.apply_cross_model(joined)
    shards = sorted({(r["shard"]["index"], r["shard"]["count"]) for _, r in members if r.get("shard")})
    counts = {c for _, c in shards}
    missing = sorted({i for c in counts for i in range(1, c + 1)} - {i for i, _ in shards})
    metrics = {key: sum(r["metrics"].get(key, 0) for _, r in members)
               for key in ("requests", "input_tokens", "output_tokens")}
    ttfts = [r["ttft_ms"] for r in joined if isinstance(r["ttft_ms"], int | float)]
    rates = [r["output_tokens_per_s"] for r in joined if isinstance(r["output_tokens_per_s"], int | float)]
    left = [r["model"] for r in joined if r["outcome"] == "left-out"]
    return {
        **first,
        "duration_s": max(r["duration_s"] for _, r in members),
        "shard": None,
        "interrupted": any(r.get("interrupted") is True for _, r in members),  # one shard cut short: said
        "source": {**first["source"], "listed": max((r["source"]["listed"] or 0 for _, r in members), default=0)
                   if any(r["source"]["listed"] is not None for _, r in members) else None},
        "left_out": {"count": len(left), "models": left[:50],
                     "reason": "the shards' budgets were spent" if left else None},
        "models": sorted(joined, key=lambda r: (r["model"], r["surface"] or "")),
        "summary": reporting.summarise(joined),
        "metrics": {**first["metrics"], **metrics,
                    "wall_s": max(r["metrics"]["wall_s"] for _, r in members),
                    "ttft_ms": {"p50": percentile(ttfts, 50), "p90": percentile(ttfts, 90)},
                    "output_tokens_per_s": {"p50": percentile(rates, 50)}},
        "provider": {"stack": reporting.provider_stack(joined)},
        "merged_from": [name for name, _ in members]
        + ([f"missing shard(s) {', '.join(map(str, missing))} of {max(counts)}"] if missing else []),
    }


# -- the matrix -------------------------------------------------------------------------------------

def _label(report: dict[str, Any]) -> str:
    return report["vendor"]


def matrix(reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per (model, kind): each vendor's cell, how many serve it, the fastest."""
    vendors = [_label(r) for r in reports]
    cells: dict[str, dict[str, dict[str, Any]]] = {}
    kinds: dict[str, str] = {}
    for vendor, report in zip(vendors, reports, strict=True):
        for row in report["models"]:
            cell = cells.setdefault(row["model"], {}).get(vendor)
            kinds.setdefault(row["model"], row["kind"])
            # A model probed on several surfaces: its best row (available first, then fastest).
            if cell is None or (row["available"] and not cell["available"]) or (
                    row["available"] and cell["available"] and (row["ttft_ms"] or 1e12) < (cell["ttft_ms"] or 1e12)):
                cells[row["model"]][vendor] = row
    out = []
    for model in sorted(cells):
        per = cells[model]
        serving = [v for v in vendors if v in per and per[v]["available"]]
        timed = [(per[v]["ttft_ms"], v) for v in serving if isinstance(per[v]["ttft_ms"], int | float)]
        out.append({"model": model, "kind": kinds[model], "cells": per, "served_by": len(serving),
                    "fastest": min(timed)[1] if timed else None})
    return out


def _short(row: dict[str, Any] | None) -> tuple[str, str, str, str]:
    if row is None:
        return "", "", "", ""
    avail = {True: "yes", False: "no", None: "np" if row["outcome"] in ("not-probed", "not-served")
             else "left"}[row["available"]]
    if row["available"] is False and row.get("refusal"):
        avail = f"no ({row['refusal']['kind']})"
    return avail, row["echo"] or "-", render.number(row["ttft_ms"]), str(len(row["findings"]))


def _billed(row: dict[str, Any] | None) -> str:
    """A vendor's billing of the model, for the matrix: `usage ok`, or the flag (MISSING, ZERO,
    INCONSISTENT usage) that its report's billing column raised; empty when not measured."""
    cell = (row or {}).get("billing")
    if not cell or cell["usage"] not in (REPORTED, *FLAGGED):
        return ""
    return "usage ok" if cell["usage"] == REPORTED else f"{cell['usage'].upper()} usage"


def text(reports: list[dict[str, Any]]) -> str:
    vendors = [_label(r) for r in reports]
    entries = matrix(reports)
    header = ["model", *[f"{v}: avail/echo/ttft/findings" for v in vendors], "served", "fastest"]
    lines = []
    for entry in entries:
        parts = [entry["model"]]
        for vendor in vendors:
            avail, echo, ttft, count = _short(entry["cells"].get(vendor))
            billed = _billed(entry["cells"].get(vendor))
            flagged = f" {billed}" if billed and billed != "usage ok" else ""
            parts.append(f"{avail} {echo} {ttft} {count}{flagged}".strip() if avail else "")
        parts += [str(entry["served_by"]), entry["fastest"] or "-"]
        lines.append(parts)
    widths = [max(len(h), *(len(p[i]) for p in lines)) if lines else len(h) for i, h in enumerate(header)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    out += ["  ".join(p.ljust(w) for p, w in zip(parts, widths, strict=True)).rstrip() for parts in lines]
    out.append("")
    for report in reports:
        s = report["summary"]
        merged = f" (merged: {', '.join(report['merged_from'])})" if report.get("merged_from") else ""
        verdicts = s["verdicts"]
        out.append(f"{_label(report)}: {s['available']}/{s['probed']} probed available, findings "
                   f"{verdicts['fail']} fail / {verdicts['warn']} warn / {verdicts['error']} error{merged}")
    return "\n".join(out) + "\n"


def markdown(reports: list[dict[str, Any]]) -> str:
    vendors = [_label(r) for r in reports]
    rows = []
    for entry in matrix(reports):
        cells = []
        for vendor in vendors:
            avail, echo, ttft, count = _short(entry["cells"].get(vendor))
            billed = _billed(entry["cells"].get(vendor)) or "-"
            cells.append(f"{avail} · {echo} · {ttft} · {count} · {billed}" if avail else "")
        rows.append([entry["model"], entry["kind"], *cells, str(entry["served_by"]), entry["fastest"] or "-"])
    out = ["# llmconform sweep — model x vendor matrix", "",
           "Each cell: available · echo · TTFT ms · findings · billing (the usage the probe's answer reported). "
           "TTFT is measured on a re-probe sent alone.", ""]
    out += md.table(["model", "kind", *vendors, "served by", "fastest"], rows, limit=None)
    return "\n".join(out) + "\n"


def html(reports: list[dict[str, Any]]) -> str:
    vendors = [_label(r) for r in reports]
    title = "llmconform sweep — model x vendor matrix"
    out = [html_page.head(title, render.STYLE) + f"<h1>{title}</h1>",
           "<p class='legend'>Click any column to sort (e.g. a vendor's TTFT: who serves a model fastest). Per "
           "vendor: available (with its billing on hover, and MISSING / ZERO / INCONSISTENT usage said), echo (same / "
           "snapshot / other), TTFT ms (a re-probe sent alone), findings.</p>"]
    for report in reports:
        out.append(f"<p>{escape(render.headline(report)[1])} — {escape(_label(report))}</p>")
    head = "<tr><th rowspan='2'>model</th><th rowspan='2'>kind</th>" + "".join(
        f"<th colspan='4'>{escape(v)}</th>" for v in vendors) + "<th rowspan='2'>served by</th>" \
        "<th rowspan='2'>fastest</th></tr><tr>" + "<th>avail</th><th>echo</th><th>TTFT</th><th>findings</th>" * len(
        vendors) + "</tr>"
    out.append(f"<table class='sortable'><thead>{head}</thead><tbody>")
    for entry in matrix(reports):
        row = [f"<td>{escape(entry['model'])}</td><td>{escape(entry['kind'])}</td>"]
        for vendor in vendors:
            cell = entry["cells"].get(vendor)
            avail, echo, ttft, count = _short(cell)
            css = "" if cell is None else ("np" if cell["available"] is None else "yes" if cell["available"] else "no")
            tip = escape(" ".join(f["id"] for f in cell["findings"]), quote=True) if cell else ""
            billed = _billed(cell)
            if billed and billed != "usage ok":  # said where the eye is, its detail on hover
                avail, css = f"{avail} · {billed}", "warn"
            said = (cell or {}).get("billing")
            billing_tip = escape(f"billing: {said['summary']}", quote=True) if said else ""
            row.append(f"<td class='{css}' title='{billing_tip}'>{escape(avail)}</td>"
                       f"<td class='{'warn' if echo == 'other' else ''}'>"
                       f"{escape(echo)}</td><td class='n'>{escape(ttft)}</td>"
                       f"<td class='n' title='{tip}'>{escape(count)}</td>")
        row.append(f"<td class='n'>{entry['served_by']}</td><td>{escape(entry['fastest'] or '-')}</td>")
        out.append("<tr>" + "".join(row) + "</tr>")
    out.append("</tbody></table>")
    out.append(html_page.tail(html_page.SORTABLE_SCRIPT))
    return "\n".join(out)


def load(paths: list[str]) -> list[dict[str, Any]]:
    """The sweep reports `llmconform compare` was given, one per vendor (shards merged); OSError
    or ValueError (with the file) when one cannot be used."""
    return merge([reporting.load(path) for path in paths], paths)
