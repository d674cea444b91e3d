"""The JSON report (the machine-readable verdict) and the formats rendered from it."""

from __future__ import annotations

import json
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmconform import __version__
from llmconform.report.fingerprint import fingerprints

if TYPE_CHECKING:
    from llmconform.exchange import Exchange
    from llmconform.plugin import Row
    from llmconform.target import Target

VERDICT_ORDER = ("pass", "fail", "warn", "skip", "error")


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1], 1)


def _surface(name: str) -> Any:
    # Imported late: surface modules use the shared checks, which use this package's fingerprints.
    from llmconform.surfaces import SURFACE_MODULES

    return SURFACE_MODULES.get(name)


def _usage(exchange: Exchange) -> tuple[int | None, int | None]:
    surface = _surface(exchange.request.surface)
    if surface is None or exchange.status is None or not 200 <= exchange.status < 300:
        return None, None
    if exchange.events is not None:
        found: tuple[int | None, int | None] = (None, None)
        for event in exchange.events:
            counts = surface.usage_counts(event.json())
            found = (counts[0] if counts[0] is not None else found[0],
                     counts[1] if counts[1] is not None else found[1])
        return found
    try:
        return surface.usage_counts(json.loads(exchange.body))
    except (ValueError, UnicodeDecodeError):
        return None, None


def first_token_ms(exchange: Exchange) -> float | None:
    """When the first event that carries visible text arrived."""
    surface = _surface(exchange.request.surface)
    if surface is None or not exchange.events:
        return None
    for event in exchange.events:
        if surface.event_text(event.json()):
            return event.t_ms
    return None


def metrics(target: Target) -> dict[str, Any]:
    inputs = outputs = 0
    ttfts: list[float] = []
    rates: list[float] = []
    for exchange in target.exchanges:
        tokens_in, tokens_out = _usage(exchange)
        inputs += tokens_in if isinstance(tokens_in, int) else 0
        outputs += tokens_out if isinstance(tokens_out, int) else 0
        # Only exchanges sent alone are timed: the others may have queued behind the suite's own.
        ttft = first_token_ms(exchange) if target.mode != "replay" and exchange.alone else None
        if ttft is not None:
            ttfts.append(ttft)
            total = exchange.timings.total_ms or 0
            if isinstance(tokens_out, int) and tokens_out > 1 and total > ttft:
                rates.append((tokens_out - 1) / ((total - ttft) / 1000))
    sent = target.client.budget.requests if target.mode != "replay" else len(target.exchanges)
    exchange_ms = [e.timings.total_ms for e in target.exchanges if e.timings.total_ms]
    return {
        "requests": sent,
        "exchanges": len(target.exchanges),
        "input_tokens": inputs,
        "output_tokens": outputs,
        "ttft_ms": {"p50": _percentile(ttfts, 50), "p90": _percentile(ttfts, 90)},
        "output_tokens_per_s": {"p50": _percentile(rates, 50)},
        "timing": (f"{len(ttfts)} stream probe(s) sent one at a time, before and apart from the concurrent "
                   "probes; TTFT is the first event carrying text, tokens/s the usage's output tokens after it"),
        "exchange_time_ms_sum": round(sum(exchange_ms), 1),
    }


def root_causes(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The report's `root_causes`: the distinct problems of a run, each with the checks it took down.

    Every FAIL is one problem, `{"check", "verdict": "fail", "problem", "took_down": [ids]}`;
    `took_down` lists the checks left undecided (error) because they needed what that failure did
    not deliver (their evidence names it under `see`). Undecided checks with no failing owner are
    grouped by what left them so (a spent budget, a rate limit): `{"check": null, "verdict":
    "error", "problem", "took_down"}`. Most checks taken down first.
    """
    by_id = {r["id"]: r for r in results}
    causes: dict[str, dict[str, Any]] = {}
    for row in results:
        if row["verdict"] == "fail":
            causes[row["id"]] = {"check": row["id"], "verdict": "fail",
                                 "problem": row.get("evidence", {}).get("root_cause") or row["message"],
                                 "took_down": []}
    for row in results:
        if row["verdict"] != "error":
            continue
        see = (row.get("evidence") or {}).get("see")
        if see:
            owner = by_id.get(see)
            entry = causes.setdefault(see, {"check": see, "verdict": owner["verdict"] if owner else None,
                                            "problem": (row.get("evidence") or {}).get("root_cause")
                                            or row["message"], "took_down": []})
        else:
            reason = row["message"].split(":", 1)[0]
            entry = causes.setdefault(f"error:{reason}", {"check": None, "verdict": "error", "problem": reason,
                                                          "took_down": []})
        entry["took_down"].append(row["id"])
    return sorted(causes.values(), key=lambda c: (-len(c["took_down"]), c["check"] or ""))


def build_report(target: Target, rows: list[Row], *, started: float) -> dict[str, Any]:
    results = [{"id": r.id, "surface": r.surface, "verdict": r.verdict, "message": r.message,
                "evidence": r.evidence, "reproduce": r.reproduce} for r in sorted(rows, key=lambda r: r.id)]
    summary = {v: sum(r["verdict"] == v for r in results) for v in VERDICT_ORDER}
    report = {
        "tool": "llmconform",
        "version": __version__,
        "vendor": target.name,
        "base_url": target.profile.base_url,
        "mode": target.mode,
        "started_at": datetime.fromtimestamp(started, UTC).isoformat(timespec="seconds"),
        "duration_s": round(time.time() - started, 2),
        "results": results,
        "summary": summary,
        "root_causes": root_causes(results),
        "metrics": metrics(target),
        "fingerprints": fingerprints(target.exchanges),
    }
    return target.redactor.data(report)


def load_report(path: str | Path) -> dict[str, Any]:
    with Path(path).open(encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, dict) or data.get("tool") != "llmconform" or "results" not in data:
        raise ValueError(f"{path} is not an llmconform JSON report")
    return data


def compare_baseline(report: dict[str, Any], baseline_path: str | Path) -> tuple[list[str], list[str]]:
    """(regressed, improved): checks that passed before and fail now, and the other way round."""
    before = {r["id"]: r["verdict"] for r in load_report(baseline_path)["results"]}
    regressed, improved = [], []
    for row in report["results"]:
        was = before.get(row["id"])
        if was == "pass" and row["verdict"] == "fail":
            regressed.append(f"{row['id']}: pass -> fail ({row['message'][:120]})")
        elif was == "fail" and row["verdict"] == "pass":
            improved.append(f"{row['id']}: fail -> pass")
    report["baseline"] = {"path": str(baseline_path), "regressed": regressed, "improved": improved}
    return regressed, improved


def write_reports(reports: list[dict[str, Any]], *, json_path: str | None = None, md_path: str | None = None,
                  html_path: str | None = None, junit_path: str | None = None,
                  directory: str | None = None) -> None:
    from llmconform.report import html, junit, markdown

    outputs: list[tuple[dict[str, Any], str, str]] = []
    for report in reports:
        if directory:
            base = Path(directory) / report["vendor"]
            outputs += [(report, "json", f"{base}.json"), (report, "md", f"{base}.md"),
                        (report, "html", f"{base}.html"), (report, "xml", f"{base}.xml")]
    if reports:
        first = reports[0]
        for kind, path in (("json", json_path), ("md", md_path), ("html", html_path), ("xml", junit_path)):
            if path and path != "-":  # "-": the CLI writes the JSON to stdout
                outputs.append((first, kind, path))
    render = {"json": lambda r: json.dumps(r, indent=2, ensure_ascii=False) + "\n", "md": markdown.render,
              "html": html.render, "xml": junit.render}
    for report, kind, path in outputs:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render[kind](report), encoding="utf-8")
