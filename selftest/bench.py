"""`make bench`: what the suite costs, measured (a benchmark, not a timed test).

1. Offline: the replay `make conformance` runs, against `pytest --collect-only` of the same tree.
2. Live, against llama-server (SmolLM2-135M) per surface: requests, output tokens, wall time, and
   wall time over the sum of the exchanges' own times (concurrency).
3. Schemathesis with its default settings on the same operation, for the requests it would send.
4. Latency-measurement accuracy: a loopback stream whose first token is delayed by a known time.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
LLMCONFORM = [PY, "-m", "llmconform.cli"]


def _vendors() -> list[str]:
    return sorted(p.name for p in (ROOT / "cassettes").iterdir() if p.is_dir())


def _cpu() -> float:
    """CPU seconds of the finished child processes (and theirs: the SDK lane's worker), where known."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of one run of `cmd`."""
    start, used = time.perf_counter(), _cpu()
    subprocess.run(cmd, cwd=ROOT, capture_output=True, check=False, env={**os.environ, **(env or {})})
    return time.perf_counter() - start, _cpu() - used


def offline(rounds: int = 5) -> dict[str, float]:
    """The replay `make conformance` runs, twice over: as a first run (its SDK lane's worker imports
    the SDKs: more CPU than collecting the suite) and run again unchanged (the SDK answers of the
    first reused, llmconform.sdkcache: no worker), each against the suite's own collection. The
    variants take turns, `rounds` times, and each figure is a median: a shared machine's slow spells
    fall on all of them alike."""
    profiles = [a for v in _vendors() for a in ("--profile", f"vendors/{v}.yaml")]
    with tempfile.TemporaryDirectory() as scratch:
        replay = [*LLMCONFORM, "run", "--replay", *profiles, "--report-dir", scratch]
        cold = {"LLMCONFORM_SDK_CACHE": "off"}
        warm = {"XDG_CACHE_HOME": str(Path(scratch) / "cache"), "LLMCONFORM_SDK_CACHE": "on"}
        variants = {"replay": (replay, warm), "replay_first_run": (replay, cold),
                    "replay_without_sdk_lane": ([*replay, "--", "-k", "not sdk"], cold),
                    "collect_only": ([*LLMCONFORM, "run", "--replay", *profiles, "--", "--collect-only"], cold)}
        _timed(replay, warm)  # the first run, whose SDK answers the runs again reuse
        measured: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
        for _ in range(rounds):
            for name, (cmd, env) in variants.items():
                measured[name].append(_timed(cmd, env))
    result = {}
    for name, runs in measured.items():
        result[f"{name}_s"] = round(statistics.median(w for w, _ in runs), 2)
        result[f"{name}_cpu_s"] = round(statistics.median(c for _, c in runs), 2)
    collect = result["collect_only_s"]
    result.update(ratio=round(result["replay_s"] / collect, 2),
                  ratio_first_run=round(result["replay_first_run_s"] / collect, 2),
                  ratio_without_sdk_lane=round(result["replay_without_sdk_lane_s"] / collect, 2))
    return result


def live(surfaces: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    sys.path.insert(0, str(ROOT))
    from selftest.harness import run
    from selftest.peers import find_gguf, find_llama_server, llama_server

    if find_llama_server() is None or find_gguf() is None:
        return {"skipped": {"reason": "llama-server not installed (make peers)"}}  # type: ignore[dict-item]
    results = {}
    with llama_server(api_key="sk-bench-0000000001") as peer:
        for surface, features in surfaces.items():
            start = time.perf_counter()
            _, report, _ = run(peer.base_url, surface, key=peer.api_key, model=peer.model, features=features,
                               timeouts=(60, 120), budget=60)
            wall = time.perf_counter() - start
            metrics = report.get("metrics", {})
            exchange_sum = metrics.get("exchange_time_ms_sum", 0) / 1000
            results[surface] = {
                "requests": metrics.get("requests"), "output_tokens": metrics.get("output_tokens"),
                "wall_s": round(wall, 1), "sum_of_exchanges_s": round(exchange_sum, 1),
                "wall_over_sum": round(wall / exchange_sum, 2) if exchange_sum else None,
                "ttft_p50_ms": metrics.get("ttft_ms", {}).get("p50"),
                "checks": report.get("summary"),
            }
    return results


def schemathesis_defaults() -> dict[str, int]:
    """Requests schemathesis' CLI sends with its defaults to one operation (against the loopback fake)."""
    sys.path.insert(0, str(ROOT))
    from selftest.fakes import KEY, FakeProvider

    provider = FakeProvider().start()
    counts = {}
    try:
        for surface in ("openai-chat",):
            before = provider.requests
            subprocess.run([str(Path(PY).parent / "st"), "run", str(ROOT / "openapi" / f"{surface}.yaml"),
                            "--url", provider.base_url, "-H", f"Authorization: Bearer {KEY}",
                            "--max-time", "300"],
                           cwd=ROOT, capture_output=True, check=False, timeout=900)
            counts[surface] = provider.requests - before
    finally:
        provider.stop()
    return counts


def latency_accuracy(delay_s: float = 0.3, samples: int = 5) -> dict[str, float]:
    """Streams whose first token is held back `delay_s`: how far the measured TTFT is from it."""
    sys.path.insert(0, str(ROOT))
    from selftest.fakes import FakeProvider
    from selftest.harness import run

    provider = FakeProvider().start()
    errors = []
    try:
        with provider.faulty("chat.slow-first-token"):
            for _ in range(samples):
                _, report, _ = run(provider.base_url, "openai-chat", checks=["openai-chat/stream/text-nonempty"])
                measured = report["metrics"]["ttft_ms"]["p50"]
                errors.append(measured - delay_s * 1000)
    finally:
        provider.stop()
    return {"injected_ms": delay_s * 1000, "error_ms_median": round(statistics.median(errors), 1),
            "error_ms_max": round(max(errors), 1)}


def main() -> int:
    os.environ.setdefault("PYTHONPATH", str(ROOT))
    print("llmconform bench", flush=True)
    result = {"offline": offline()}
    offline_ = result["offline"]
    print(f"offline replay of {len(_vendors())} vendors, run again unchanged: {offline_['replay_s']} s; "
          f"pytest --collect-only of the same: {offline_['collect_only_s']} s (ratio {offline_['ratio']}, "
          f"target <= 1.5 (issue 18)); a first run (the SDK worker imports the SDKs): "
          f"{offline_['replay_first_run_s']} s, ratio {offline_['ratio_first_run']}; without the SDK lane "
          f"{offline_['replay_without_sdk_lane_s']} s, ratio {offline_['ratio_without_sdk_lane']}; "
          f"CPU: run again {offline_['replay_cpu_s']} s, first run {offline_['replay_first_run_cpu_s']} s "
          f"(its SDK worker included), without the SDK lane {offline_['replay_without_sdk_lane_cpu_s']} s, "
          f"collection {offline_['collect_only_cpu_s']} s",
          flush=True)
    result["latency"] = latency_accuracy()
    print(f"TTFT accuracy: injected {result['latency']['injected_ms']} ms, error median "
          f"{result['latency']['error_ms_median']} ms, max {result['latency']['error_ms_max']} ms", flush=True)
    result["live"] = live({"openai-chat": ["stream", "tools", "json-mode"],
                           "openai-responses": ["stream", "tools"],
                           "anthropic-messages": ["stream", "tools", "count_tokens"]})
    for surface, numbers in result["live"].items():
        print(f"live {surface} vs llama-server: {numbers}", flush=True)
    result["schemathesis_defaults"] = schemathesis_defaults()
    for surface, count in result["schemathesis_defaults"].items():
        live_requests = result["live"].get(surface, {}).get("requests")
        print(f"schemathesis defaults on {surface}: {count} requests (llmconform live run: {live_requests})",
              flush=True)
    out = ROOT / "reports" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
