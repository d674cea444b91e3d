"""Hostile servers: every failure mode of real relays ends in a clear verdict, in bounded time,
with exit code 0 or 1, a JSON report, no suite error, and the key nowhere."""

import json
import time

import pytest

from selftest.fakes import KEY
from selftest.harness import run

SURFACE = "openai-chat"
NON_STREAM = ["test_response.py", "test_usage.py"]
STREAM = ["test_stream.py"]
READS = ("openai-chat", "anthropic-messages", "openai-responses", "gemini")
# The checks owning a broken exchange, the same on every surface: the hostile answers come from the
# transport, whatever the path. Every other check reading it is left undecided, naming the owner.
STATUS, BODY, STREAM_OWNER = "response/content-type", "response/schema", "stream/terminates"

# fault -> (streamed?, the owning check, its verdict, words its message must contain, other FAILs)
CASES = {
    "hostile.html-200": (False, BODY, "fail", "<!DOCTYPE html>", {STATUS}),  # not JSON, and says text/html
    "hostile.html-json-200": (False, BODY, "fail", "a JSON body", set()),
    "hostile.html-502": (False, STATUS, "fail", "status 502", set()),
    "hostile.truncated-json": (False, BODY, "fail", "JSONDecodeError", set()),
    "hostile.bad-encoding": (False, STATUS, "fail", "Content-Encoding", set()),
    "hostile.huge-body": (False, STATUS, "fail", "size cap", set()),
    "hostile.500": (False, STATUS, "fail", "status 500", set()),
    "hostile.429-storm": (False, BODY, "error", "rate-limited", set()),
    "hostile.stream-stall": (True, STREAM_OWNER, "fail", "stopped arriving", set()),
    "hostile.stream-endless": (True, STREAM_OWNER, "fail", "still going", set()),
    "hostile.stream-reset": (True, STREAM_OWNER, "fail", "connection broke", set()),
    # A stream of odd chunks beyond its bad bytes: the other rules it breaks are its own problems.
    "hostile.stream-invalid-utf8": (True, "stream/utf8", "fail", "UTF-8", None),
}
BOUND_S = 25


@pytest.mark.parametrize("surface", READS)
@pytest.mark.parametrize("fault", list(CASES))
def test_hostile_answer_becomes_a_clear_verdict(fake, fault, surface):
    """The owning check gives the verdict, once; no other check fails for the same broken answer."""
    streamed, owner, verdict, words, also = CASES[fault]
    check = f"{surface}/{owner}"
    started = time.monotonic()
    with fake.faulty(fault):
        code, report, out = run(fake.base_url, surface, paths=STREAM if streamed else NON_STREAM,
                                timeouts=(1.5, 3))
    elapsed = time.monotonic() - started
    # A run in which every check was left undecided has earned no exit 0 (nor 1): 2, with its cause.
    assert code in ((2,) if verdict == "error" else (0, 1)), f"exit {code} under {fault}:\n{out[-2000:]}"
    assert code != 2 or "llmconform: no check reached a verdict" in out
    assert report.get("results"), f"no JSON report under {fault}"
    suite_errors = [r["id"] for r in report["results"] if "suite error" in r["message"]]
    assert not suite_errors, f"the suite itself broke under {fault}: {suite_errors}"
    result = next(r for r in report["results"] if r["id"] == check)
    assert result["verdict"] == verdict, f"{check} under {fault}: {result}"
    assert words in result["message"], f"{check} under {fault} should say {words!r}: {result['message']}"
    fails = {r["id"]: r for r in report["results"] if r["verdict"] == "fail"}
    if also is None:
        return
    wanted = {check, *(f"{surface}/{c}" for c in also)} if verdict == "fail" else set()
    extra = set(fails) - wanted
    if streamed:  # every streamed exchange the fault broke is one root cause: one FAIL for each
        probes = [fails[c]["evidence"].get("root_cause", "").split("(")[-1] for c in extra]
        assert all(fails[c]["evidence"].get("root_cause") for c in extra) and len(set(probes)) == len(probes), (
            f"under {fault}, FAILs beyond {sorted(wanted)} must each own a different broken stream: {sorted(extra)}")
    else:
        assert not extra and set(fails) >= wanted, (
            f"under {fault} only {sorted(wanted)} may fail (one FAIL per root cause), got {sorted(fails)}")
    for row in report["results"]:
        see = row["evidence"].get("see")
        if row["verdict"] == "error" and see:
            assert see in fails or see == check, f"{row['id']} names {see}, which did not fail"
    assert elapsed < BOUND_S, f"{fault} took {elapsed:.1f} s (bound {BOUND_S} s)"
    assert "Traceback" not in out


def test_the_key_appears_nowhere(fake, tmp_path):
    """A canary key across hostile answers: absent from report, cassettes, stdout and stderr."""
    texts = []
    for fault in ("hostile.html-200", "hostile.stream-reset", "chat.auth-open"):
        with fake.faulty(fault):
            _, report, out = run(fake.base_url, SURFACE, paths=NON_STREAM + STREAM, timeouts=(1.5, 3),
                                 extra=["--record", "--cassette-dir", str(tmp_path)])
        texts += [json.dumps(report), out]
    texts += [p.read_text(errors="replace") for p in tmp_path.rglob("*.yaml")]
    assert list(tmp_path.rglob("*.yaml")), "recording wrote no cassette"
    leaked = [t[max(t.find(KEY) - 80, 0):t.find(KEY) + 20] for t in texts if KEY in t]
    assert not leaked, f"the key leaked: {leaked}"


@pytest.mark.parametrize("key", [KEY, KEY + "+/=&%"], ids=["served", "url-special"])
def test_a_query_key_appears_nowhere(fake, tmp_path, key):
    """Gemini's `?key=` puts the key in the URL: a canary key (served, and one with characters a URL
    encodes) is absent, raw and percent-encoded, from report, reproductions, cassettes and output."""
    from urllib.parse import quote, quote_plus

    texts = []
    for fault in ("", "hostile.html-200", "hostile.stream-reset", "gemini.auth-open"):
        with fake.faulty(*([fault] if fault else [])):
            _, report, out = run(fake.base_url, "gemini", key=key, auth_style="query-key", timeouts=(1.5, 3),
                                 extra=["--record", "--cassette-dir", str(tmp_path)])
        texts += [json.dumps(report), out]
        # The fake refuses the url-special key (Google's 400 API_KEY_INVALID): the pre-flight then
        # stops with one line, which must not show the key either.
        assert report.get("results") or "was refused (400" in out, out[-1500:]
    assert any("key=${LLMCONFORM_SELFTEST_KEY}" in r["reproduce"] for r in report["results"]), (
        "reproductions name the variable in the query")
    texts += [p.read_text(errors="replace") for p in tmp_path.rglob("*.yaml")]
    assert list(tmp_path.rglob("*.yaml")), "recording wrote no cassette"
    for form in {key, quote(key, safe=""), quote_plus(key)}:
        leaked = [t[max(t.find(form) - 80, 0):t.find(form) + 20] for t in texts if form in t]
        assert not leaked, f"the key leaked as {form!r}: {leaked}"


def test_requests_never_exceed_the_budget(fake):
    before = fake.requests
    _, report, _ = run(fake.base_url, SURFACE, budget=7)
    sent = fake.requests - before
    assert sent <= 7, f"{sent} requests sent with --budget-requests 7"
    reasons = [r for r in report["results"] if r["verdict"] == "error" and r["message"].startswith("budget")]
    assert reasons, "checks left after the budget is spent get error with reason budget"


def test_a_recorded_run_replays_to_the_same_verdicts(fake, tmp_path):
    """--record turns a live run into cassettes; --replay of them, offline, decides the same way."""
    cassettes = ["--cassette-dir", str(tmp_path)]
    with fake.faulty("chat.markup", "chat.stream-no-role"):
        _, live, _ = run(fake.base_url, SURFACE, extra=["--record", *cassettes])
        requests_before = fake.requests
        _, replayed, out = run(fake.base_url, SURFACE, extra=["--replay", *cassettes])
    assert fake.requests == requests_before, "a replay sent requests"
    assert replayed["mode"] == "replay" and live["mode"] == "record"
    live_verdicts = {r["id"]: r["verdict"] for r in live["results"]}
    replay_verdicts = {r["id"]: r["verdict"] for r in replayed["results"]}
    live_only = {i for i in live_verdicts if i.endswith(("fuzz-positive", "fuzz-negative"))}
    differ = {i: (live_verdicts[i], replay_verdicts.get(i)) for i in live_verdicts
              if i not in live_only and live_verdicts[i] != replay_verdicts.get(i)}
    assert not differ, f"replayed verdicts differ from the recorded run: {differ}\n{out[-1500:]}"
    assert live_verdicts["openai-chat/reasoning/no-markup"] == "warn"  # a SHOULD: no official rule names markup
    assert live_verdicts["openai-chat/stream/first-role"] == "warn"


@pytest.mark.parametrize("salt", range(int(__import__("os").environ.get("GARBAGE_SEEDS", "4"))))
@pytest.mark.parametrize("surface", list(READS))
def test_garbage_of_every_shape_never_breaks_the_suite(fake, surface, salt):
    """Wrong statuses, content types and JSON of the wrong types in every exchange: each check
    reaches a verdict of its own; none is a suite error."""
    with fake.faulty(f"hostile.garbage-{salt}"):
        code, report, out = run(fake.base_url, surface, timeouts=(1.5, 3))
    assert code in (0, 1), out[-2000:]
    broken = {r["id"]: r["message"] for r in report["results"] if "suite error" in r["message"]}
    assert not broken, f"suite errors under garbage answers: {broken}"
    assert sum(r["verdict"] == "fail" for r in report["results"]) > 10
