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


def test_no_answer_at_all_is_neither_a_fail_nor_a_success(fake):
    """A server that takes the request and never answers decides nothing: no FAIL blamed on it, and
    no exit 0 either — the pre-flight ends the run with exit 2 and says so (issue 17)."""
    before = fake.requests
    with fake.faulty("server.no-answer"):
        code, report, out = run(fake.base_url, SURFACE, paths=["test_response.py"], timeouts=(1, 2))
    assert code == 2, out[-1500:]
    assert f"no answer from {fake.base_url} within 1 s" in out and not report, out[-1500:]
    assert fake.requests - before == 1, "the first probe's silence ends the run"
