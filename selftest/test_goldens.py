"""The goldens hold a run's reviewed departures: what `make goldens` writes and what the golden
self-tests refuse."""

from pathlib import Path

from selftest.goldens import UNREVIEWED, Golden, changes

REASON = "the vendor's document answers with an OpenAI envelope"
UNRECORDED = "not documented: no recorded exchange for probe 'stream'"


def _row(check: str, verdict: str, message: str = "") -> dict:
    return {"id": f"openai-chat/{check}", "verdict": verdict, "message": message}


def _golden(**entries) -> Golden:
    return Golden(Path("toapis.openai-chat.json"), {f"openai-chat/{k}": v for k, v in entries.items()})


def test_a_check_not_listed_must_pass():
    golden = _golden()
    assert golden.differences([_row("response/schema", "pass")]) == []
    assert golden.differences([_row("response/schema", "fail", "choices: missing")]) == [
        "openai-chat/response/schema: reviewed pass, now fail (choices: missing)"]


def test_a_listed_departure_holds_its_verdict_or_its_accepted_ones():
    golden = _golden(**{"errors/envelope": {"verdict": "fail", "why": REASON},
                        "params/system": {"accept": ["pass", "warn"], "why": REASON}})
    rows = [_row("errors/envelope", "fail"), _row("params/system", "warn")]
    assert golden.differences(rows) == []
    assert golden.differences([_row("errors/envelope", "pass"), _row("params/system", "fail")]) == [
        "openai-chat/errors/envelope: reviewed fail, now pass ()",
        "openai-chat/params/system: reviewed pass|warn, now fail ()"]
    assert golden.differences([_row("errors/envelope", "fail")]) == [
        "openai-chat/params/system: reviewed but no longer reported"]


def test_other_surfaces_rows_are_not_its_business():
    assert _golden().differences([{"id": "gemini/response/schema", "verdict": "fail", "message": ""}]) == []


def test_a_rewrite_keeps_what_was_reviewed_and_marks_what_is_new():
    golden = _golden(**{"errors/envelope": {"verdict": "fail", "why": REASON},
                        "response/schema": {"verdict": "warn", "why": REASON}})
    new = golden.rewritten([_row("errors/envelope", "fail", "a 404 of detail"),
                            _row("response/schema", "fail", "choices: missing"),
                            _row("stream/terminates", "skip", UNRECORDED),
                            _row("usage/arithmetic", "pass")])
    assert new.entries == {
        "openai-chat/errors/envelope": {"verdict": "fail", "why": REASON},
        "openai-chat/response/schema": {"verdict": "fail", "why": UNREVIEWED + "choices: missing"},
        "openai-chat/stream/terminates": {"verdict": "skip", "why": UNRECORDED}}
    assert new.unexplained() == ["openai-chat/response/schema"]
    assert changes(golden, new) == [
        "~ openai-chat/response/schema: warn -> fail  UNREVIEWED: choices: missing",
        "+ openai-chat/stream/terminates: pass -> skip  " + UNRECORDED]


def test_a_check_that_now_passes_leaves_the_golden():
    golden = _golden(**{"errors/envelope": {"verdict": "fail", "why": REASON}})
    new = golden.rewritten([_row("errors/envelope", "pass")])
    assert new.entries == {} and changes(golden, new) == ["- openai-chat/errors/envelope: fail -> pass"]
