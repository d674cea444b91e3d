"""Every openai-responses check passes on the conforming fake and fails (or warns) on its violation."""

import pytest

from selftest.harness import check_table, run, verdict_under

SURFACE = "openai-responses"
P = SURFACE + "/"

# check id -> (fault on the fake, or a profile request override), and the verdict it must give.
VIOLATIONS = {
    P + "response/schema": ("responses.object-wrong", "fail"),
    P + "response/content-type": ("responses.content-type-text", "fail"),
    P + "response/status": ("responses.status-in-progress", "fail"),
    P + "response/message": ("responses.no-message", "fail"),
    P + "response/output-text-parts": ("responses.annotations-missing", "fail"),
    P + "response/usage-present": ("responses.usage-missing", "fail"),
    P + "response/model-echo": ("responses.model-alias", "warn"),
    P + "usage/arithmetic": ("responses.usage-sum-wrong", "fail"),
    P + "usage/reasoning-tokens": ("responses.reasoning-tokens-over", "fail"),
    P + "usage/details-consistent": ("responses.usage-cached-over", "warn"),
    P + "request/unknown-params": ({"basic": {"model": "{model}", "input": "hi", "max_output_tokens": 16,
                                              "max_tokens": 16}}, "warn"),
    P + "fingerprint/id-prefix": ("responses.id-chatcmpl", "warn"),
    P + "fingerprint/item-ids": ("responses.item-ids-foreign", "warn"),
    P + "fingerprint/call-ids": ("responses.item-ids-foreign", "warn"),
    P + "fingerprint/extension-fields": ("responses.content-filters", "warn"),
    P + "fingerprint/usage-fields": ("responses.usage-extra", "warn"),
    P + "fingerprint/persona": ("responses.persona", "warn"),
    P + "fingerprint/hidden-prompt": ("responses.usage-inflated", "warn"),
    P + "params/input-string": ("responses.string-input-rejected", "fail"),
    P + "params/input-messages": ("responses.message-input-rejected", "fail"),
    P + "params/instructions": ("responses.instructions-ignored", "warn"),
    P + "params/max-output-tokens": ("responses.max-output-tokens-ignored", "fail"),
    P + "tools/forced-call": ("responses.tool-choice-ignored", "fail"),
    P + "tools/call-fields": ("responses.call-id-empty", "fail"),
    P + "tools/arguments-json": ("responses.tool-args-invalid", "fail"),
    P + "tools/output-turn": ("responses.function-output-rejected", "fail"),
    P + "reasoning/no-markup": ("responses.markup", "fail"),
    P + "reasoning/item": ("responses.reasoning-item-missing", "fail"),
    P + "reasoning/tokens": ("responses.reasoning-tokens-over", "fail"),
    P + "reasoning/placement": ("responses.reasoning-in-text", "fail"),
    P + "stream/content-type": ("responses.stream-content-type-json", "fail"),
    P + "stream/event-schema": ("responses.stream-event-invalid", "fail"),
    P + "stream/event-names": ("responses.stream-event-name-wrong", "fail"),
    P + "stream/sequence-numbers": ("responses.stream-sequence-repeat", "fail"),
    P + "stream/order": ("responses.stream-order", "fail"),
    P + "stream/terminal": ("responses.stream-terminal-twice", "fail"),
    P + "stream/terminates": ("responses.stream-cut", "fail"),
    P + "stream/model-echo": ("responses.stream-model-alias", "warn"),
    P + "stream/usage-consistent": ("responses.stream-usage-zero", "fail"),
    P + "usage/consistent": ("responses.usage-zero", "fail"),
    P + "stream-tools/forced-call": ("responses.tool-choice-ignored", "fail"),
    P + "invalid/empty-input": ("responses.validation-off", "fail"),
    P + "invalid/string-number": ("responses.validation-off", "fail"),
    P + "errors/envelope": ("responses.detail-404", "fail"),
    P + "errors/leaks-internals": ("responses.traceback-500", "warn"),
    P + "stream/no-done": ("responses.stream-done", "warn"),
    P + "stream/text-joins": ("responses.stream-done-text-differs", "fail"),
    P + "stream/terminal-output": ("responses.stream-terminal-output-empty", "fail"),
    P + "stream/text-nonempty": ("responses.stream-empty-text", "fail"),
    P + "stream/no-error-event": ("responses.stream-error-event", "fail"),
    P + "stream/usage": ("responses.stream-usage-missing", "fail"),
    P + "stream/constant-ids": ("responses.stream-id-changes", "fail"),
    P + "stream/utf8": ("responses.stream-invalid-utf8", "fail"),
    P + "stream-tools/call-item": ("responses.tool-choice-ignored", "fail"),
    P + "stream-tools/arguments": ("responses.stream-tool-args-broken", "fail"),
    P + "stream-tools/item-done": ("responses.stream-tool-item-done-empty", "fail"),
    P + "stream-tools/order": ("responses.stream-tool-args-after-done", "fail"),
    P + "auth/no-key": ("responses.auth-open", "fail"),
    P + "auth/wrong-key": ("responses.error-envelope-wrong", "fail"),
    P + "invalid/malformed-json": ("responses.malformed-500", "fail"),
    P + "invalid/missing-model": ("responses.validation-off+responses.any-model", "fail"),
    P + "invalid/temperature-range": ("responses.validation-off", "fail"),
    P + "invalid/top-p-range": ("responses.validation-off", "fail"),
    P + "invalid/input-type": ("responses.validation-off", "fail"),
    P + "invalid/max-output-tokens-minimum": ("responses.validation-off", "fail"),
    P + "invalid/unknown-model": ("responses.any-model", "fail"),
    P + "schema/examples": ("responses.object-wrong", "fail"),
    P + "schema/fuzz-positive": ("responses.crash-on-odd-input", "fail"),
    P + "schema/fuzz-negative": ("responses.validation-off", "fail"),
    P + "sdk/parse": ("hostile.truncated-json", "fail"),
    P + "sdk/stream": ("responses.stream-id-changes", "fail"),
}

# Further violations of checks already listed: the other ways a check departs, and the verdicts
# that must not be fail (a conforming reasoning model that spent its limit leaves a check
# undecided; a missing `event:` line or a trailing [DONE] is tolerated with a warning).
MORE_VIOLATIONS = [
    (P + "response/message", "responses.reasoning-eats-limit", "error"),
    (P + "params/input-string", "responses.reasoning-eats-limit", "error"),
    (P + "stream/text-nonempty", "responses.reasoning-eats-limit", "error"),
    (P + "response/status", "responses.reasoning-eats-limit", "pass"),
    (P + "stream/order", "responses.reasoning-eats-limit", "pass"),
    (P + "stream/terminal-output", "responses.reasoning-eats-limit", "pass"),
    (P + "params/max-output-tokens", "responses.incomplete-as-completed", "fail"),
    (P + "params/input-messages", "responses.developer-ignored", "warn"),
    (P + "usage/details-consistent", "responses.usage-extra", "warn"),
    (P + "reasoning/tokens", "responses.reasoning-tokens-zero", "warn"),
    (P + "stream/event-names", "responses.stream-no-event-names", "warn"),
    # Alone in a run, a check reading a cut stream owns the cut (with terminates run, it names it).
    (P + "stream/order", "responses.stream-no-terminal", "fail"),
    (P + "stream/terminates", "responses.stream-no-terminal", "fail"),  # closed before its end
    (P + "stream/terminal", "responses.stream-done", "pass"),
    (P + "stream/order", "responses.stream-done", "pass"),
    (P + "stream/constant-ids", "responses.model-alias", "pass"),
    (P + "auth/no-key", "responses.error-envelope-wrong", "fail"),
    (P + "invalid/unknown-model", "responses.error-envelope-wrong", "fail"),
    (P + "sdk/stream", "responses.stream-no-terminal", "fail"),
    (P + "sdk/stream", "responses.reasoning-eats-limit", "error"),
    (P + "sdk/stream", "responses.stream-done", "pass"),
]


(clean, test_every_check_passes_on_a_conforming_server, test_every_check_has_a_violation,
 test_check_catches_its_violation) = check_table(SURFACE, VIOLATIONS)


def test_more_violations_name_known_checks():
    assert {c for c, _, _ in MORE_VIOLATIONS} <= set(VIOLATIONS)


@pytest.mark.parametrize(("check", "violation", "expected"), MORE_VIOLATIONS,
                         ids=[f"{c}:{v}" for c, v, _ in MORE_VIOLATIONS])
def test_check_judges_more_violations(fake, check, violation, expected):
    result = verdict_under(fake, SURFACE, check, violation)
    assert result["verdict"] == expected, f"{check} under {violation}: {result}"
    if expected == "error" and "reasoning" in violation:
        assert "reasoning" in result["message"], "an undecided check says the limit went to reasoning"
    elif expected == "error":
        assert "(see " in result["message"], "an undecided check names the check that owns the problem"


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
