"""Streaming (`stream: true`): the typed event stream the SDKs parse."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces import sub
from llmconform.surfaces.openai_responses import (
    EVENTS,
    TERMINAL,
    limit_spent_on_reasoning,
    output_items,
    output_text,
    streamed_parts,
    streamed_text,
    terminal,
    terminal_response,
)
from llmconform.surfaces.responses_stream import grammar_problem
from llmconform.verdict import expect, fail, warn

pytestmark = pytest.mark.feature("stream")
RESPONSES = spec.load("openai-responses")
EVENT_TYPES = RESPONSES.schemas["ResponseStreamEvent"]["discriminator"]["mapping"]
EVENT_SCHEMAS = {kind: ref.rsplit("/", 1)[-1] for kind, ref in EVENT_TYPES.items()}


def _payloads(exchange):
    payloads = []
    for event, data in exchange.data_events():
        expect(isinstance(data, dict), "every event's data a JSON object",
               f"event {event.index}: {event.raw}")
        payloads.append(data)
    expect(payloads, "at least one event", exchange.excerpt())
    return payloads


@pytest.mark.check("openai-responses/stream/model-echo", level="must",
                   source="openai-python api_reference/openapi.transformed.yml Response.model (required; an alias "
                          "only warns); openapi/openai-responses.yaml#/components/schemas/Response")
def test_model_echo(stream):
    """The streamed response's `model` is the requested model or a dated snapshot of it — the rule
    the plain answer is held to (W: relays alias and substitute)."""
    responses = [p["response"] for p in _payloads(stream) if isinstance(p.get("response"), dict)]
    checks.need(responses, "events carrying the response", stream.excerpt(), owner="stream/constant-ids",
                exchange=stream)
    checks.model_echo(stream.request.body.get("model"), responses[-1].get("model"))


@pytest.mark.check("openai-responses/stream/usage-consistent", level="must",
                   source="openai-python api_reference/openapi.transformed.yml ResponseUsage (input_tokens, "
                          "output_tokens: the tokens used); "
                          "openapi/openai-responses.yaml#/components/schemas/ResponseUsage")
def test_usage_consistent(stream):
    """The terminal response's usage agrees with the stream — the rule the plain answer is held to:
    input_tokens above 0; output_tokens above 0 when text was streamed (F), and within ±50 % of the
    streamed text's estimate, reasoning tokens aside (W)."""
    payloads = _payloads(stream)
    usage = sub(terminal_response(payloads), "usage")
    checks.need(usage, "usage in the terminal response", [p.get("type") for p in payloads][-3:],
                owner="stream/usage", exchange=stream)
    details = usage.get("output_tokens_details")
    checks.usage_consistent(usage.get("input_tokens"), usage.get("output_tokens"), streamed_text(payloads),
                            reasoning_tokens=details.get("reasoning_tokens") if isinstance(details, dict) else None,
                            where="the streamed usage")


@pytest.mark.check("openai-responses/stream/event-schema", level="must",
                   source="openai-python src/openai/types/responses/response_stream_event.py (the ResponseStreamEvent "
                          "union); openapi/openai-responses.yaml#/components/schemas/ResponseStreamEvent")
def test_event_schema(stream):
    """Every event's data is a documented event type and matches that type's own schema
    (response.created → ResponseCreatedEvent, ...)."""
    for event, data in stream.data_events():
        kind = data.get("type") if isinstance(data, dict) else None
        if kind not in EVENT_SCHEMAS:
            fail("every event of a documented type (data.type)",
                 f"event {event.index}: type {kind!r}: {event.raw}")
        RESPONSES.check(EVENT_SCHEMAS[kind], data, what=f"event {event.index} ({kind})")


@pytest.mark.check("openai-responses/stream/event-names", level="must",
                   source="OpenAI docs, Streaming API responses (event: is the event's type; a missing line only "
                          "warns); openapi/openai-responses.yaml#/components/schemas/ResponseStreamEvent")
def test_event_names(stream):
    """The SSE `event:` name equals `data.type` (W when the line is missing: the official SDKs read
    data.type, other clients dispatch on the event name)."""
    unnamed = []
    for event, data in stream.data_events():
        kind = data.get("type") if isinstance(data, dict) else None
        if event.event is None:
            unnamed.append(event.index)
            continue
        expect(event.event == kind, "the SSE event name equal to data.type",
               f"event {event.index}: event: {event.event} beside type {kind!r}")
    if unnamed:
        warn("an `event: <type>` line on every event", f"no event line on {len(unnamed)} event(s), e.g. "
             f"{unnamed[:5]}")


@pytest.mark.check("openai-responses/stream/sequence-numbers", level="must",
                   source="openai-python src/openai/types/responses/response_stream_event.py (sequence_number: int on "
                          "every event); openapi/openai-responses.yaml#/components/schemas/ResponseStreamEvent")
def test_sequence_numbers(stream):
    """Every event carries an integer `sequence_number`, strictly increasing through the stream."""
    previous = None
    for event, data in stream.data_events():
        number = data.get("sequence_number") if isinstance(data, dict) else None
        expect(isinstance(number, int) and not isinstance(number, bool),
               "an integer sequence_number on every event", f"event {event.index}: {event.raw}")
        expect(previous is None or number > previous, "strictly increasing sequence_number",
               f"event {event.index}: {number} after {previous}")
        previous = number


@pytest.mark.check("openai-responses/stream/order", level="must",
                   source="OpenAI docs, Streaming API responses (the event lifecycle); "
                          "openapi/openai-responses.yaml#/components/schemas/ResponseStreamEvent x-llmconform-events")
def test_order(stream):
    """response.created → response.in_progress → output_item.added → content_part.added →
    output_text.delta* → output_text.done → content_part.done → output_item.done (per item) →
    one terminal response.completed | .incomplete | .failed."""
    problem = grammar_problem(_payloads(stream))
    expect(problem is None, "the Responses event order", problem)


@pytest.mark.check("openai-responses/stream/terminal", level="must",
                   source="openai-python src/openai/types/responses/response_completed_event.py, "
                          "response_incomplete_event.py, response_failed_event.py; "
                          "openapi/openai-responses.yaml#/components/schemas/ResponseCompletedEvent; "
                          "openapi/openai-responses.yaml#/components/schemas/ResponseIncompleteEvent; "
                          "openapi/openai-responses.yaml#/components/schemas/ResponseFailedEvent")
def test_terminal(stream):
    """The stream ends with exactly one terminal event — response.completed, .incomplete or
    .failed — whose response.status matches it; a stream without one was cut."""
    payloads = _payloads(stream)
    ends = [n for n, p in enumerate(payloads) if p.get("type") in TERMINAL]
    expect(ends, "a terminal event (response.completed, .incomplete or .failed): without one the stream "
           "was cut", f"{len(payloads)} events, the last {payloads[-1].get('type')!r}")
    expect(len(ends) == 1, "exactly one terminal event", [payloads[n].get("type") for n in ends])
    expect(ends[0] == len(payloads) - 1, "the terminal event last",
           [p.get("type") for p in payloads[ends[0] + 1:]])
    kind = payloads[ends[0]]["type"]
    wanted = kind.removeprefix("response.")
    status = (payloads[ends[0]].get("response") or {}).get("status")
    expect(status == wanted, f"response.status {wanted!r} in {kind}", status)


@pytest.mark.check("openai-responses/stream/no-done", level="should",
                   source="openai-python src/openai/_streaming.py (the official client stops at [DONE]: tolerated, "
                          "only warns)")
def test_no_done(stream):
    """No `data: [DONE]`: a Responses stream ends with its terminal event (W: the official SDKs stop
    at [DONE], but clients that parse every data line as an event choke on it)."""
    done = [e.index for e in stream.stream_events() if e.data == "[DONE]"]
    if done:
        warn("no data: [DONE] (Chat Completions' sentinel) in a Responses stream",
             f"[DONE] at event(s) {done}")


@pytest.mark.check("openai-responses/stream/text-joins", level="must",
                   source="openai-python src/openai/types/responses/response_text_done_event.py text (the finalized "
                          "text of its deltas); "
                          "openapi/openai-responses.yaml#/components/schemas/ResponseOutputTextDeltaEvent; "
                          "openapi/openai-responses.yaml#/components/schemas/ResponseOutputTextDoneEvent; "
                          "openapi/openai-responses.yaml#/components/schemas/ResponseContentPartDoneEvent; "
                          "openapi/openai-responses.yaml#/components/schemas/ResponseOutputItemDoneEvent")
def test_text_joins(stream):
    """The output_text deltas of each content part join to its output_text.done `text`, its
    content_part.done part and its output_item.done message."""
    payloads = _payloads(stream)
    items = {p["item"].get("id"): p["item"] for p in payloads
             if p.get("type") == EVENTS["item-done"] and isinstance(p.get("item"), dict)}
    for (item_id, index), part in streamed_parts(payloads).items():
        where = f"item {item_id} part {index}"
        expect(part.done_text == part.joined, f"{where}: output_text.done text equal to the joined deltas",
               {"deltas": part.joined, "done": part.done_text})
        expect(part.part_done_text == part.joined,
               f"{where}: content_part.done text equal to the joined deltas",
               {"deltas": part.joined, "content_part.done": part.part_done_text})
        final = _part_text(items.get(item_id), index)
        expect(final == part.joined, f"{where}: the output_item.done message text equal to the joined deltas",
               {"deltas": part.joined, "output_item.done": final})


def _part_text(item, index):
    """The text of content part `index` of a done message item (all its text when the stream gave
    no usable content_index: event-schema judges that)."""
    content = item.get("content") if isinstance(item, dict) else None
    if not isinstance(content, list):
        return None
    if isinstance(index, int) and 0 <= index < len(content) and isinstance(content[index], dict):
        return content[index].get("text")
    return "".join(p["text"] for p in content if isinstance(p, dict) and isinstance(p.get("text"), str))


@pytest.mark.check("openai-responses/stream/terminal-output", level="must",
                   source="openai-python src/openai/types/responses/response_completed_event.py response (the whole "
                          "response); openapi/openai-responses.yaml#/components/schemas/ResponseCompletedEvent; "
                          "openapi/openai-responses.yaml#/components/schemas/Response")
def test_terminal_output(stream):
    """The terminal event's `response.output` holds the streamed text — never empty when text was
    streamed."""
    payloads = _payloads(stream)
    expect(terminal(payloads), "a terminal event carrying the response",
           [p.get("type") for p in payloads[-3:]])
    text, final = streamed_text(payloads), output_text(terminal_response(payloads))
    if text and not final.strip():
        fail("the terminal response.output to carry the streamed text", f"no text in it: "
             f"{output_items(terminal_response(payloads)) or terminal_response(payloads).get('output')}")
    expect(final == text, "the terminal response's output_text equal to the joined deltas",
           {"deltas": text, "terminal": final})


@pytest.mark.check("openai-responses/stream/text-nonempty", level="should",
                   source="llmconform heuristic: a plain question gets streamed text (no official rule that an answer "
                          "is not empty)")
def test_text_nonempty(stream):
    """The streamed text (the joined output_text deltas) is not empty (undecided, not failed, when a
    reasoning model spent the whole limit on reasoning)."""
    payloads = _payloads(stream)
    if not streamed_text(payloads).strip():
        limit_spent_on_reasoning(terminal_response(payloads), stream.request.output_limit)
    expect(streamed_text(payloads).strip(), "non-empty streamed text",
           [p.get("type") for p in payloads][:12])


@pytest.mark.check("openai-responses/stream/no-error-event", level="should",
                   source="openai-python src/openai/types/responses/response_error_event.py, response_failed_event.py "
                          "(official events: only warns); "
                          "openapi/openai-responses.yaml#/components/schemas/ErrorEvent; "
                          "openapi/openai-responses.yaml#/components/schemas/ResponseFailedEvent")
def test_no_error_event(stream):
    """Errors come before the stream starts: no `error` event, and no `response.failed`, after
    status 200."""
    for event, data in stream.data_events():
        kind = data.get("type") if isinstance(data, dict) else None
        expect(kind != "error" and event.event != "error", "no error event after status 200", event.raw)
        expect(kind != EVENTS["failed"], f"no {EVENTS['failed']} after status 200",
               sub(data, "response").get("error"))


@pytest.mark.check("openai-responses/stream/usage", level="must",
                   source="openai-python api_reference/openapi.transformed.yml ResponseUsage (integers; total_tokens "
                          "= input_tokens + output_tokens); "
                          "openapi/openai-responses.yaml#/components/schemas/ResponseUsage")
def test_usage(stream):
    """The terminal response carries usage: non-negative integers, total = input + output."""
    response = terminal_response(_payloads(stream))
    expect(response, "a terminal event carrying the response", stream.excerpt())
    checks.usage_numbers(response.get("usage"), ("input_tokens", "output_tokens", "total_tokens"),
                         "total_tokens", ("input_tokens", "output_tokens"))


@pytest.mark.check("openai-responses/stream/constant-ids", level="must",
                   source="openai-python src/openai/types/responses/response_stream_event.py (the lifecycle events "
                          "carry the one response); openapi/openai-responses.yaml#/components/schemas/Response")
def test_constant_ids(stream):
    """The response `id` and `model` are the same in every event that carries the response (a
    missing one is event-schema's to judge)."""
    responses = [p["response"] for p in _payloads(stream) if isinstance(p.get("response"), dict)]
    expect(responses, "events carrying the response (response.created, ..., terminal)", stream.excerpt())
    for name in ("id", "model"):
        values = list(dict.fromkeys(str(r[name]) for r in responses if r.get(name) is not None))
        expect(len(values) == 1, f"one response {name} across the stream", values[:4])
