"""A streamed answer's delivery: answered as a stream, whole, valid UTF-8 — one rule for every
surface that streams server-sent events after a 200 (Gemini's, sent with `alt=sse`, are its own)."""

import pytest

from llmconform import checks

SURFACES = ["anthropic-messages", "openai-chat", "openai-responses"]
pytestmark = [pytest.mark.feature("stream"), pytest.mark.parametrize("surface", SURFACES)]


@pytest.mark.check("{surface}/stream/content-type")
def test_content_type(surface, stream):
    """A stream answers 200 with `Content-Type: text/event-stream` (a refused stream request fails
    here, once)."""
    checks.stream_answered(stream)


@pytest.mark.check("{surface}/stream/terminates")
def test_terminates(surface, stream):
    """The {surface} stream arrives whole: not reset, stalled or endless, and it closes only after
    its end (the surface's terminal event). A cut stream fails here, once; the checks that needed the
    rest of it are left undecided."""
    stream.stream_events()


@pytest.mark.check("{surface}/stream/utf8")
def test_utf8(surface, stream):
    """The stream is valid UTF-8 from the first byte to the last (bad bytes fail even in a stream
    that was cut later; a clean but cut stream is left to stream/terminates)."""
    checks.stream_utf8(stream)
