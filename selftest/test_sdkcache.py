"""The SDK lane's answers reused by the next replay of the same command line (llmconform.sdkcache):
the same rows as a run that asks the worker, and no worker while nothing changed; the worker asked
again for a check whose exchange, code or SDKs changed; a verdict comes back whole, about this run's
exchange; nothing is reused or written once switched off."""

from __future__ import annotations

import dataclasses
import json
import pickle
from pathlib import Path

import pytest

from llmconform import sdkcache, sdklane
from llmconform.exchange import Exchange, Request, Timings
from llmconform.sse import Event
from llmconform.verdict import Fail
from selftest.harness import cli

ROOT = Path(__file__).resolve().parents[1]
CHAT_SDK = ROOT / "tests" / "openai_chat" / "test_sdk.py"
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnknownMarkWarning")
PROFILES = ("--profile", "toapis", "--profile", "google", "--profile", "dataeyes")


@pytest.fixture
def cache(monkeypatch, tmp_path):
    """A cache folder of the test's own, reuse switched on (the self-tests switch it off), and the
    workers the runs start, counted."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(sdkcache.SWITCH, raising=False)
    started: list[sdklane.Lane] = []

    class Counted(sdklane.Lane):
        def __init__(self) -> None:
            started.append(self)
            super().__init__()

    monkeypatch.setattr(sdklane, "Lane", Counted)
    return started


def _steady(node):
    """A row without what a replay's own clock decides (durations, exchange times)."""
    if isinstance(node, dict):
        return {k: _steady(v) for k, v in node.items() if k != "duration_s" and not k.endswith("_ms")}
    if isinstance(node, list):
        return [_steady(v) for v in node]
    return node


def _replay(report: Path) -> dict[str, dict]:
    code, out = cli("run", "--replay", *PROFILES, "--report-json", str(report))
    assert code in (0, 1), out[-2000:]
    return {f"{vendor['vendor']} {row['id']}": _steady(row)
            for vendor in json.loads(report.read_text())["reports"] for row in vendor["results"]}


def _sdk_rows(rows):
    return {k: v for k, v in rows.items() if "/sdk/" in k and v["verdict"] != "skip"}


def test_a_second_replay_reuses_the_answers_and_reports_the_same_rows(cache, tmp_path):
    report = tmp_path / "report.json"
    first = _replay(report)
    assert len(cache) == 1, "a first replay asks the worker"
    assert _sdk_rows(first), "the replay decides SDK checks"
    second = _replay(tmp_path / "elsewhere" / "report.json")  # the same replay, its report written elsewhere
    assert cache[1:] == [], f"expected no worker for a replay run again unchanged, {len(cache) - 1} started"
    assert second == first


def test_an_answer_not_stored_sends_its_check_to_the_worker_then(cache, tmp_path):
    report = tmp_path / "report.json"
    first = _replay(report)
    [stored] = (tmp_path / "cache" / "llmconform" / "sdk-answers").glob("*.pickle")
    answers = pickle.loads(stored.read_bytes())
    dropped = next(iter(answers))
    stored.write_bytes(pickle.dumps({k: v for k, v in answers.items() if k != dropped}))
    assert _replay(report) == first
    assert len(cache) == 2, "expected the worker started once more, for the one answer missing"
    assert dropped in pickle.loads(stored.read_bytes()), "the answer asked again is stored again"


def test_other_code_or_sdks_reuse_nothing(cache, tmp_path, monkeypatch):
    report = tmp_path / "report.json"
    _replay(report)
    argv = ["--replay", *PROFILES, "--report-json", str(report)]
    assert sdkcache.Answers.open(argv).warm
    monkeypatch.setattr(sdkcache, "_inputs", lambda: "another suite, or other SDKs")
    assert not sdkcache.Answers.open(argv).warm
    monkeypatch.undo()


def test_switched_off_nothing_is_reused_or_written(cache, tmp_path, monkeypatch):
    monkeypatch.setenv(sdkcache.SWITCH, "off")
    report = tmp_path / "report.json"
    _replay(report)
    _replay(report)
    assert len(cache) == 2
    assert not (tmp_path / "cache" / "llmconform" / "sdk-answers").exists()


# -- the key and the answer ---------------------------------------------------------------------

def _exchange(body: bytes, t_ms: float = 1.0, total_ms: float = 5.0) -> Exchange:
    request = Request("openai-chat", "stream", "POST", "/v1/chat/completions", body={"model": "m", "stream": True})
    return Exchange(request, "http://127.0.0.1:9/v1/chat/completions", {}, status=200,
                    headers={"content-type": "text/event-stream"}, body=body,
                    events=[Event(None, body.decode(), f"data: {body.decode()}", t_ms, 0)],
                    timings=Timings(headers_ms=total_ms / 2, first_byte_ms=total_ms / 2, total_ms=total_ms))


def test_the_key_is_the_recorded_content_not_the_replays_clock():
    key = sdkcache.Answers.key
    one = key(CHAT_SDK, "test_stream", {"stream": _exchange(b'{"a":1}')})
    assert one == key(CHAT_SDK, "test_stream", {"stream": _exchange(b'{"a":1}', t_ms=9.0, total_ms=70.0)})
    assert one != key(CHAT_SDK, "test_stream", {"stream": _exchange(b'{"a":2}')}), "another answer, another key"
    assert one != key(CHAT_SDK, "test_parse", {"stream": _exchange(b'{"a":1}')}), "another check, another key"
    changed = dataclasses.replace(_exchange(b'{"a":1}'), status=500)
    assert one != key(CHAT_SDK, "test_stream", {"stream": changed})


def test_a_stored_verdict_is_raised_whole_about_this_runs_exchange(cache, tmp_path):
    """A Fail answer travels through the store and is raised with its message and evidence, its
    exchange the one this run passes (as the worker's own answer is)."""
    broken = _exchange(b"")
    broken = dataclasses.replace(broken, events=None, headers={"content-type": "application/json"},
                                 body=json.dumps({"id": "chatcmpl-1", "object": "chat.completion"}).encode())
    lane = sdklane.Lane()
    try:
        answer = lane.ask(CHAT_SDK, "test_parse", {"basic": broken})
    finally:
        lane.stop()
    assert answer[0] == "verdict", answer
    answers = sdkcache.Answers.open(["the", "command"])
    key = answers.key(CHAT_SDK, "test_parse", {"basic": broken})
    answers.put(key, answer)
    answers.save()
    stored = sdkcache.Answers.open(["the", "command"])
    assert stored.warm
    ours = dataclasses.replace(broken)
    with pytest.raises(Fail) as raised:
        sdklane.conclude(stored.get(key), [ours])
    with pytest.raises(Fail) as direct:
        sdklane.conclude(answer, [ours])
    assert raised.value.exchange is ours
    assert str(raised.value) == str(direct.value)
    assert vars(raised.value) == vars(direct.value)
