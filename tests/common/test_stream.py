"""A streamed answer's delivery: answered as a stream, whole, valid UTF-8 — one rule for every
surface that streams server-sent events after a 200 (Gemini's, sent with `alt=sse`, are its own) —
and what every stream holds: events of the declared shape, and text."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces import SURFACE_MODULES, having
from llmconform.verdict import expect

# The surfaces whose `stream` probe is answered with server-sent events on their own path.
SURFACES = having(lambda surface: surface.sse)
pytestmark = pytest.mark.feature("stream")
# The streams whose every event is one object of a single schema (no `type` to dispatch on), by
# the name their check has always had.
ONE_SCHEMA = [(name, *SURFACE_MODULES[name].event_schema) for name in having(lambda surface: surface.event_schema)]
# The streams of text (server-sent events, or pieces read apart: Gemini's has no end event, so an
# empty one is judged by the checks reading its pieces), but for a surface with its own rule (the
# Responses stream's: a reasoning model may spend the limit before its text).
TEXT_SURFACES = having(lambda surface: surface.text and (surface.sse or surface.streamed_pieces)
                       and "stream/text-nonempty" not in surface.own)


@pytest.mark.check("{surface}/stream/content-type", level="must",
                   source="openapi/{surface}.yaml (the 200 stream response: text/event-stream)")
@pytest.mark.parametrize("surface", SURFACES)
def test_content_type(surface, stream):
    """A stream answers 200 with `Content-Type: text/event-stream` (a refused stream request fails
    here, once)."""
    checks.stream_answered(stream)


@pytest.mark.check("{surface}/stream/terminates", level="must",
                   source="openapi/{surface}.yaml x-llmconform-events (the stream's terminal event)")
@pytest.mark.parametrize("surface", SURFACES)
def test_terminates(surface, stream):
    """The {surface} stream arrives whole: not reset, stalled or endless, and it closes only after
    its end (the surface's terminal event). A cut stream fails here, once; the checks that needed the
    rest of it are left undecided."""
    stream.stream_events()


@pytest.mark.check("{surface}/stream/utf8", level="must",
                   source="WHATWG HTML §9.2 server-sent events (text/event-stream is UTF-8)")
@pytest.mark.parametrize("surface", SURFACES)
def test_utf8(surface, stream):
    """The stream is valid UTF-8 from the first byte to the last (bad bytes fail even in a stream
    that was cut later; a clean but cut stream is left to stream/terminates)."""
    checks.stream_utf8(stream)


@pytest.mark.check("{surface}/stream/{name}", level="must",
                   source="openapi/{surface}.yaml#/components/schemas/{schema} (every event's payload)")
@pytest.mark.parametrize(("surface", "name", "schema"), ONE_SCHEMA)
def test_event_schema(surface, name, schema, stream):
    """Every event of the {surface} stream is `data: <{schema}>`: each payload validates against the
    spec."""
    for event, data in stream.data_events():
        spec.load(surface).check(schema, data, what=f"event {event.index}")


@pytest.mark.check("{surface}/stream/text-nonempty", level="should",
                   source="llmconform heuristic: a plain question gets streamed text (no official rule that an answer "
                          "is not empty)")
@pytest.mark.parametrize("surface", TEXT_SURFACES)
def test_text_nonempty(surface, stream):
    """The streamed text of the {surface} answer (the text its events carry, joined) is not empty
    (undecided when a reasoning model spent the output limit before any text, or the API refused or
    cut it with an error event)."""
    readers = SURFACE_MODULES[surface]
    pieces = readers.pieces(stream)
    # Undecided where the output limit may have gone to reasoning: Gemini thinks by default; a chat
    # reasoning model says so in completion_tokens_details. Anthropic's probes ask no extended
    # thinking, which is off unless requested: there, where the API refused the answer or ended the
    # stream with an overloaded_error event.
    if readers.spent_on_reasoning is not None:
        readers.spent_on_reasoning(stream)
    streamed = "".join(readers.event_text(p) for p in pieces)
    expect(streamed.strip(), "non-empty streamed text", stream.excerpt())
