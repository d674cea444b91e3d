"""Honest numbers from a live run: TTFT measured on probes sent alone, a budget sized to the plan,
the suite's own load capped, and a busy server's silence reported as undecided, not as a FAIL."""

import re
import statistics

from selftest.harness import run

SURFACE = "openai-chat"


def test_ttft_is_the_providers_not_the_suites_queue(fake):
    """A 4-slot server taking 300 ms to its first token, with the whole chat suite running against
    it: the reported TTFT stays within 10 % of 300 ms."""
    measured = []
    with fake.faulty("server.first-token-300ms", "server.4-slots"):
        for _ in range(2):
            code, report, out = run(fake.base_url, SURFACE, timeouts=(10, 20), budget=None)
            assert code in (0, 1), out[-1500:]
            measured.append(report["metrics"]["ttft_ms"]["p50"])
    assert all(m is not None for m in measured), measured
    median = statistics.median(measured)
    assert abs(median - 300) <= 30, f"TTFT {measured} ms against an injected 300 ms"
    assert "one at a time" in report["metrics"]["timing"]


def test_the_default_budget_covers_a_full_run_and_is_said_before_it(fake):
    before = fake.requests
    code, report, out = run(fake.base_url, SURFACE, budget=None)
    assert code in (0, 1), out[-1500:]
    sent = fake.requests - before
    planned = re.search(r"plan for fake: at most (\d+) requests and (\d+) output tokens", out)
    assert planned, out[:1500]
    assert not [r["id"] for r in report["results"] if r["message"].startswith("budget")], "checks left unbudgeted"
    assert sent <= int(planned.group(1)) + 2, f"{sent} requests sent, {planned.group(1)} planned (+2 pre-flight)"
    assert report["metrics"]["output_tokens"] <= int(planned.group(2))


def test_no_answer_at_all_is_undecided_not_a_fail(fake):
    with fake.faulty("server.no-answer"):
        code, report, out = run(fake.base_url, SURFACE, paths=["test_response.py"], timeouts=(1, 2))
    assert code == 0, "undecided rows are no FAIL"
    rows = {r["id"]: r for r in report["results"]}
    assert rows, out[-1500:]
    verdicts = {k: (r["verdict"], r["message"]) for k, r in rows.items()}
    assert {r["verdict"] for r in rows.values()} == {"error"}, verdicts
    assert all("timeout" in r["message"] for r in rows.values())
