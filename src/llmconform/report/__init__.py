"""The JSON report (the machine-readable verdict) and the formats rendered from it."""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmconform.fingerprint import fingerprints
from llmconform.result import Combined, Fingerprints, Metrics, Report, Row, dumps
from llmconform.settings import Mode
from llmconform.surfaces import SURFACE_MODULES

if TYPE_CHECKING:
    from llmconform.exchange import Exchange
    from llmconform.target import Target


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile, to a tenth (a run's and a sweep's metrics alike); None of nothing."""
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1], 1)


def _surface(name: str) -> Any:
    # Imported late: surface modules use the shared checks, which use this package's fingerprints.

    return SURFACE_MODULES.get(name)


def _usage(exchange: Exchange) -> tuple[int | None, int | None]:
    surface = _surface(exchange.request.surface)
    if surface is None or exchange.status is None or not 200 <= exchange.status < 300:
        return None, None
    return surface.usage.last(exchange.payloads())


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
        ttft = first_token_ms(exchange) if target.mode != Mode.REPLAY and exchange.alone else None
        if ttft is not None:
            ttfts.append(ttft)
            total = exchange.timings.total_ms or 0
            if isinstance(tokens_out, int) and tokens_out > 1 and total > ttft:
                rates.append((tokens_out - 1) / ((total - ttft) / 1000))
    sent = target.client.budget.requests if target.mode != Mode.REPLAY else len(target.exchanges)
    exchange_ms = [e.timings.total_ms for e in target.exchanges if e.timings.total_ms]
    return {
        "requests": sent,
        "exchanges": len(target.exchanges),
        "input_tokens": inputs,
        "output_tokens": outputs,
        "ttft_ms": {"p50": percentile(ttfts, 50), "p90": percentile(ttfts, 90)},
        "output_tokens_per_s": {"p50": percentile(rates, 50)},
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


def build_report(target: Target, rows: Sequence[Any], *, started: float,
                 rules: dict[str, tuple[str, str, str]] | None = None) -> Report:
    """The run's report for one target, redacted: the rows (with the rule each check holds, its
    level and its source: `rules` maps a check id to (text, level, source)), the metrics and the
    fingerprints."""
    rules = rules or {}
    results = []
    for r in sorted(rows, key=lambda r: r.id):
        text, level, source = rules.get(r.id, ("", "", ""))
        results.append(Row(r.id, r.surface, r.verdict, r.message, r.evidence, r.reproduce, r.rule or text,
                           r.level or level, r.source or source, r.duration_s))
    report = Report(
        vendor=target.name,
        base_url=target.profile.base_url,
        mode=target.mode,
        started_at=datetime.fromtimestamp(started, UTC).isoformat(timespec="seconds"),
        duration_s=round(time.time() - started, 2),
        results=results,
        metrics=Metrics.from_json(metrics(target)),
        fingerprints=Fingerprints.from_json(fingerprints(target.exchanges)),
        run_id=uuid.uuid4().hex[:16],
        clients=list(target.profile.clients),
    )
    report.root_causes = root_causes([r.to_json() for r in results])
    # Every text that leaves the process passes the redactor, the fingerprints' headers included.
    return Report.from_json(target.redactor.data(report.to_json()))


COMBINED = "combined"  # --report-dir's name for the report of every vendor of a multi-vendor run


def document(reports: list[Report]) -> Report | Combined:
    """What a named JSON file holds: the one vendor's report, or the combined report of several."""
    if len(reports) == 1:
        return reports[0]
    return Combined(reports, started_at=min(r.started_at for r in reports),
                    duration_s=max(r.duration_s for r in reports))


def write_reports(reports: list[Report], *, json_path: str | None = None, md_path: str | None = None,
                  html_path: str | None = None, junit_path: str | None = None,
                  directory: str | None = None) -> list[str]:
    """Write the reports; returns the paths written.

    One vendor: each named file holds its report. Several: each named file holds every vendor (the
    combined report; the JUnit file a testsuite per vendor), and `directory` gets one set of files
    per vendor and the combined set as `combined.*`.
    """
    from llmconform.report import html, junit, markdown

    if not reports:
        return []

    # Each vendor's JSON, testsuite and table of checks, written once for its file and the combined one.
    texts: dict[int, str] = {}
    suites: dict[int, tuple[str, dict[str, int]]] = {}
    tables: dict[Any, str] = {}

    def render(kind: str, group: list[Report]) -> str:
        if kind == "json":
            return dumps(document(group), texts)
        if kind == "md":
            return markdown.render(group)
        if kind == "html":
            return html.render(group, tables)
        return junit.render(group, suites)

    outputs: list[tuple[str, list[Report], str]] = []
    if directory:
        for report in reports:
            base = Path(directory) / report.vendor
            outputs += [(kind, [report], f"{base}.{kind}") for kind in ("json", "md", "html", "xml")]
        if len(reports) > 1:
            base = Path(directory) / COMBINED
            outputs += [(kind, reports, f"{base}.{kind}") for kind in ("json", "md", "html", "xml")]
    for kind, path in (("json", json_path), ("md", md_path), ("html", html_path), ("xml", junit_path)):
        if path and path != "-":  # "-": the CLI writes the JSON to stdout
            outputs.append((kind, reports, path))
    written = []
    for kind, group, path in outputs:
        file = Path(path)
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(render(kind, group), encoding="utf-8")
        written.append(str(file))
    return written
