"""The forced tool call, answered and streamed: one rule for every surface whose tool_choice names
the one tool to call (Gemini's allows a list of them: its rule is its own)."""

import pytest

from llmconform.surfaces import SURFACE_MODULES, having
from llmconform.verdict import expect

FORCED = "get_weather"
# The surfaces whose answers (and streams) name the calls made, where tool_choice names one tool.
CALLS = having(lambda surface: surface.forced_call_names and surface.streamed_call_names)
pytestmark = [pytest.mark.feature("tools"), pytest.mark.parametrize("surface", CALLS)]


@pytest.mark.check("{surface}/tools/forced-call", level="must",
                   source="openapi/{surface}.yaml request schema, tool choice (the official forced-tool mode: the "
                          "model must call it)")
def test_forced_call(surface, tools_forced):
    """tool_choice naming get_weather → the {surface} answer calls get_weather; a text answer fails,
    whatever the model (the provider must honour tool_choice or refuse the request)."""
    readers = SURFACE_MODULES[surface]
    names = readers.forced_call_names(tools_forced)
    expect(FORCED in names, f"a {readers.call} {FORCED}", names)


@pytest.mark.check("{surface}/stream-tools/forced-call", level="must",
                   source="openapi/{surface}.yaml request schema, tool choice (the official forced-tool mode: the "
                          "model must call it)")
@pytest.mark.feature("stream")
def test_streamed_forced_call(surface, tools_stream):
    """Streamed, tool_choice naming get_weather → the {surface} stream calls get_weather; streamed
    text instead fails, whatever the model."""
    readers = SURFACE_MODULES[surface]
    names = readers.streamed_call_names(tools_stream)
    expect(FORCED in names, f"a streamed {readers.call} {FORCED}", names)
