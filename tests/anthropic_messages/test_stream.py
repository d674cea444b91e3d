"""Streaming (`stream: true`): the event grammar the official SDKs parse."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces import sub
from llmconform.surfaces.anthropic_messages import (
    CUT_MID_BLOCK,
    DELTA_TYPES,
    EVENT_SCHEMAS,
    EVENTS,
    ending_error,
    event_text,
    final_stop_reason,
    not_errored,
    streamed_blocks,
)
from llmconform.verdict import Error, expect, fail, warn

pytestmark = pytest.mark.feature("stream")
MESSAGES = spec.load("anthropic-messages")
# The event types the grammar names, read from the spec (MessageStreamEvent's x-llmconform-events).
START, MESSAGE_DELTA, STOP = EVENTS["start"], EVENTS["message-delta"], EVENTS["stop"]
BLOCK_START, BLOCK_DELTA, BLOCK_STOP = EVENTS["block-start"], EVENTS["block-delta"], EVENTS["block-stop"]


def _data(exchange):
    return [data if isinstance(data, dict) else {} for _, data in exchange.data_events()]


def _types(exchange):
    return [d.get("type") for d in _data(exchange)]


@pytest.mark.check("anthropic-messages/stream/model-echo", level="must",
                   source="anthropic-sdk-python src/anthropic/types/message.py model (required); "
                          "openapi/anthropic-messages.yaml#/components/schemas/MessageStartEvent; "
                          "openapi/anthropic-messages.yaml#/components/schemas/MessageStartMessage")
def test_model_echo(stream):
    """message_start's `model` is the requested model or a dated snapshot of it — the rule the plain
    answer is held to (W: relays alias and substitute)."""
    start = next((d for d in _data(stream) if d.get("type") == START), None)
    checks.need(start, f"a {START} event", _types(stream)[:4], owner="stream/message-start", exchange=stream)
    checks.model_echo(stream.request.body.get("model"), sub(start, "message").get("model"))


@pytest.mark.check("anthropic-messages/stream/usage-consistent", level="must",
                   source="anthropic-sdk-python src/anthropic/types/usage.py input_tokens, output_tokens; "
                          "anthropic-sdk-python src/anthropic/types/message_delta_usage.py; "
                          "openapi/anthropic-messages.yaml#/components/schemas/MessageDeltaUsage; "
                          "openapi/anthropic-messages.yaml#/components/schemas/Usage")
def test_usage_consistent(stream):
    """The streamed usage agrees with the stream — the rule the plain answer is held to: input_tokens
    above 0; output_tokens above 0 when text was streamed (F), and within ±50 % of the streamed
    text's estimate (W; only the lower bound where thinking was streamed: a summary or redacted, the
    whole billed)."""
    not_errored(stream, "its final usage")
    data = _data(stream)
    start = next((d for d in data if d.get("type") == START), {})
    final = [d["usage"] for d in data if d.get("type") == MESSAGE_DELTA and isinstance(d.get("usage"), dict)]
    checks.need(final, f"usage in {MESSAGE_DELTA}", _types(stream)[-4:], owner="stream/usage", exchange=stream)
    thought = "".join(str(sub(d, "delta").get("thinking") or "") for d in data
                      if d.get("type") == BLOCK_DELTA)
    # message_delta's counts are cumulative: where it repeats input_tokens, that is the final count
    # (MessageDeltaUsage.input_tokens is Optional: absent or null, message_start's stands).
    inputs = final[-1].get("input_tokens")
    if inputs is None:
        inputs = sub(sub(start, "message"), "usage").get("input_tokens")
    thinking = any(sub(d, "content_block").get("type") in ("thinking", "redacted_thinking") for d in data
                   if d.get("type") == BLOCK_START)
    checks.usage_consistent(inputs, final[-1].get("output_tokens"), "".join(event_text(d) for d in data) + thought,
                            where="the streamed usage", thinking_shown_in_part=thinking)


@pytest.mark.check("anthropic-messages/stream/event-schema", level="must",
                   source="anthropic-sdk-python src/anthropic/types/raw_message_stream_event.py (the event union); "
                          "openapi/anthropic-messages.yaml#/components/schemas/MessageStreamEvent")
def test_event_schema(stream):
    """Every event's data validates against the schema of its `type` (MessageStartEvent,
    ContentBlockDeltaEvent, ...); an event type the API does not define is W."""
    unknown = []
    for event, data in stream.data_events():
        kind = data.get("type") if isinstance(data, dict) else None
        if kind not in EVENT_SCHEMAS:
            unknown.append(f"event {event.index}: {event.raw[:80]}")
            continue
        MESSAGES.check(EVENT_SCHEMAS[kind], data, what=f"event {event.index} ({kind})")
    if unknown:
        warn("only the event types the Messages API defines", "; ".join(unknown[:3]))


@pytest.mark.check("anthropic-messages/stream/event-names", level="must",
                   source="Anthropic docs, Streaming Messages: each event has a named event type and its JSON data; "
                          "openapi/anthropic-messages.yaml#/components/schemas/MessageStreamEvent")
def test_event_names(stream):
    """Every event has an `event:` line naming the same type as its data's `type` (the SDKs dispatch
    on the event name)."""
    events = stream.data_events()
    expect(events, "at least one event", stream.excerpt())
    for event, data in events:
        kind = data.get("type") if isinstance(data, dict) else None
        expect(event.event is not None, f"an `event: {kind}` line on event {event.index}", event.raw)
        expect(event.event == kind, f"event name {kind!r} (the data's type) on event {event.index}",
               event.raw)


@pytest.mark.check("anthropic-messages/stream/message-start", level="must",
                   source="Anthropic docs, Streaming Messages, event flow; anthropic-sdk-python "
                          "src/anthropic/types/raw_message_start_event.py; "
                          "openapi/anthropic-messages.yaml#/components/schemas/MessageStartEvent")
def test_message_start(stream):
    """The first event (pings aside) is `message_start`, once, carrying a message with empty content
    and a null stop_reason (message.py: "In streaming mode, it is null in the message_start event")."""
    data = [d for d in _data(stream) if d.get("type") != "ping"]
    expect(data and data[0].get("type") == START, f"{START} as the first event",
           [d.get("type") for d in data[:3]])
    starts = [d for d in data if d.get("type") == START]
    expect(len(starts) == 1, f"exactly one {START}", len(starts))
    message = data[0].get("message") if isinstance(data[0].get("message"), dict) else {}
    expect(message.get("content") == [], f"{START}.message.content empty ([])", message.get("content"))
    expect(message.get("stop_reason") is None, f"{START}.message.stop_reason null (the stop reason comes in "
           f"{MESSAGE_DELTA})", message.get("stop_reason"))


@pytest.mark.check("anthropic-messages/stream/block-order", level="must",
                   source="Anthropic docs, Streaming Messages, event flow; anthropic-sdk-python "
                          "src/anthropic/types/raw_message_stream_event.py; "
                          "openapi/anthropic-messages.yaml#/components/schemas/ContentBlockStartEvent; "
                          "openapi/anthropic-messages.yaml#/components/schemas/ContentBlockStopEvent; "
                          "tests/lib/streaming/fixtures/incomplete_partial_json_response.txt (max_tokens leaves "
                          "the block open)")
def test_block_order(stream):
    """Content blocks are numbered 0, 1, 2…; each opens (content_block_start), streams its deltas and
    closes (content_block_stop) before the next opens; none is left open — except the last, when the
    output was cut where it stood (stop_reason max_tokens, model_context_window_exceeded or refusal:
    the message_delta then comes with that block still open, as in the official SDK's fixture); no
    block event after message_delta (undecided when the API ended the stream with an error event)."""
    not_errored(stream, "its blocks closed")
    data = _data(stream)
    cut = final_stop_reason(data) in CUT_MID_BLOCK
    open_index, next_index, delta_at = None, 0, None
    for position, event in enumerate(data):
        kind, index = event.get("type"), event.get("index")
        where = f"event {position} ({kind}, index {index})"
        if kind in (BLOCK_START, BLOCK_DELTA, BLOCK_STOP):
            expect(delta_at is None, f"no content block event after {MESSAGE_DELTA} (event {delta_at})", where)
        if kind == BLOCK_START:
            expect(open_index is None, f"block {open_index} closed before the next opens", where)
            expect(index == next_index, f"the next block index {next_index}", where)
            open_index = index
        elif kind in (BLOCK_DELTA, BLOCK_STOP):
            expect(open_index is not None and index == open_index,
                   f"{kind} of the open block ({open_index})", where)
            if kind == BLOCK_STOP:
                open_index, next_index = None, next_index + 1
        elif kind in (MESSAGE_DELTA, STOP):
            expect(open_index is None or cut, f"block {open_index} closed before {kind}", where)
            delta_at = position if kind == MESSAGE_DELTA and delta_at is None else delta_at
    expect(open_index is None or cut, f"block {open_index} closed before the stream ends", f"no {BLOCK_STOP}")
    expect(next_index > 0 or open_index is not None, "at least one content block", _types(stream))


@pytest.mark.check("anthropic-messages/stream/delta-types", level="must",
                   source="anthropic-sdk-python src/anthropic/types/raw_content_block_delta.py; "
                          "openapi/anthropic-messages.yaml#/components/schemas/ContentBlockDeltaEvent "
                          "x-llmconform-delta-types")
def test_delta_types(stream):
    """Each delta matches its block: text → text_delta, thinking → thinking_delta / signature_delta,
    tool_use → input_json_delta."""
    for index, block in streamed_blocks(_data(stream)).items():
        allowed = DELTA_TYPES.get(block["type"])
        if allowed is None:
            continue
        wrong = [d for d in block["deltas"] if d not in allowed]
        expect(not wrong, f"only {' / '.join(allowed) or 'no'} deltas in {block['type']} block {index}",
               wrong)


@pytest.mark.check("anthropic-messages/stream/message-delta", level="must",
                   source="Anthropic docs, Streaming Messages, event flow; anthropic-sdk-python "
                          "src/anthropic/types/raw_message_delta_event.py; src/anthropic/lib/streaming/_messages.py "
                          "accumulate_event (one or more message_delta, the last wins); "
                          "openapi/anthropic-messages.yaml#/components/schemas/MessageDeltaEvent")
def test_message_delta(stream):
    """One or more `message_delta` events after the last block closes (the docs: "one or more"; the
    SDK takes the last one's stop_reason and counts), each with `usage.output_tokens`, the last with
    a `delta.stop_reason` (null only in message_start, in streaming) and a null `stop_sequence` unless
    that reason is `stop_sequence` (undecided when the API ended the stream with an error event)."""
    not_errored(stream, f"its {MESSAGE_DELTA}")
    data = _data(stream)
    positions = [i for i, d in enumerate(data) if d.get("type") == MESSAGE_DELTA]
    expect(positions, f"at least one {MESSAGE_DELTA}", _types(stream))
    last_stop = max((i for i, d in enumerate(data) if d.get("type") == BLOCK_STOP), default=-1)
    expect(positions[0] > last_stop, f"{MESSAGE_DELTA} after the last {BLOCK_STOP}",
           f"{MESSAGE_DELTA} at event {positions[0]}, a block closes at {last_stop}")
    for position in positions:
        output = sub(data[position], "usage").get("output_tokens")
        expect(isinstance(output, int) and not isinstance(output, bool),
               f"usage.output_tokens in {MESSAGE_DELTA} (event {position})", data[position])
    last = data[positions[-1]]
    reason = sub(last, "delta").get("stop_reason")
    expect(reason, f"delta.stop_reason in the last {MESSAGE_DELTA}", last)
    # message.py stop_sequence: the matched custom stop sequence, so null beside any other stop reason.
    if reason != "stop_sequence":
        expect(sub(last, "delta").get("stop_sequence") is None,
               f"delta.stop_sequence null beside stop_reason {reason!r} in the last {MESSAGE_DELTA}", last)


@pytest.mark.check("anthropic-messages/stream/message-stop", level="must",
                   source="Anthropic docs, Streaming Messages, event flow (a final message_stop); "
                          "anthropic-sdk-python src/anthropic/types/raw_message_stop_event.py; "
                          "openapi/anthropic-messages.yaml#/components/schemas/MessageStopEvent")
def test_message_stop(stream):
    """`message_stop` ends the stream: exactly one, the last event (W: a `data: [DONE]` after it,
    which the official SDKs ignore; undecided when the API ended the stream with an error event)."""
    not_errored(stream, f"its {STOP}")
    events = stream.stream_events()
    stops = [e.index for e in events if _type(e) == STOP]
    expect(len(stops) == 1, f"exactly one {STOP}", f"{len(stops)}: {[_type(e) for e in events][-4:]}")
    after = events[stops[0] + 1:]
    expect(not stream.framing.trailing, f"nothing after {STOP}", stream.framing.trailing)
    if any(e.data != "[DONE]" for e in after):
        fail(f"{STOP} as the last event", [e.raw for e in after][:3])
    if after:
        warn(f"{STOP} as the last event (no [DONE]: that is OpenAI's)", [e.raw for e in after][:3])


def _type(event):
    data = event.json()
    return data.get("type") if isinstance(data, dict) else None


@pytest.mark.check("anthropic-messages/stream/no-error-event", level="should",
                   source="Anthropic docs, Streaming Messages, error events (the official API may send an error event "
                          "mid-stream); openapi/anthropic-messages.yaml#/components/schemas/ErrorEvent")
def test_no_error_event(stream):
    """Errors come before the stream starts: no `error` event after status 200 — but for the one
    that ends a begun stream, which the official API sends when overloaded (undecided: run again)."""
    error = ending_error(_data(stream))
    if error is not None:
        raise Error("the API ended the stream with an error event",
                    f"event error ({sub(error, 'error').get('type')}) ended the stream after message_start, as the "
                    "official API does when overloaded: nothing to judge here (run again).")
    for event in stream.stream_events():
        expect(event.event != "error" and _type(event) != "error", "no error event after status 200",
               event.raw)


@pytest.mark.check("anthropic-messages/stream/usage", level="must",
                   source="anthropic-sdk-python src/anthropic/types/usage.py, anthropic-sdk-python "
                          "src/anthropic/types/message_delta_usage.py; anthropic-sdk-python "
                          "src/anthropic/types/message_create_params.py max_tokens; "
                          "openapi/anthropic-messages.yaml#/components/schemas/Usage; "
                          "openapi/anthropic-messages.yaml#/components/schemas/MessageDeltaUsage")
def test_usage(stream):
    """message_start.message.usage.input_tokens and the final usage.output_tokens are non-negative
    integers; output_tokens never exceeds max_tokens (undecided when the API ended the stream with an
    error event)."""
    not_errored(stream, "its final usage")
    data = _data(stream)
    start = next((d for d in data if d.get("type") == START), {})
    usage = sub(start, "message").get("usage") if isinstance(start.get("message"), dict) else None
    expect(isinstance(usage, dict), f"usage in {START}.message", start)
    checks.usage_numbers(usage, ("input_tokens",), None, ())
    final = [d["usage"] for d in data
             if d.get("type") == MESSAGE_DELTA and isinstance(d.get("usage"), dict)]
    expect(final, f"usage in {MESSAGE_DELTA}", _types(stream))
    checks.usage_numbers(final[-1], ("output_tokens",), None, ())
    checks.within_limit(final[-1]["output_tokens"], stream.request.body["max_tokens"], "max_tokens")
