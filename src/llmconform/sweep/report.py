"""The sweep's JSON report: built from the rows, validated against the shape the package ships
(`llmconform/schemas/sweep-report.schema.json`), and read back for `compare`."""

from __future__ import annotations

import functools
import json
from collections import Counter
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jsonschema import Draft202012Validator

from llmconform import __version__, interrupt
from llmconform.report import percentile
from llmconform.sweep.findings import FINDINGS, SIMILARITY_THRESHOLD
from llmconform.sweep.probes import observe
from llmconform.sweep.run import TIMING_METHOD

if TYPE_CHECKING:
    from llmconform.sweep.run import SweepRun
    from llmconform.sweep.sources import Listing

SCHEMA = "sweep-report.schema.json"
VERDICTS = ("fail", "warn", "error")


@functools.cache
def schema() -> dict[str, Any]:
    text = resources.files("llmconform").joinpath("schemas", SCHEMA).read_text(encoding="utf-8")
    return dict(json.loads(text))


def problems(report: Any, limit: int = 5) -> list[str]:
    """Where a report departs from the shape: `path: message`, most specific first."""
    validator = Draft202012Validator(schema())
    found = sorted(validator.iter_errors(report), key=lambda e: -len(e.absolute_path))
    return [f"{e.json_path}: {e.message[:160]}" for e in found[:limit]]


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    verdicts = Counter(f["verdict"] for r in rows for f in r["findings"])
    return {
        "models": len({r["model"] for r in rows}),
        "rows": len(rows),
        "probed": sum(r["surface"] is not None for r in rows),
        "available": sum(r["available"] is True for r in rows),
        "unavailable": sum(r["available"] is False for r in rows),
        "not_probed": sum(r["outcome"] == "not-probed" for r in rows),
        "not_served": sum(r.get("outcome") == "not-served" for r in rows),
        "left_out": sum(r["outcome"] == "left-out" for r in rows),
        "refusals": dict(sorted(Counter(r["refusal"]["kind"] for r in rows if r["refusal"]).items())),
        "findings": dict(sorted(Counter(f["id"] for r in rows for f in r["findings"]).items())),
        "verdicts": {v: verdicts.get(v, 0) for v in VERDICTS},
    }


def metrics(sweep: SweepRun, rows: list[dict[str, Any]]) -> dict[str, Any]:
    inputs = outputs = 0
    for exchange in sweep.target.exchanges:
        seen = observe(exchange) if exchange.request.surface != "models" else None
        if seen is not None and seen.ok:
            inputs += seen.input_tokens or 0
            outputs += seen.output_tokens or 0
    ttfts = [r["ttft_ms"] for r in rows if isinstance(r["ttft_ms"], int | float)]
    rates = [r["output_tokens_per_s"] for r in rows if isinstance(r["output_tokens_per_s"], int | float)]
    found = {
        "requests": sweep.target.client.budget.requests,
        "budget_requests": sweep.target.client.budget.max_requests,
        "budget_output_tokens": sweep.target.client.budget.max_output_tokens,
        "input_tokens": inputs,
        "output_tokens": outputs,
        "wall_s": round((sweep.finished or sweep.started) - sweep.started, 2),
        "concurrency": sweep.concurrency,
        "ttft_ms": {"p50": percentile(ttfts, 50), "p90": percentile(ttfts, 90)},
        "output_tokens_per_s": {"p50": percentile(rates, 50)},
    }
    if sweep.reference is not None:
        found["reference_requests"] = sweep.reference.client.budget.requests
    return found


def provider_stack(rows: list[dict[str, Any]]) -> list[str]:
    """Software every answering model's signals share (new-api, LiteLLM, llama.cpp): the relay itself."""
    answered = [r for r in rows if r["available"]]
    if not answered:
        return []
    common = set.intersection(*({s["backend"] for s in r["backend"]} for r in answered))
    return sorted(common)


def build(sweep: SweepRun, rows: list[dict[str, Any]], *, source: str, listing: Listing | None,
          catalogue_size: int, shard: tuple[int, int] | None) -> dict[str, Any]:
    target = sweep.target
    left = [r["model"] for r in rows if r["outcome"] == "left-out"]
    budget = target.client.budget
    report = {
        "tool": "llmconform",
        "version": __version__,
        "vendor": target.name,
        "base_url": target.profile.base_url,
        "mode": "sweep",
        "started_at": datetime.fromtimestamp(sweep.started, UTC).isoformat(timespec="seconds"),
        "duration_s": round((sweep.finished or sweep.started) - sweep.started, 2),
        "source": {"models": source, "listed": len(listing.ids) if listing and listing.ids is not None else None,
                   "list_problem": listing.problem if listing and listing.problem else None,
                   "catalogue": catalogue_size},
        "shard": {"index": shard[0], "count": shard[1]} if shard else None,
        "timing": {"method": TIMING_METHOD if sweep.timing else "not measured (--no-timing)",
                   "sequential": sweep.timing},
        "reference": ({"vendor": sweep.reference.name, "base_url": sweep.reference.profile.base_url,
                       "threshold": SIMILARITY_THRESHOLD} if sweep.reference is not None else None),
        "interrupted": sweep.interrupted,
        "left_out": {"count": len(left), "models": left[:50],
                     "reason": ("the sweep was interrupted (SIGINT/SIGTERM) before they were probed"
                                if left and sweep.interrupted else
                                f"the budget ({budget.max_requests} requests, {budget.max_output_tokens} "
                                "output tokens) was spent" if left else None)},
        "models": rows,
        "summary": summarise(rows),
        "metrics": metrics(sweep, rows),
        "provider": {"stack": provider_stack(rows)},
        "findings_catalogue": {ident: {"verdict": v, "rule": rule} for ident, (v, rule) in FINDINGS.items()},
    }
    redacted = target.redactor.data(report)
    return sweep.reference.redactor.data(redacted) if sweep.reference is not None else redacted


def is_sweep(data: Any) -> bool:
    return isinstance(data, dict) and data.get("tool") == "llmconform" and data.get("mode") == "sweep"


def load(path: str | Path) -> dict[str, Any]:
    """A sweep report from disk; ValueError (with where) when it is not one."""
    with Path(path).open(encoding="utf-8") as handle:
        data = json.load(handle)
    if not is_sweep(data):
        raise ValueError(f"{path} is not an llmconform sweep report")
    found = problems(data)
    if found:
        raise ValueError(f"{path} is not a valid sweep report: {found[0]}")
    return dict(data)


def exit_code(report: dict[str, Any]) -> int:
    if report.get("interrupted"):
        return interrupt.EXIT_INTERRUPTED
    return 1 if report["summary"]["verdicts"]["fail"] else 0
