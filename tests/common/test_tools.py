"""The forced tool call, answered and streamed: one rule for every surface whose tool_choice names
the one tool to call (Gemini's allows a list of them: its rule is its own)."""

import pytest

from llmconform.surfaces import anthropic_messages, openai_chat, openai_responses
from llmconform.verdict import expect

FORCED = "get_weather"
# Each surface's readers of the forced call (its answer's and its stream's call names), and how a
# verdict names a call of it.
CALLS = {"anthropic-messages": (anthropic_messages, "tool_use of the requested tool"),
         "openai-chat": (openai_chat, "call of the requested function"),
         "openai-responses": (openai_responses, "call of the requested function")}
pytestmark = [pytest.mark.feature("tools"), pytest.mark.parametrize("surface", list(CALLS))]


@pytest.mark.check("{surface}/tools/forced-call", level="must",
                   source="openapi/{surface}.yaml request schema, tool choice (the official forced-tool mode: the "
                          "model must call it)")
def test_forced_call(surface, tools_forced):
    """tool_choice naming get_weather → the {surface} answer calls get_weather; a text answer fails,
    whatever the model (the provider must honour tool_choice or refuse the request)."""
    readers, call = CALLS[surface]
    names = readers.forced_call_names(tools_forced)
    expect(FORCED in names, f"a {call} {FORCED}", names)


@pytest.mark.check("{surface}/stream-tools/forced-call", level="must",
                   source="openapi/{surface}.yaml request schema, tool choice (the official forced-tool mode: the "
                          "model must call it)")
@pytest.mark.feature("stream")
def test_streamed_forced_call(surface, tools_stream):
    """Streamed, tool_choice naming get_weather → the {surface} stream calls get_weather; streamed
    text instead fails, whatever the model."""
    readers, call = CALLS[surface]
    names = readers.streamed_call_names(tools_stream)
    expect(FORCED in names, f"a streamed {call} {FORCED}", names)
