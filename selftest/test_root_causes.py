"""One problem, one FAIL: a broken exchange fails the check that owns it, once, with its evidence;
every other check that needed it is left undecided (error) and names that owner. Held on loopback
fakes of the failure modes seen on real servers and gateways."""

import pytest

from selftest.harness import run

SURFACES = ("openai-chat", "anthropic-messages", "openai-responses")
STREAM_500 = {"openai-chat": "chat.stream-500", "anthropic-messages": "messages.stream-500",
              "openai-responses": "responses.stream-500"}


def _read(row):
    return row["evidence"].get("exchanges") or []


def _assert_causes_agree(report):
    """Every error naming an owner names one that failed; the report's root_causes say the same."""
    rows = {r["id"]: r for r in report["results"]}
    causes = {c["check"]: c for c in report["root_causes"] if c["check"]}
    for row in rows.values():
        see = row["evidence"].get("see")
        if see:
            assert row["verdict"] == "error", row
            assert rows.get(see, {}).get("verdict") == "fail", f"{row['id']} names {see}, which did not fail"
            assert row["id"] in causes[see]["took_down"], f"{row['id']} missing from root cause {see}"


@pytest.mark.parametrize("surface", SURFACES)
def test_a_stream_cut_by_a_second_request_fails_once_per_cut_exchange(fake, surface):
    """A single-slot server drops the running stream whenever another request arrives: each cut
    stream is one FAIL (its owning check), every other check that read it is error naming it."""
    with fake.faulty("conn.cut-on-concurrent"):
        code, report, out = run(fake.base_url, surface, timeouts=(3, 10))
    assert code in (0, 1), out[-2000:]
    cut = {e["probe"] for r in report["results"] for e in _read(r) if str(e.get("outcome")).startswith("cut")}
    assert cut, f"the fake cut no stream: {out[-1500:]}"
    # A cut read only by a SHOULD check is its WARN, downgraded and saying so (a SHOULD may only warn).
    fails = [r for r in report["results"] if r["verdict"] == "fail"
             or (r["verdict"] == "warn" and r["evidence"].get("downgraded"))]
    owners = {}
    for row in fails:
        probes = {e["probe"] for e in _read(row)} & cut
        if probes:
            assert "cut" in row["evidence"].get("root_cause", ""), f"{row['id']} failed on a cut stream for " \
                                                                    f"another reason: {row['message']}"
            for probe in probes:
                assert probe not in owners, f"two FAILs for the one cut of {probe}: {owners.get(probe)}, {row['id']}"
                owners[probe] = row["id"]
    assert set(owners) == cut, f"cut streams without their one FAIL: {sorted(cut - set(owners))}"
    for row in report["results"]:
        if row["id"] not in owners.values() and row["verdict"] == "error" and {e["probe"] for e in _read(row)} & cut:
            assert row["evidence"].get("see") in owners.values(), row
    _assert_causes_agree(report)


@pytest.mark.parametrize("surface", SURFACES)
def test_a_gateway_refusing_every_stream_fails_once(fake, surface):
    """A gateway that answers 500 to every streamed request: one FAIL (stream/content-type, the
    stream's owner), not one per check or per streamed probe; the rest name it."""
    with fake.faulty(STREAM_500[surface]):
        code, report, out = run(fake.base_url, surface)
    assert code == 1, out[-2000:]
    fails = [r for r in report["results"] if r["verdict"] == "fail"]
    assert [r["id"] for r in fails] == [f"{surface}/stream/content-type"], [(r["id"], r["message"][:80]) for r in fails]
    taken = [r["id"] for r in report["results"] if r["evidence"].get("see") == f"{surface}/stream/content-type"]
    assert len(taken) >= 8, taken
    first = report["root_causes"][0]
    assert first["check"] == f"{surface}/stream/content-type" and sorted(first["took_down"]) == sorted(taken)
    assert "root causes" in out and f"{surface}/stream/content-type" in out.split("root causes")[1][:400]
    # Invalid input and the negative cases go non-streamed: broken streaming is not judged there.
    isolated = {r["id"]: r["verdict"] for r in report["results"]
                if "/invalid/" in r["id"] or "fuzz-negative" in r["id"]}
    assert isolated and set(isolated.values()) == {"pass"}, isolated
    _assert_causes_agree(report)


def _client(fake, monkeypatch, budget):
    from llmconform.client import Client
    from llmconform.profile import profile_from_flags
    from llmconform.redact import Redactor
    from selftest.fakes import KEY

    monkeypatch.setenv("LLMCONFORM_SELFTEST_KEY", KEY)
    profile = profile_from_flags(fake.base_url, "LLMCONFORM_SELFTEST_KEY", ["openai-chat"], "fake-model")
    return Client(profile, keys={"LLMCONFORM_SELFTEST_KEY": KEY}, mode="live", redactor=Redactor([KEY]), budget=budget)


def test_a_reset_on_a_reused_connection_is_retried_on_a_new_one(fake, monkeypatch):
    """A server answers a request with 500, then closes the connection without `Connection: close`:
    the next request sent on that kept-alive connection meets a closed socket. It is sent once more
    on a new connection (counted in the budget), so its evidence is its own answer, never a reset
    the server caused by the request before it."""
    from llmconform.client import Budget
    from llmconform.exchange import Request

    budget = Budget(10, 1000)
    client = _client(fake, monkeypatch, budget)
    body = {"model": "fake-model", "messages": [{"role": "user", "content": "Say hello."}], "max_tokens": 8}
    crash = Request(surface="openai-chat", probe="crash", method="POST", path="/v1/chat/completions", body=body)
    after = Request(surface="openai-chat", probe="after", method="POST", path="/v1/chat/completions",
                    body={**body, "max_tokens": 9})
    try:
        with fake.faulty("hostile.500", "conn.close-after-500"):
            first = client.send(crash)
        with fake.faulty("conn.close-after-500"):
            second = client.send(after)
    finally:
        client.close()
    assert first.status == 500
    assert second.problem is None and second.status == 200, (second.problem, second.problem_detail)
    assert second.attempts == 2 and "reused connection" in second.retried, second.evidence()
    assert budget.requests == 3, "the retry is counted in the budget"


def test_without_budget_the_reset_is_not_retried(fake, monkeypatch):
    """The retry is a request like any other: with the budget spent, the reset stands, saying why."""
    from llmconform.client import Budget
    from llmconform.exchange import Request

    client = _client(fake, monkeypatch, Budget(2, 1000))
    body = {"model": "fake-model", "messages": [{"role": "user", "content": "Say hello."}], "max_tokens": 8}
    try:
        with fake.faulty("hostile.500", "conn.close-after-500"):
            client.send(Request(surface="openai-chat", probe="a", method="POST", path="/v1/chat/completions",
                                body=body))
        with fake.faulty("conn.close-after-500"):
            second = client.send(Request(surface="openai-chat", probe="b", method="POST",
                                         path="/v1/chat/completions", body={**body, "n": 1}))
    finally:
        client.close()
    assert second.problem == "reset" and "budget is spent" in second.problem_detail


def test_a_suite_run_never_blames_a_probe_for_the_reset_the_request_before_caused(fake):
    """The whole chat surface against a server that 500s on malformed JSON and then closes that
    connection silently: malformed-json fails for its own 500, and no check reports a reset."""
    with fake.faulty("chat.malformed-500", "conn.close-after-500"):
        _, report, _ = run(fake.base_url, "openai-chat")
    rows = {r["id"]: r for r in report["results"]}
    assert rows["openai-chat/invalid/malformed-json"]["verdict"] == "fail"
    exchanges = [e for r in report["results"] for e in r["evidence"].get("exchanges") or []]
    resets = [(e["probe"], e["outcome"]) for e in exchanges if e.get("problem") == "reset"]
    assert not resets, resets
    bad = {i: r["message"] for i, r in rows.items()
           if r["verdict"] == "fail" and i != "openai-chat/invalid/malformed-json"}
    assert not bad, bad


def test_a_server_failing_everything_fails_once_and_two_invalid_inputs_crashing_stay_two(fake):
    """A server that answers 500 to every request is one problem: the plain request's owner fails,
    the invalid-input checks whose probes got the same 500 name it. Where the plain request is
    served, two invalid inputs crashing with the same 500 are two rules broken: two FAILs."""
    paths = ["test_response.py", "test_invalid.py"]
    with fake.faulty("hostile.500"):
        _, report, _ = run(fake.base_url, "openai-chat", paths=paths)
    fails = sorted(r["id"] for r in report["results"] if r["verdict"] == "fail")
    assert fails == ["openai-chat/response/content-type"], fails
    invalid = [r for r in report["results"] if "/invalid/" in r["id"]]
    assert invalid and all(r["evidence"].get("see") == "openai-chat/response/content-type" for r in invalid), \
        [(r["id"], r["verdict"], r["message"][:80]) for r in invalid]
    _assert_causes_agree(report)
    with fake.faulty("chat.validation-500"):
        _, report, _ = run(fake.base_url, "openai-chat", paths=paths)
    crashed = sorted(r["id"] for r in report["results"] if r["verdict"] == "fail")
    assert len(crashed) >= 4 and "openai-chat/response/content-type" not in crashed, crashed


@pytest.mark.parametrize("check", ["auth/no-key", "auth/wrong-key", "invalid/temperature-range"])
def test_one_envelope_rule_on_every_openai_surface(fake, check):
    """The same envelope (an integer `code`, no `param`) gets the same verdict on openai-chat and
    openai-responses: a warning (the official envelope has a string or null code and a param; the
    SDKs still read it), never a pass on one and a fail on the other."""
    got = {}
    for surface in ("openai-chat", "openai-responses"):
        with fake.faulty("openai.error-code-int"):
            _, report, _ = run(fake.base_url, surface, checks=[f"{surface}/{check}"])
        got[surface] = report["results"][0]["verdict"], report["results"][0]["message"]
    assert {v for v, _ in got.values()} == {"warn"}, got
    assert all("code" in m for _, m in got.values()), got


def test_two_endpoints_crashing_with_the_same_generic_page_are_two_root_causes(fake):
    """A bad JSON body and the count_tokens endpoint both answered with the same bare 500 page: two
    problems of two endpoints, so malformed-json keeps its own FAIL (it never names the other
    endpoint's crash as its cause)."""
    checks = ["anthropic-messages/invalid/malformed-json", "anthropic-messages/count-tokens/input-tokens"]
    with fake.faulty("messages.malformed-500", "messages.count-tokens-crash"):
        _, report, _ = run(fake.base_url, "anthropic-messages", checks=checks)
    rows = {r["id"]: r for r in report["results"]}
    assert {c: rows[c]["verdict"] for c in checks} == {c: "fail" for c in checks}, \
        [(r["id"], r["verdict"], r["message"][:100]) for r in report["results"]]
    _assert_causes_agree(report)


def test_a_dropped_auth_header_is_named_in_the_root_cause(fake):
    """A relay that never forwards Anthropic's x-api-key: the right key is refused (401) on
    /v1/messages, while the model list and a bearer header accept it. The FAIL stands, and its root
    cause names the dropped header instead of a bare "refused: status 401"."""
    checks = ["anthropic-messages/response/content-type", "anthropic-messages/response/schema"]
    with fake.faulty("messages.x-api-key-dropped"):
        _, report, out = run(fake.base_url, "anthropic-messages", checks=checks)
    rows = {r["id"]: r for r in report["results"]}
    owner = rows["anthropic-messages/response/content-type"]
    assert owner["verdict"] == "fail", out[-1500:]
    assert owner["evidence"].get("dropped_header") == "x-api-key", owner["evidence"]
    assert "dropped on the way" in owner["evidence"]["root_cause"] and "Bearer" in owner["evidence"]["root_cause"]
    assert "x-api-key is dropped" in owner["message"]
    assert "dropped on the way" in rows["anthropic-messages/response/schema"]["message"]
    _assert_causes_agree(report)
