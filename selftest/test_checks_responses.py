"""What the openai-responses checks must tell apart beyond their row in `selftest/violations.py`: finer
verdicts, messages, and what was sent."""

import pytest

from selftest.harness import run

SURFACE = "openai-responses"
P = SURFACE + "/"


def test_function_call_output_answers_the_real_call(fake):
    """The function_call_output turn carries the call_id the provider returned, after its call."""
    fake.seen.clear()
    run(fake.base_url, SURFACE, checks=[P + "tools/output-turn"])
    sent = [r.json() for r in fake.seen if r.path == "/v1/responses"]
    turns = [body for body in sent if isinstance(body.get("input"), list)]
    assert turns, "the function_call_output turn was sent"
    kinds = [i.get("type", "message") for i in turns[-1]["input"]]
    assert kinds == ["message", "function_call", "function_call_output"], kinds
    assert {i.get("call_id") for i in turns[-1]["input"][1:]} == {"call_fake0001"}
    assert "tool_choice" not in turns[-1], "the answering turn does not force the tool again"


def _official_stream(*, queued=False, summary=True):
    """A reasoning model's stream as the official API sends it: reasoning item, then the message."""
    def ev(kind, **fields):
        return {"type": kind, **fields}

    rs, msg = {"item_id": "rs_1", "output_index": 0}, {"item_id": "msg_1", "output_index": 1}
    events = [ev("response.created"), *([ev("response.queued")] if queued else []),
              ev("response.in_progress"),
              ev("response.output_item.added", output_index=0, item={"id": "rs_1", "type": "reasoning"})]
    if summary:
        events += [ev("response.reasoning_summary_part.added", **rs, summary_index=0),
                   ev("response.reasoning_summary_text.delta", **rs, summary_index=0, delta="Think"),
                   ev("response.reasoning_summary_text.done", **rs, summary_index=0, text="Think"),
                   ev("response.reasoning_summary_part.done", **rs, summary_index=0)]
    events += [ev("response.output_item.done", output_index=0, item={"id": "rs_1", "type": "reasoning"}),
               ev("response.output_item.added", output_index=1, item={"id": "msg_1", "type": "message"}),
               ev("response.content_part.added", **msg, content_index=0),
               ev("response.output_text.delta", **msg, content_index=0, delta="Hi"),
               ev("response.output_text.annotation.added", **msg, content_index=0, annotation_index=0),
               ev("response.output_text.done", **msg, content_index=0, text="Hi"),
               ev("response.content_part.done", **msg, content_index=0),
               ev("response.output_item.done", output_index=1, item={"id": "msg_1", "type": "message"}),
               ev("response.completed")]
    return events


def _without(events, kind):
    return [e for e in events if e["type"] != kind]


@pytest.mark.parametrize(("events", "problem"), [
    (_official_stream(), None),
    (_official_stream(queued=True), None),
    (_official_stream(summary=False), None),
    (_official_stream()[:-1], "no terminal event"),
    (_without(_official_stream(), "response.in_progress"), "response.in_progress right after"),
    (_without(_official_stream(), "response.content_part.added"), "no content_part.added"),
    (_without(_official_stream(), "response.output_text.done"), "before response.output_text.done"),
    (_without(_official_stream(), "response.content_part.done"), "still open"),
    ([*_official_stream(), {"type": "response.output_text.delta"}], "is not the last event"),
    ([e if e["type"] != "response.output_text.delta" else {**e, "item_id": "msg_other"}
      for e in _official_stream()], "for item msg_other"),
    ([e if e.get("output_index") != 1 else {**e, "output_index": 2} for e in _official_stream()],
     "expected 1"),
])
def test_stream_grammar(events, problem):
    """The event grammar the order checks hold streams to, on the official shape and its breakages."""
    from llmconform.surfaces.responses_stream import grammar_problem

    found = grammar_problem(events)
    if problem is None:
        assert found is None, found
    else:
        assert found is not None, f"a stream without its grammar error: {events}"
        assert problem in found, found
