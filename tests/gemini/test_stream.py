"""streamGenerateContent?alt=sse: every event a GenerateContentResponse piece, the last one final."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces.gemini import (
    answered_candidates,
    candidates,
    count,
    finish_reason,
    finish_reasons,
    streamed_pieces,
    text,
    usage_arithmetic,
    usage_given,
    usage_numbers,
)
from llmconform.verdict import expect, fail, warn

pytestmark = pytest.mark.feature("stream")
GEMINI = spec.load("gemini")
CUMULATIVE_MIN = 4  # joined text this long repeated at a piece's start is a snapshot, not a coincidence


@pytest.mark.check("gemini/stream/content-type", level="must",
                   source="Google AI docs, streamGenerateContent with alt=sse (text/event-stream)")
def test_content_type(stream):
    """With `alt=sse` the answer is 200 with `Content-Type: text/event-stream`."""
    stream.complete()
    expect(stream.status == 200, "status 200", f"{stream.status}: {stream.excerpt()}")
    expect(stream.content_type == "text/event-stream", "Content-Type text/event-stream",
           f"{stream.headers.get('content-type', '(none)')}: {stream.excerpt()}")


@pytest.mark.check("gemini/stream/terminates", level="must",
                   source="googleapis google/ai/generativelanguage/v1beta/generative_service.proto "
                          "StreamGenerateContent (a whole stream of GenerateContentResponse)")
def test_terminates(stream):
    """The stream arrives whole: not reset, stalled or endless. A cut stream fails here, once; the
    checks that needed the rest of it are left undecided."""
    stream.stream_events()


@pytest.mark.check("gemini/stream/utf8", level="must",
                   source="WHATWG HTML §9.2 server-sent events (text/event-stream is UTF-8)")
def test_utf8(stream):
    """The stream is valid UTF-8 from the first byte to the last."""
    stream.stream_events()
    offset = stream.framing.invalid_utf8_at
    expect(offset is None, "valid UTF-8 throughout", f"invalid UTF-8 at byte {offset}")


@pytest.mark.check("gemini/stream/no-done", level="must",
                   source="googleapis google/ai/generativelanguage/v1beta/generative_service.proto "
                          "StreamGenerateContent (every event a GenerateContentResponse; no [DONE] sentinel); "
                          "openapi/gemini.yaml#/components/schemas/GenerateContentResponse")
def test_no_done(stream):
    """No `data: [DONE]` (that is OpenAI's sentinel; Gemini's stream just ends) and nothing half-written
    after the last event."""
    events = stream.stream_events()
    done = [e.index for e in events if e.data.strip() == "[DONE]"]
    expect(not done, "no data: [DONE] event", [events[i].raw for i in done][:2])
    expect(not stream.framing.trailing, "nothing after the last event", stream.framing.trailing)


@pytest.mark.check("gemini/stream/openai-chunks", level="should",
                   source="openapi/gemini.yaml#/components/schemas/GenerateContentResponse x-llmconform-openai-fields "
                          "(an OpenAI chunk shape: a translated backend's fingerprint)")
def test_openai_chunks(stream):
    """No OpenAI chunk shapes: no event with `object: chat.completion.chunk` or `choices`."""
    for event, data in stream.data_events():
        if isinstance(data, dict) and ("choices" in data or data.get("object") == "chat.completion.chunk"):
            fail("GenerateContentResponse pieces, not OpenAI chunks", f"event {event.index}: {event.raw[:160]}")


@pytest.mark.check("gemini/stream/final-event", level="must",
                   source="googleapis google/ai/generativelanguage/v1beta/generative_service.proto "
                          "Candidate.finish_reason (\"If empty, the model has not stopped generating\"); "
                          "openapi/gemini.yaml#/components/schemas/Candidate")
def test_final_event(stream):
    """The last event carries the candidate's `finishReason`: a stream that ends without one ends
    before the model stopped. (Its usageMetadata is optional — output only, not required — and
    judged by stream/usage where given.) Undecided when the prompt was blocked: promptFeedback.blockReason
    and no candidates, so no finishReason, by the reference."""
    last = streamed_pieces(stream)[-1]
    answered_candidates(last)
    expect(finish_reason(last) in finish_reasons(), "a finishReason in the last event", last)


@pytest.mark.check("gemini/stream/early-finish-reason", level="should",
                   source="googleapis google/ai/generativelanguage/v1beta/generative_service.proto "
                          "Candidate.finish_reason (one reason the model stopped); Google's documented stream "
                          "(shared/seeds vendors/google.yaml) repeats it in every event")
def test_early_finish_reason(stream):
    """Events before the last name no finishReason other than the last one's (W: the pieces disagree
    on why the model stopped, and clients that stop at the first read the wrong one). The same reason
    in every event is Google's own documented stream; null is reported by fingerprint/null-finish-reason."""
    pieces = streamed_pieces(stream)
    final = finish_reason(pieces[-1])
    early = [(i, finish_reason(piece)) for i, piece in enumerate(pieces[:-1])
             if finish_reason(piece) is not None and finish_reason(piece) != final]
    if early:
        warn(f"no finishReason before the last event other than its {final!r}",
             f"event(s) {[i for i, _ in early[:6]]} of {len(pieces)} name {early[0][1]!r}")


@pytest.mark.check("gemini/stream/usage", level="must",
                   source="googleapis google/ai/generativelanguage/v1beta/generative_service.proto UsageMetadata "
                          "(token counts; total_token_count their sum), GenerateContentResponse.usage_metadata "
                          "(output only, optional: undecided when absent); "
                          "openapi/gemini.yaml#/components/schemas/UsageMetadata")
def test_usage(stream):
    """The last event's usageMetadata is real: integer counts that add up, candidatesTokenCount above
    0 after streamed text (all zeros after a served answer fail), within maxOutputTokens. Undecided
    when the last event carries none (optional in the reference; Google's documented stream has none)."""
    pieces = streamed_pieces(stream)
    meta = usage_given(pieces[-1], "the last event")
    streamed = "".join(text(p) for p in pieces)
    usage_numbers(meta, bool(streamed))
    usage_arithmetic(meta)
    if streamed:
        expect(meta.get("candidatesTokenCount", 0) > 0 and meta.get("promptTokenCount", 0) > 0,
               "candidatesTokenCount and promptTokenCount above 0 after a streamed answer", meta)
    if stream.request.output_limit is not None:
        checks.within_limit(count(meta, "candidatesTokenCount"), stream.request.output_limit, "maxOutputTokens")


@pytest.mark.check("gemini/stream/no-error-event", level="should",
                   source="googleapis google/ai/generativelanguage/v1beta/generative_service.proto "
                          "StreamGenerateContent (an error inside a 200 stream: no official rule forbids it); "
                          "openapi/gemini.yaml#/components/schemas/ErrorResponse")
def test_no_error_event(stream):
    """Errors come before the stream starts: no event carrying an `error` object after status 200."""
    for event, data in stream.data_events():
        expect(not (isinstance(data, dict) and "error" in data), "no error event after status 200", event.raw)


@pytest.mark.check("gemini/stream/role-model", level="must",
                   source="googleapis google/ai/generativelanguage/v1beta/content.proto Content.role ('user' or "
                          "'model'); openapi/gemini.yaml#/components/schemas/ResponseContent")
def test_role_model(stream):
    """Every piece's candidate content says `role: model`."""
    for index, piece in enumerate(streamed_pieces(stream)):
        for candidate in candidates(piece):
            content = candidate.get("content") if isinstance(candidate.get("content"), dict) else None
            if content is not None and "role" in content:
                expect(content["role"] == "model", f"role 'model' in event {index}", content.get("role"))


@pytest.mark.check("gemini/stream/increments", level="must",
                   source="googleapis google/ai/generativelanguage/v1beta/generative_service.proto "
                          "StreamGenerateContent (each chunk carries the next part of the answer); python-genai joins "
                          "the chunks' text; openapi/gemini.yaml#/components/schemas/GenerateContentResponse")
def test_increments(stream):
    """Each event carries new text only: joined, the events give the answer once, in the form of a
    non-stream answer (a relay that sends the whole text so far in every event, or repeats it in the
    last, makes the SDKs show it twice). A snapshot relay is caught however short its first piece:
    a piece that starts with the whole text streamed before it (4 characters or more), or with the
    previous piece's text, twice in a row (a real stream whose first piece is "Hi" does not go on
    "Hi there", "Hi there, how")."""
    joined, previous, chain = "", "", 0
    for index, piece in enumerate(streamed_pieces(stream)):
        chunk = text(piece)
        if not chunk:
            continue
        if len(joined) >= CUMULATIVE_MIN and chunk.startswith(joined):
            fail("each event's text new (increments, not snapshots)",
                 f"event {index} repeats the {len(joined)} characters streamed before it: {chunk[:80]!r}")
        snapshot = bool(previous) and len(chunk) > len(previous) and chunk.startswith(previous)
        chain = chain + 1 if snapshot else 0
        if snapshot and (len(previous) >= CUMULATIVE_MIN or chain >= 2):
            fail("each event's text new (increments, not snapshots)",
                 f"event {index} repeats the previous event's text {previous[:40]!r} and goes on: {chunk[:80]!r}")
        joined, previous = joined + chunk, chunk


@pytest.mark.check("gemini/stream/response-id", level="should",
                   source="googleapis google/ai/generativelanguage/v1beta/generative_service.proto "
                          "GenerateContentResponse.response_id (\"used to identify each response\")")
def test_response_id(stream):
    """Every piece that names a `responseId` names the same one (W when it changes: the pieces are one
    response, and clients key a stream by it; the reference gives no MUST)."""
    named = [(index, piece["responseId"]) for index, piece in enumerate(streamed_pieces(stream))
             if isinstance(piece.get("responseId"), str) and piece["responseId"]]
    changed = [(index, value) for index, value in named if value != named[0][1]]
    if changed:
        warn(f"one responseId across the stream ({named[0][1]!r} in event {named[0][0]})",
             f"event {changed[0][0]} names {changed[0][1]!r}")
