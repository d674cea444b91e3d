"""The SDK lane's worker (llmconform.sdklane): an SDK check run there ends as it ends in process —
pass, or the same verdict with the same evidence, about our own exchange — and a worker that dies,
hangs or would see a key is a bounded, named Error, never a hang."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from llmconform import sdklane
from llmconform.checks import Undelivered
from llmconform.exchange import Exchange, Request
from llmconform.verdict import Error, Fail

ROOT = Path(__file__).resolve().parents[1]
CHAT_SDK = ROOT / "tests" / "openai_chat" / "test_sdk.py"
# The check modules' markers are the llmconform plugin's, not registered in the self-test's session.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnknownMarkWarning")

COMPLETION = {"id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000, "model": "gpt-test",
              "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                           "message": {"role": "assistant", "content": "Hello.", "refusal": None}}],
              "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}}


def _exchange(body, status=200):
    request = Request("openai-chat", "basic", "POST", "/v1/chat/completions",
                      body={"model": "gpt-test", "messages": [{"role": "user", "content": "hi"}]})
    return Exchange(request, "http://127.0.0.1:9/v1/chat/completions", {}, status=status,
                    headers={"content-type": "application/json"}, body=json.dumps(body).encode())


def _in_process(exchange):
    spec = importlib.util.spec_from_file_location("selftest_chat_sdk", CHAT_SDK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    try:
        module.test_parse(exchange)
    except Exception as exc:  # the verdict the check raises in process
        return exc
    return None


@pytest.fixture
def lane(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-lane-secret-0000000001")
    started = sdklane.Lane()
    yield started
    started.stop()


def test_a_conforming_answer_passes_in_the_worker(lane):
    lane.run(CHAT_SDK, "test_parse", {"basic": _exchange(COMPLETION)})


@pytest.mark.parametrize(("body", "status", "kind"), [
    ({**COMPLETION, "choices": []}, 200, Fail),  # the SDK parses it, the check fails it
    ({**COMPLETION, "choices": "none"}, 200, Fail),  # the SDK itself raises: its exception is the evidence
    ({"error": {"message": "boom", "type": "server_error"}}, 500, Undelivered),  # refused: owned elsewhere
], ids=["no-choices", "sdk-raises", "refused"])
def test_a_violating_answer_gets_the_same_verdict_and_evidence_as_in_process(lane, body, status, kind):
    expected = _in_process(_exchange(body, status))
    assert isinstance(expected, kind)
    ours = _exchange(body, status)
    with pytest.raises(kind) as raised:
        lane.run(CHAT_SDK, "test_parse", {"basic": ours})
    got = raised.value
    assert (got.message, got.expected, got.received, got.evidence()) == \
        (expected.message, expected.expected, expected.received, expected.evidence())
    assert got.exchange is ours or (got.exchange is None and expected.exchange is None)
    if isinstance(expected, Undelivered):
        assert (got.cause, got.owner, got.kind, got.summary) == (expected.cause, expected.owner, expected.kind,
                                                                 expected.summary)


def _checks(tmp_path, source):
    path = tmp_path / "test_lane_cases.py"
    path.write_text("import os, time\nfrom llmconform.verdict import expect\n" + source, encoding="utf-8")
    return path


def test_the_worker_sees_no_key_variable(lane, tmp_path):
    path = _checks(tmp_path, "def test_env(basic):\n"
                             "    keys = [k for k in os.environ if 'KEY' in k.upper()]\n"
                             "    expect(not keys, 'no key variable in the worker', keys)\n")
    lane.run(path, "test_env", {"basic": _exchange(COMPLETION)})


def test_a_dead_worker_is_an_error_for_this_check_and_the_next(lane, tmp_path):
    path = _checks(tmp_path, "def test_dies(basic):\n    os._exit(3)\n")
    with pytest.raises(Error) as raised:
        lane.run(path, "test_dies", {"basic": _exchange(COMPLETION)})
    assert raised.value.reason == "SDK lane unavailable" and "exit status 3" in raised.value.message
    with pytest.raises(Error, match="exit status 3"):
        lane.run(CHAT_SDK, "test_parse", {"basic": _exchange(COMPLETION)})


def test_a_worker_that_never_answers_is_stopped_after_its_bound(lane, tmp_path, monkeypatch):
    lane.run(CHAT_SDK, "test_parse", {"basic": _exchange(COMPLETION)})  # the SDKs imported: the next bound is short
    monkeypatch.setattr(sdklane, "ANSWER_S", 1.0)
    path = _checks(tmp_path, "def test_hangs(basic):\n    time.sleep(600)\n")
    with pytest.raises(Error) as raised:
        lane.run(path, "test_hangs", {"basic": _exchange(COMPLETION)})
    assert raised.value.reason == "SDK lane timed out" and "within 1 s" in raised.value.message


def test_arguments_that_cannot_travel_leave_the_check_to_the_suites_process(lane):
    exchange = _exchange(COMPLETION)
    exchange.request.body["unpicklable"] = lambda: None  # a request body is JSON; this one is not
    with pytest.raises(sdklane.NotPortable):
        lane.run(CHAT_SDK, "test_parse", {"basic": exchange})
    lane.run(CHAT_SDK, "test_parse", {"basic": _exchange(COMPLETION)})  # the lane still serves


@pytest.mark.parametrize(("checks", "select", "pytest_args", "early"), [
    ([], [], [], True),
    ([], [], ["-x", "--maxfail=3"], True),
    (["openai-chat/basic/text"], [], [], False),
    ([], ["openai-chat/*"], [], False),
    ([], [], ["-k", "not sdk"], False),
    ([], [], ["-knot sdk"], False),
    ([], [], ["-m", "feature"], False),
    ([], [], ["--deselect=tests/openai_chat/test_sdk.py"], False),
])
def test_the_worker_starts_early_unless_the_command_line_picks_the_checks(checks, select, pytest_args, early):
    assert sdklane.early(checks, select, pytest_args) is early


def test_a_replay_that_picks_its_checks_starts_the_worker_only_for_an_sdk_check(monkeypatch, tmp_path):
    from selftest.harness import cli

    started = []

    class Counted(sdklane.Lane):
        def __init__(self) -> None:
            started.append(self)
            super().__init__()

    monkeypatch.setattr(sdklane, "Lane", Counted)
    report = tmp_path / "r.json"
    code, out = cli("run", "--replay", "--profile", "toapis", "--report-json", str(report), "--", "-k", "not sdk")
    assert code in (0, 1), out[-2000:]
    assert not started  # no SDK check selected: no worker, no SDK import
    code, out = cli("run", "--replay", "--profile", "toapis", "--report-json", str(report), "--", "-k", "test_sdk")
    assert code in (0, 1), out[-2000:]
    assert len(started) == 1  # started once collection showed an SDK check left
    rows = {r["id"]: r for r in json.loads(report.read_text())["results"]}
    assert rows["openai-chat/sdk/parse"]["verdict"] == "pass", rows["openai-chat/sdk/parse"]
