"""The Responses WebSocket mode (issue 22, feature `websocket`): `response.create` events on one
connection to /v1/responses, answered with the events of the SSE stream. One connection carries
five `response.create` (llmconform.websocket: a turn, its continuation, an unknown previous
response, two at once); only a profile declaring the `websocket` feature sends them.

Each frame is read as the stream's events are: a documented server event type
(`ResponsesServerEvent`, the stream's members and `ResponseWsError`), valid against its schema, in
the stream's event grammar."""

from typing import Any

import pytest

from llmconform import checks, spec
from llmconform.exchange import Exchange, Sequence
from llmconform.surfaces.openai_responses import TERMINAL, streamed_text, terminal, terminal_response
from llmconform.surfaces.responses_stream import EVENTS, grammar_problem
from llmconform.verdict import expect, fail

pytestmark = pytest.mark.feature("websocket")

RESPONSES = spec.load("openai-responses")
SERVER_EVENTS = {kind: ref.rsplit("/", 1)[-1]
                 for kind, ref in RESPONSES.schemas["ResponsesServerEvent"]["discriminator"]["mapping"].items()}
OPENAPI = "openai-python api_reference/openapi.transformed.yml at e43b4224 (2026-08-21)"
GUIDE = "OpenAI docs, WebSocket mode (developers.openai.com/api/docs/guides/websocket-mode)"
CREATED, COMPLETED = EVENTS["created"], EVENTS["completed"]
ENDS = (*EVENTS.all("ends"),)


def turn_of(flow: Sequence, name: str, owner: str) -> Exchange:
    """A turn of the connection, whole. The upgrade refused is the first turn's failure (its check
    owns it); a turn cut or never ended is `owner`'s."""
    exchange = flow.last(name)
    if exchange.outcome.kind == "refused":
        return flow.answered(name)
    return flow.answered(name, owner=owner)


def frames(turn: Exchange) -> list[dict[str, Any]]:
    """Each frame of a turn: a JSON object of a documented server event type, valid against that
    type's schema (openapi/openai-responses.yaml#/components/schemas/ResponsesServerEvent); the
    first turn's check holds every frame to it, the others read what they need."""
    payloads = []
    for event, data in turn.data_events():
        kind = data.get("type") if isinstance(data, dict) else None
        if kind not in SERVER_EVENTS:
            fail("every frame a documented server event (a ResponsesServerEvent type)",
                 f"frame {event.index}: type {kind!r}: {event.raw[:200]}", exchange=turn)
        RESPONSES.check(SERVER_EVENTS[kind], data, what=f"frame {event.index} ({kind})")
        payloads.append(data)
    expect(payloads, "at least one server event", turn.excerpt(), exchange=turn)
    return payloads


def one_response(turn: Exchange, what: str, payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A turn answered as a stream is: the stream's event grammar, ending in response.completed
    (or .incomplete: the tiny output limit may cut a reasoning model short)."""
    ended = terminal(payloads)
    expect(ended is not None and ended.get("type") in TERMINAL and ended.get("type") != EVENTS["failed"],
           f"{what} to end in {COMPLETED} (or {EVENTS['incomplete']})",
           [p.get("type") for p in payloads][-3:], exchange=turn)
    problem = grammar_problem(payloads)
    expect(problem is None, f"{what}'s events in the stream's order", problem, exchange=turn)
    return payloads


@pytest.mark.check("openai-responses/websocket/create", level="must",
                   source=f"{OPENAPI} ResponsesClientEventResponseCreate (CreateResponse's fields), "
                          "ResponsesServerEvent (the ResponseStreamEvent members); "
                          "openapi/openai-responses.yaml#/components/schemas/ResponsesServerEvent")
def test_create(websocket):
    """The WebSocket upgrade of the Responses path succeeds (101), and a `response.create` on it is
    answered with the events of a stream: every frame a documented server event valid against its
    schema, in the stream's order, ending in response.completed."""
    turn = websocket.answered("create")
    one_response(turn, "the first response.create", frames(turn))


@pytest.mark.check("openai-responses/websocket/usage", level="must",
                   source=f"{OPENAPI} ResponsesServerEvent (response.completed: ResponseCompletedEvent, its "
                          "Response.usage as on the SSE stream); openapi/openai-responses.yaml#/components/schemas/"
                          "ResponseUsage")
def test_usage(websocket):
    """The response a WebSocket turn completes carries its usage, as on the SSE stream: a
    ResponseUsage with input_tokens above 0, and output_tokens above 0 when text arrived (F);
    within ±50 % of the text's estimate (W)."""
    turn = websocket.answered("create")
    payloads = turn.data_objects()
    # No completed response on the first turn is websocket/create's FAIL; usage is not judged then.
    ended = terminal(payloads)
    checks.need(ended is not None and ended.get("type") in TERMINAL and isinstance(ended.get("response"), dict),
                "a response ended on the first WebSocket turn", [p.get("type") for p in payloads][-2:],
                owner="websocket/create", exchange=turn)
    usage = terminal_response(payloads).get("usage")
    expect(isinstance(usage, dict), "usage on the completed response", [p.get("type") for p in payloads][-2:],
           exchange=turn)
    RESPONSES.check("ResponseUsage", usage, what="the WebSocket response's usage")
    checks.usage_consistent(usage.get("input_tokens"), usage.get("output_tokens"), streamed_text(payloads),
                            where="the WebSocket response's usage")


@pytest.mark.check("openai-responses/websocket/sequential", level="must",
                   source=f"{OPENAPI} ResponsesClientEventResponseCreate (previous_response_id, a CreateResponse "
                          f"field); {GUIDE} (continue each turn by previous_response_id on the open socket)")
def test_sequential(websocket):
    """A second `response.create` on the same connection, naming the first response in
    `previous_response_id`, is answered in turn: a new response (its own id), completed, echoing that
    id (or null)."""
    first = terminal_response(websocket.answered("create").data_objects())
    turn = turn_of(websocket, "continue", "websocket/sequential")
    payloads = one_response(turn, "the response.create continuing the first", turn.data_objects())
    second = terminal_response(payloads)
    expect(second.get("id") and second.get("id") != first.get("id"),
           f"a response of its own (an id other than {first.get('id')!r})", second.get("id"), exchange=turn)
    expect(second.get("previous_response_id") in (None, first.get("id")),
           f"previous_response_id echoed as {first.get('id')!r} (or null)", second.get("previous_response_id"),
           exchange=turn)


@pytest.mark.check("openai-responses/websocket/one-in-flight", level="must",
                   source=f"{OPENAPI} ResponsesClientEventResponseCreate.stream_id (requests on the same lane are "
                          f"processed FIFO); {GUIDE} (one connection runs its responses one at a time)")
def test_one_in_flight(websocket):
    """Two `response.create` sent back to back on one connection (no `stream_id`: one lane) are not
    run at once: the second response starts only after the first has ended (FIFO), or is refused
    with an `error` event — never a second response.created while the first is in flight."""
    turn = turn_of(websocket, "in-flight", "websocket/one-in-flight")
    payloads = turn.data_objects()
    open_at: int | None = None
    started = 0
    for index, data in enumerate(payloads):
        kind = data.get("type")
        if kind == CREATED:
            expect(open_at is None, "one response in flight per connection: the second response.created after "
                   "the first response ended", f"frame {index}: {CREATED} while the response created at frame "
                   f"{open_at} is still in flight ({[p.get('type') for p in payloads[open_at or 0:index + 1]][-4:]})",
                   exchange=turn)
            open_at, started = index, started + 1
        elif kind in TERMINAL:
            open_at = None
    ends = [p.get("type") for p in payloads if p.get("type") in ENDS]
    expect(len(ends) == 2, "each of the two response.create ended (a terminal event or an error)", ends,
           exchange=turn)
    expect(started >= 1, "the first of the two answered with a response", ends, exchange=turn)


@pytest.mark.check("openai-responses/websocket/previous-not-found", level="should",
                   source=f"{GUIDE} (previous_response_not_found when the previous response cannot be found); "
                          f"{OPENAPI} ResponseWsError; openapi/openai-responses.yaml#/components/schemas/"
                          "ResponseWsError")
def test_previous_not_found(websocket):
    """A `response.create` naming a previous response that never existed is refused with an `error`
    event (ResponseWsError) whose `error.code` is `previous_response_not_found` — not answered as if
    the conversation started afresh (W: the code is the guide's, no machine-readable definition
    names it)."""
    turn = turn_of(websocket, "unknown-previous", "websocket/previous-not-found")
    payloads = turn.data_objects()
    ended = next((p for p in payloads if p.get("type") in ENDS), None)
    expect(ended is not None and ended.get("type") == "error",
           "an error event refusing the unknown previous_response_id", ended and ended.get("type"), exchange=turn)
    assert ended is not None
    RESPONSES.check("ResponseWsError", ended, what="the error event")
    code = ended.get("error", {}).get("code") if isinstance(ended.get("error"), dict) else None
    expect(code == "previous_response_not_found", "error.code previous_response_not_found",
           f"error: {ended.get('error')}", exchange=turn)
