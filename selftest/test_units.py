"""Unit tests of the engine's parts: SSE framing, redaction, budget, reproduction lines,
profiles, report writers, the baseline and the command line."""

import json
import subprocess
import sys
from xml.etree import ElementTree as ET

import pytest

from llmconform import result
from llmconform.client import Budget
from llmconform.exchange import Exchange, Request
from llmconform.profile import ProfileError, parse_profile
from llmconform.redact import Redactor
from llmconform.report import baseline, html, junit, markdown
from llmconform.report.matrix import text as matrix_text
from llmconform.sse import StreamParser, parse

KEY = "sk-unit-test-secret-0123456789"


# -- SSE -------------------------------------------------------------------------------------

def test_sse_keeps_event_names_comments_and_data():
    events, framing = parse(b": PING\r\nevent: message_start\r\ndata: {\"a\":1}\r\n\r\ndata: [DONE]\n\n")
    assert [(e.event, e.data) for e in events] == [("message_start", '{"a":1}'), (None, "[DONE]")]
    assert framing.comments == ["PING"]


def test_sse_multiline_data_joins_with_newlines():
    events, _ = parse(b"data: one\ndata: two\n\n")
    assert events[0].data == "one\ntwo"


def test_sse_split_across_chunks_and_utf8_boundaries():
    parser = StreamParser()
    raw = "data: {\"t\":\"héllo\"}\n\n".encode()
    for i in range(len(raw)):
        parser.feed(raw[i:i + 1], float(i))
    parser.close(99.0)
    assert [e.data for e in parser.events] == ['{"t":"héllo"}']
    assert parser.framing.invalid_utf8_at is None


def test_sse_reports_invalid_utf8_offset_and_an_undispatched_tail():
    events, framing = parse(b"data: ok\n\ndata: \xff\xfe\n\ndata: cut")
    assert framing.invalid_utf8_at == 16
    assert framing.trailing == "data: cut"
    assert len(events) == 2


# -- secrets ---------------------------------------------------------------------------------

def test_redactor_masks_registered_keys_and_key_shapes():
    redactor = Redactor([KEY])
    assert KEY not in redactor.text(f"error: bad key {KEY}!")
    pasted = "sk-ant-" + "abcdefghij" * 3  # built here, so no key-shaped literal sits in the source
    assert "sk-ant-" not in redactor.text(f"pasted {pasted}")
    assert redactor.headers([("Authorization", f"Bearer {KEY}")]) == {"Authorization": "Bearer <redacted>"}
    assert redactor.headers([("x-api-key", KEY)]) == {"x-api-key": "<redacted>"}
    assert KEY not in json.dumps(redactor.data({"nested": [{"x": KEY}], "x-api-key": "whatever"}))


def test_reproduction_line_names_the_variable_never_the_key():
    request = Request(surface="openai-chat", probe="basic", method="POST", path="/v1/chat/completions",
                      body={"model": "m", "messages": [{"role": "user", "content": "it's"}]})
    exchange = Exchange(request=request, url="https://x.invalid/v1/chat/completions",
                        sent_headers=Redactor([KEY]).headers([("authorization", f"Bearer {KEY}")]),
                        key_env="MY_KEY")
    line = exchange.curl()
    assert KEY not in line
    assert '-H "authorization: Bearer ${MY_KEY}"' in line
    assert line.startswith("curl -sS -X POST https://x.invalid/v1/chat/completions")
    assert "--data-raw" in line and "it'\"'\"'s" in line


# -- budget ----------------------------------------------------------------------------------

def test_budget_stops_at_requests_and_at_tokens():
    budget = Budget(max_requests=2, max_output_tokens=100)
    assert budget.take_request() and budget.take_request()
    assert not budget.take_request()
    tokens = Budget(max_requests=10, max_output_tokens=100)
    assert tokens.take_request()
    tokens.spend_tokens(100)
    assert not tokens.take_request()


def test_budget_counts_gemini_usage_thinking_included():
    """Gemini reports output as usageMetadata.candidatesTokenCount, thinking apart (billed as output);
    a stream without alt=sse is one JSON array whose last piece holds the totals."""
    from llmconform.client import output_tokens

    request = Request(surface="gemini", probe="basic", method="POST",
                      path="/v1beta/models/m:generateContent", body={"generationConfig": {"maxOutputTokens": 64}})
    answer = {"candidates": [], "usageMetadata": {"promptTokenCount": 9, "candidatesTokenCount": 7,
                                                  "thoughtsTokenCount": 30, "totalTokenCount": 46}}
    exchange = Exchange(request=request, url="u", sent_headers={}, status=200, body=json.dumps(answer).encode())
    assert output_tokens(exchange) == 37
    pieces = [{"usageMetadata": {"promptTokenCount": 9}}, answer]
    exchange.body = json.dumps(pieces).encode()
    assert output_tokens(exchange) == 37
    events, _ = parse(b"".join(b"data: " + json.dumps(p).encode() + b"\n\n" for p in pieces))
    exchange.events = events
    assert output_tokens(exchange) == 37
    assert request.output_limit == 64


def test_gemini_query_key_is_shown_as_its_variable():
    """The `?key=` style: the URL a report shows masks the key (raw and percent-encoded), and the curl
    line fills it from the variable."""
    from llmconform.client import Client
    from llmconform.profile import parse_profile as parse

    special = KEY + "+/="
    profile = parse({"name": "g", "base_url": "https://g.invalid", "auth": {"env": "G_KEY", "style": "query-key"},
                     "surfaces": {"gemini": {"model": "m"}}})
    redactor = Redactor([special])
    client = Client(profile, keys={"G_KEY": special}, mode="live", redactor=redactor)
    request = Request(surface="gemini", probe="stream", method="POST",
                      path="/v1beta/models/m:streamGenerateContent?alt=sse", body={"contents": []})
    headers, params = client._auth(request)
    url = client._url(request, params)
    assert params == {"key": special} and not headers
    shown, _ = client._shown(url, headers)
    exchange = Exchange(request=request, url=shown, sent_headers={}, key_env="G_KEY")
    line = exchange.curl()
    for text in (shown, line, redactor.text(str(url))):
        assert special not in text and "%2B%2F%3D" not in text, text
    assert '"https://g.invalid/v1beta/models/m:streamGenerateContent?alt=sse&key=${G_KEY}"' in line
    assert line.startswith("curl -sS -N ")  # a Gemini stream is chosen by its endpoint and ?alt=sse
    header = Request(surface="gemini", probe="basic", method="POST", path="/v1beta/models/m:generateContent",
                     body={}, auth_style="x-goog-api-key")
    assert client._auth(header) == ({"x-goog-api-key": special}, {})
    client.close()


# -- profiles --------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "says"), [
    ({"base_url": "https://x", "surfaces": {}}, "missing required key 'name'"),
    ({"name": "x", "base_url": "ftp://x", "surfaces": {}}, "base_url must be an http"),
    ({"name": "x", "base_url": "https://x", "auth": {"key": "sk-1"}, "surfaces": {}}, "keys never go in a profile"),
    ({"name": "x", "base_url": "https://x", "surfaces": {"openai-chats": {"model": "m"}}}, "unknown surface"),
    ({"name": "x", "base_url": "https://x", "surfaces": {"openai-chat": {}}}, "missing required key 'model'"),
    ({"name": "x", "base_url": "https://x", "auth": {"style": "magic"}, "surfaces": {}}, "auth.style"),
])
def test_bad_profiles_say_what_to_fix(data, says):
    with pytest.raises(ProfileError, match=says):
        parse_profile(data)


def test_missing_key_variable_is_a_configuration_error(monkeypatch):
    monkeypatch.delenv("NO_SUCH_KEY_VAR", raising=False)
    profile = parse_profile({"name": "x", "base_url": "https://x", "auth": {"env": "NO_SUCH_KEY_VAR"},
                             "surfaces": {"openai-chat": {"model": "m"}}})
    with pytest.raises(ProfileError, match="NO_SUCH_KEY_VAR is not set"):
        profile.api_keys(required=True)
    assert profile.api_keys(required=False) == {}


# -- reports ---------------------------------------------------------------------------------

REPORT = {
    "tool": "llmconform", "schema_version": 1, "version": "0", "vendor": "v", "base_url": "https://v.invalid",
    "mode": "replay", "started_at": "2026-01-01T00:00:00+00:00", "duration_s": 1.0,
    "results": [
        {"id": "openai-chat/a/one", "surface": "openai-chat", "verdict": "pass", "message": "", "evidence": {},
         "reproduce": ""},
        {"id": "openai-chat/a/two", "surface": "openai-chat", "verdict": "fail", "message": "expected <x>; got y",
         "evidence": {}, "reproduce": "curl -sS https://v.invalid"},
        {"id": "openai-chat/a/three", "surface": "openai-chat", "verdict": "warn", "message": "hm", "evidence": {},
         "reproduce": ""},
    ],
    "summary": {"pass": 1, "fail": 1, "warn": 1, "skip": 0, "error": 0},
    "metrics": {"requests": 3, "input_tokens": 1, "output_tokens": 2, "ttft_ms": {"p50": None, "p90": None},
                "output_tokens_per_s": {"p50": None}},
    "fingerprints": {"id_prefixes": {"msg_": 1}},
}


def _report(data=None):
    return result.parse(json.loads(json.dumps(data or REPORT)))[0]


def test_html_is_one_self_contained_page():
    page = html.render([_report()])
    assert page.startswith("<!doctype html>") and "</html>" in page
    assert "src=" not in page and "<link" not in page and "http://" not in page.replace("https://v.invalid", "")
    assert "class='v fail'" in page and "&lt;x&gt;" in page
    assert "33% (1/3)" in page


def test_junit_has_one_testcase_per_check():
    root = ET.fromstring(junit.render([_report()]).split("\n", 1)[1])
    suite = root.find("testsuite")
    assert suite.get("tests") == "3" and suite.get("failures") == "1"
    assert [c.get("name") for c in suite.iter("testcase")] == [r["id"] for r in REPORT["results"]]


def test_markdown_lists_every_check_and_the_evidence():
    page = markdown.render([_report()])
    assert all(f"`{r['id']}`" in page for r in REPORT["results"])
    assert "curl -sS https://v.invalid" in page


def test_matrix_text_puts_runs_side_by_side():
    other = {**REPORT, "vendor": "w", "results": [{**r, "verdict": "pass"} for r in REPORT["results"]],
             "summary": {"pass": 3, "fail": 0, "warn": 0, "skip": 0, "error": 0}}
    table = matrix_text([_report(), _report(other)])
    assert "openai-chat/a/two" in table and "FAIL" in table and "w · replay" in table


def test_baseline_tells_regressions_from_improvements():
    before = {**REPORT, "results": [{**r, "verdict": v} for r, v in zip(REPORT["results"], ["fail", "pass", "pass"],
                                                                           strict=True)]}
    comparison = baseline.compare(_report(), _report(before))
    assert [c.id for c in comparison.regressed] == ["openai-chat/a/three", "openai-chat/a/two"]
    assert [(c.was, c.now) for c in comparison.regressed] == [("pass", "warn"), ("pass", "fail")]
    assert [c.id for c in comparison.improved] == ["openai-chat/a/one"]


# -- command line ----------------------------------------------------------------------------

def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "llmconform.cli", *args], capture_output=True, text=True,
                          timeout=120, env=env)


def test_cli_bad_profile_exits_2_with_one_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nbase_url: nope\nsurfaces: {}\n")
    result = _cli("run", "--profile", str(bad), "--replay")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "base_url must be an http(s) URL" in result.stderr + result.stdout


def test_cli_missing_key_variable_exits_2(tmp_path):
    result = _cli("run", "--base-url", "http://127.0.0.1:9", "--api-key-env", "LLMCONFORM_UNSET_VAR",
                  "--surface", "openai-chat", "--model", "m")
    assert result.returncode == 2
    assert "LLMCONFORM_UNSET_VAR is not set" in result.stderr + result.stdout


def test_cli_unreachable_base_url_exits_2():
    result = _cli("run", "--base-url", "http://127.0.0.1:9", "--surface", "openai-chat", "--model", "m")
    assert result.returncode == 2
    assert "unreachable" in result.stderr + result.stdout


def test_cli_compare_refuses_what_is_not_a_report(tmp_path):
    junk = tmp_path / "junk.json"
    junk.write_text("[]")
    assert _cli("compare", str(junk)).returncode == 2


def test_baseline_counts_lost_rows_and_errors_as_regressions_only_on_surfaces_run():
    before = {**REPORT, "results": [*REPORT["results"],
                                    {"id": "openai-chat/a/four", "surface": "openai-chat", "verdict": "pass",
                                     "message": "", "evidence": {}, "reproduce": ""},
                                    {"id": "embeddings/a/five", "surface": "embeddings", "verdict": "pass",
                                     "message": "", "evidence": {}, "reproduce": ""}],
              "summary": {"pass": 3, "fail": 1, "warn": 1, "skip": 0, "error": 0}}
    now = json.loads(json.dumps(REPORT))
    now["results"][0].update(verdict="error", message="timeout: no answer")
    comparison = baseline.compare(_report(now), _report(before))
    changes = {(c.id, c.was, c.now) for c in comparison.regressed}
    # a pass turned error, a row gone from a surface still run; embeddings was not run at all this time
    assert changes == {("openai-chat/a/one", "pass", "error"), ("openai-chat/a/four", "pass", "absent")}


def test_junit_with_a_baseline_fails_only_the_regressions():
    report = _report()
    report.baseline = baseline.compare(report, _report({**REPORT, "results": [
        {**r, "verdict": "pass"} for r in REPORT["results"]]}))
    suite = ET.fromstring(junit.render([report]).split("\n", 1)[1]).find("testsuite")
    failures = {c.get("name"): c.find("failure").get("type") for c in suite.iter("testcase")
                if c.find("failure") is not None}
    assert failures == {"openai-chat/a/two": "regression", "openai-chat/a/three": "regression"}
    known = _report()
    known.baseline = baseline.compare(known, _report())  # the FAIL was there before: known, not a regression
    suite = ET.fromstring(junit.render([known]).split("\n", 1)[1]).find("testsuite")
    assert suite.get("failures") == "0" and "known-failure" in junit.render([known])


def test_a_fail_the_baseline_did_not_have_is_a_new_failure():
    """A check skipped, undecided, warned or absent in the baseline that now FAILs is counted, apart
    from the regressions, and fails the run; a FAIL the baseline had stays known."""
    extra = {"id": "anthropic-messages/a/four", "surface": "anthropic-messages", "verdict": "fail",
             "message": "expected <y>", "evidence": {}, "reproduce": "curl -sS https://v.invalid/v1/messages"}
    now = {**REPORT, "results": [{**r, "verdict": "fail"} for r in REPORT["results"]] + [extra],
           "summary": {"pass": 0, "fail": 4, "warn": 0, "skip": 0, "error": 0}}
    for was in ("skip", "error", "warn"):
        before = {**REPORT, "results": [REPORT["results"][0], {**REPORT["results"][1], "verdict": "fail"},
                                        {**REPORT["results"][2], "verdict": was}]}
        report = _report(now)
        report.baseline = baseline.compare(report, _report(before), "old.json")
        comparison = report.baseline
        assert [(c.id, c.was, c.now) for c in comparison.regressed] == [("openai-chat/a/one", "pass", "fail")]
        assert [(c.id, c.was, c.now) for c in comparison.new_failures] == [
            ("anthropic-messages/a/four", "absent", "fail"), ("openai-chat/a/three", was, "fail")]
        assert comparison.failing and comparison.new_failures[0].reproduce.startswith("curl")
        assert "1 regressions, 2 new failures, 0 improved" in baseline.lines(report)[0]
        assert "NEW FAIL  v anthropic-messages/a/four: absent → fail — expected <y>" in baseline.lines(report)
        suite = ET.fromstring(junit.render([report]).split("\n", 1)[1]).find("testsuite")
        kinds = {c.get("name"): (c.find("failure").get("type") if c.find("failure") is not None else None)
                 for c in suite.iter("testcase")}
        assert kinds == {"openai-chat/a/one": "regression", "openai-chat/a/two": None,
                         "openai-chat/a/three": "new-failure", "anthropic-messages/a/four": "new-failure"}, kinds
        props = {p.get("name"): p.get("value") for p in suite.iter("property")}
        assert props["regressions"] == "1" and props["new_failures"] == "2" and suite.get("failures") == "3"
        assert "new failure `openai-chat/a/three`" in markdown.render([report])
        again = result.parse(json.loads(result.dumps(report)))[0].baseline
        assert again is not None and [c.id for c in again.new_failures] == [c.id for c in comparison.new_failures]


def test_compare_diff_uses_the_baselines_words():
    from llmconform.report.matrix import diff

    before = {**REPORT, "results": [{**REPORT["results"][0], "verdict": "pass"},
                                    {**REPORT["results"][1], "verdict": "skip"},
                                    {**REPORT["results"][2], "verdict": "fail"}]}
    after = {**REPORT, "results": [{**REPORT["results"][0], "verdict": "warn"},
                                   {**REPORT["results"][1], "verdict": "fail"},
                                   {**REPORT["results"][2], "verdict": "pass"}]}
    text = diff(_report(before), _report(after))
    assert "regressed   openai-chat/a/one: pass → warn" in text
    assert "new failure openai-chat/a/two: skip → fail" in text
    assert "improved    openai-chat/a/three: fail → pass" in text
    assert "3 check(s) changed: 1 regressions, 1 new failures, 1 improved, 0 other" in text


def test_reports_say_when_the_run_was_interrupted():
    report = _report()
    report.interrupted = True
    data = json.loads(result.dumps(report))
    assert data["interrupted"] is True and result.problems(data) == []
    assert result.parse(data)[0].interrupted
    assert "**Interrupted**" in markdown.render([report]) and "<strong>Interrupted</strong>" in html.render([report])
    assert "name=\"interrupted\" value=\"true\"" in junit.render([report])
    assert json.loads(result.dumps(_report()))["interrupted"] is False


def test_compare_keeps_two_runs_alike_to_the_minute_apart(tmp_path, capsys):
    """Two shards (or two quick runs) of one vendor, same mode and start time: two columns, each named
    by its file; one run read from its own file and from a combined one stays one column."""
    from llmconform.cli import main

    first = {**REPORT, "run_id": "aaaa"}
    second = {**REPORT, "run_id": "bbbb", "results": [{**r, "verdict": "pass"} for r in REPORT["results"]],
              "summary": {"pass": 3, "fail": 0, "warn": 0, "skip": 0, "error": 0}}
    older = {k: v for k, v in REPORT.items() if k != "run_id"}  # written before run ids: told apart by its rows
    older["results"] = [{**r, "verdict": "skip"} for r in REPORT["results"]]
    older["summary"] = {"pass": 0, "fail": 0, "warn": 0, "skip": 3, "error": 0}
    paths = []
    for name, data in (("shard1.json", first), ("shard2.json", second), ("old.json", older)):
        (tmp_path / name).write_text(json.dumps(data))
        paths.append(str(tmp_path / name))
    combined = {"tool": "llmconform", "schema_version": 1, "version": "0", "kind": "combined",
                "started_at": REPORT["started_at"], "duration_s": 1.0, "summary": first["summary"],
                "reports": [first, {**first, "vendor": "w", "run_id": "cccc"}]}
    (tmp_path / "combined.json").write_text(json.dumps(combined))
    page = tmp_path / "m.html"
    assert main(["compare", *paths, str(tmp_path / "combined.json"), "--md", str(tmp_path / "m.md"),
                 "--html", str(page)]) == 0
    out = capsys.readouterr().out
    heads = [line for line in out.splitlines() if line.startswith("[") and " · " in line]
    assert heads == ["[1] v · replay · 2026-01-01 00:00 · shard1.json", "[2] v · replay · 2026-01-01 00:00 · "
                     "shard2.json", "[3] v · replay · 2026-01-01 00:00 · old.json", "[4] w · replay · 2026-01-01 00:00"
                     ], heads
    assert "| v (replay, 2026-01-01 00:00 · shard2.json) |" in (tmp_path / "m.md").read_text().splitlines()[2]
    assert page.read_text().count("<th class='run'>") == 4


def test_redaction_is_by_whole_token_never_by_substring_of_ordinary_text():
    """The key `upstream` (a local server's) must not turn every model name into <redacted>; a
    real key is masked as a whole token wherever it is echoed."""
    from llmconform.redact import Redactor

    weak = Redactor(["upstream"])
    assert weak.weak and "plain word" in weak.weak[0][1]
    text = "model hosted_vllm/upstream-model answered; the upstream server said: Incorrect API key provided: upstream"
    shown = weak.text(text)
    assert "hosted_vllm/upstream-model" in shown and "the upstream server" in shown, shown
    assert shown.endswith("key provided: <redacted>"), shown
    assert weak.headers([("authorization", "Bearer upstream")]) == {"authorization": "Bearer <redacted>"}
    strong = Redactor([KEY])
    assert strong.text(f'echo "{KEY}", /{KEY}/ and {KEY}.') == 'echo "<redacted>", /<redacted>/ and <redacted>.'
    assert strong.text("a model named sk-selftest") == "a model named sk-selftest"
    short = Redactor(["abc12"])
    assert "shorter than 8" in short.weak[0][1] and short.text("abc123 abc12") == "abc123 abc12"


def test_a_weak_key_is_used_and_said_once(fake, monkeypatch, capsys):
    from pathlib import Path

    from llmconform.client import Limits
    from llmconform.profile import parse_profile
    from llmconform.target import build_target

    monkeypatch.setenv("WEAK_KEY", "upstream")
    profile = parse_profile({"name": "weak", "base_url": fake.base_url, "auth": {"env": "WEAK_KEY"},
                             "surfaces": {"openai-chat": {"model": "upstream-model"}}})
    target = build_target(profile, mode="live", cassette_root=Path("/nonexistent"), limits=Limits())
    try:
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "WEAK_KEY is weak" in err and "upstream" not in err.replace("WEAK_KEY", "")
        assert target.redactor.text("upstream-model") == "upstream-model"
    finally:
        target.close()


def test_a_weak_key_leaves_the_evidence_readable(fake):
    """A run with the key `upstream` and the model `upstream-model`: the model names survive in the
    report, the key is masked where it was sent."""
    from selftest.harness import run

    with fake.faulty("chat.auth-open", "chat.any-model"):
        _, report, _ = run(fake.base_url, "openai-chat", key="upstream", model="upstream-model",
                             checks=["openai-chat/response/model-echo", "openai-chat/auth/no-key"])
    text = json.dumps(report)
    assert "upstream-model" in text and "<redacted>-model" not in text
    assert "Bearer upstream" not in text


def test_billing_section_from_the_billing_rows():
    """The report's Billing section (Markdown, HTML, JSON) is read from the billing rows: verdicts,
    what the checks measured (slope, intercept, overhead), the exchanges; the JSON still validates."""
    exchange = {"probe": "openai-chat:billing-plain", "request": "POST http://x/v1/chat/completions", "status": 200}
    rows = [
        result.Row("openai-chat/billing/same-input", "openai-chat", "pass", "",
                   {"measured": {"plain": 31, "repeat": 31}, "exchanges": [exchange]}),
        result.Row("openai-chat/billing/prompt-recount", "openai-chat", "warn", "slope 1.3",
                   {"measured": {"slope": 1.302, "intercept": 215.6, "points": [[8, 226], [64, 299], [200, 476]],
                                 "instruction_estimate": 12, "overhead_tokens": 204, "overhead_percent": 90,
                                 "plain_billed": 226,
                                 "inflation_percent": 30}, "exchanges": [exchange]}),
        result.Row("openai-chat/usage/arithmetic", "openai-chat", "pass", ""),
    ]
    report = result.Report(vendor="v", base_url="http://x", mode="live", started_at="2026-12-05T00:00:00",
                           duration_s=1.0, results=rows)
    [entry] = report.billing()
    assert entry.verdicts == {"same-input": "pass", "prompt-recount": "warn"}
    assert [e.probe for e in entry.exchanges] == ["openai-chat:billing-plain"]
    text = markdown.render([report])
    assert "## Billing" in text and "slope 1.302" in text and "intercept 215.6" in text and "204 tokens" in text
    assert "sent again 31" in text and "8 → 226" in text
    assert "Billing of v" in html.render([report]) and "slope 1.302" in html.render([report])
    data = report.to_json()
    assert data["billing"][0]["measured"]["slope"] == 1.302 and not result.problems(data)
    plain = result.Report(vendor="v", base_url="http://x", mode="live", started_at="2026-12-05T00:00:00",
                          duration_s=1.0, results=rows[2:])
    assert "billing" not in plain.to_json() and "## Billing" not in markdown.render([plain])


# -- verdicts ---------------------------------------------------------------------------------

def test_each_typed_context_is_evidence_the_report_schema_documents():
    """A typed context's fields are the row's evidence keys, each documented in report.schema.json
    (users script against them), a field left None left out, a tuple written as a JSON list."""
    from dataclasses import fields

    from llmconform.paths import PACKAGE
    from llmconform.verdict import Context, Fail, SchemaViolation, Undelivered

    documented = json.loads((PACKAGE / "schemas" / "report.schema.json").read_text())
    documented = documented["$defs"]["row"]["properties"]["evidence"]["properties"]
    kinds = Context.__subclasses__()
    assert {"SchemaViolation", "ExtraFields", "UnknownParameters"} <= {k.__name__ for k in kinds}
    for kind in kinds:
        assert {f.name for f in fields(kind)} <= set(documented), kind
    found = Fail("a body", "x", context=SchemaViolation(violations=("$.a: bad",)), exchange=None, count=2)
    assert found.evidence() == {"violations": ["$.a: bad"], "count": 2}
    cut = Undelivered("an answer", "reset", cause="c", summary="s", outcome="reset after 3 event(s)")
    assert cut.evidence() == {"outcome": "reset after 3 event(s)"} and "outcome" in documented


@pytest.mark.parametrize("value", [
    REPORT,
    {"a": [1, -2.5, 1e100, -0.0, 10**30, True, False, None, "é\n\"\\\u2028\x00", [], {}, (1, [2, {}])], "": ""},
    [], {}, "x", 3, None,
    {1: "a non-string key"}, {"n": float("nan")}, {"inf": [float("-inf")]},
])
def test_a_reports_indented_json_is_jsons_own(value):
    """result.indented writes what json.dumps(indent=2, ensure_ascii=False) writes, byte for byte."""
    assert result.indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_a_value_json_refuses_is_refused_alike():
    with pytest.raises(TypeError):
        result.indented({"set": {1, 2}})


@pytest.mark.parametrize(("requested", "answered", "verdict"), [
    ("gpt-4o", "gpt-4o-2024-08-06", "pass"),
    ("claude-3-5-sonnet-latest", "claude-3-5-sonnet-20241022", "pass"),  # Anthropic's alias, resolved
    ("claude-sonnet-4-0", "claude-sonnet-4-20250514", "pass"),
    ("gemini-flash-latest", "gemini-2.5-flash-preview-09-2025", "pass"),  # Google's moving alias
    ("chatgpt-4o-latest", "chatgpt-4o-latest", "pass"),
    ("claude-3-5-sonnet-latest", "gpt-4o-mini-2024-07-18", "warn"),  # another family: substituted
    ("gemini-flash-latest", "gemini-2.5-pro", "warn"),
    ("claude-sonnet-4-0", "claude-opus-4-20250514", "warn"),
    ("gpt-4o", "gpt-4o-mini", "warn"),
])
def test_model_echo_knows_official_aliases(requested, answered, verdict):
    from llmconform import checks
    from llmconform.verdict import Warn

    try:
        checks.model_echo(requested, answered)
        found = "pass"
    except Warn:
        found = "warn"
    assert found == verdict, f"{requested} answered {answered}: expected {verdict}, got {found}"


def test_usage_above_the_estimate_is_no_departure_where_thinking_came_back():
    """Claude 4 returns a summary of its thinking (or a redacted block) and bills the whole thinking
    (Anthropic docs, Extended thinking): output tokens far above the visible text only warn where no
    thinking came back; below the estimate still warns either way."""
    from llmconform import checks
    from llmconform.verdict import Warn

    summary = "The user greets me; answer briefly. Hello!"
    checks.usage_consistent(20, 900, summary, thinking_shown_in_part=True)
    with pytest.raises(Warn):
        checks.usage_consistent(20, 900, summary)
    with pytest.raises(Warn):
        checks.usage_consistent(20, 1, summary * 20, thinking_shown_in_part=True)


def test_two_probes_sending_the_same_bytes_share_one_exchange_named_after_the_first(fake, monkeypatch):
    """The exchange two probes share is named after the first in suite order, whichever thread sends
    it: a run's evidence (`probe` in every row) is the same each time."""
    from types import SimpleNamespace

    from llmconform.client import Limits
    from llmconform.target import build_target

    monkeypatch.setenv("LLMCONFORM_SHARED_KEY", "sk-shared-probe-0000000001")
    body = {"model": "m", "input": "Hello"}
    surface = "openai-responses"
    profile = parse_profile({"name": "shared", "base_url": fake.base_url, "auth": {"env": "LLMCONFORM_SHARED_KEY"},
                             "surfaces": {surface: {"model": "m", "features": ["stream", "reasoning"],
                                                    "requests": {"basic": body, "reasoning": body}}}})
    target = build_target(profile, mode="live", cassette_root=None, limits=Limits())
    pool, tasks = target._pool, []
    try:
        assert target.request(surface, "basic").key == target.request(surface, "reasoning").key
        monkeypatch.setattr(target, "_pool", SimpleNamespace(submit=tasks.append))
        target.prefetch([(surface, "basic"), (surface, "reasoning")])
        for task in reversed(tasks):  # the second probe's thread gets there first
            task()
        shared = target.probe(surface, "basic")
        assert target.probe(surface, "reasoning") is shared
        assert shared.request.probe == "basic", f"expected the first probe's name, got {shared.request.probe}"
    finally:
        monkeypatch.setattr(target, "_pool", pool)
        target.close()
