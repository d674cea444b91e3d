"""The visible text of the plain answer, on every surface that answers in text: no reasoning
markup in it, no agent persona nobody asked for."""

import pytest

from llmconform import checks
from llmconform.surfaces import anthropic_messages, gemini, openai_chat, openai_responses

# Where each surface's answer holds its visible text, the concern its reasoning checks sit under,
# and how a verdict names that text.
TEXT = {"anthropic-messages": (anthropic_messages.text, "thinking", "the text blocks"),
        "gemini": (gemini.text, "thinking", "the text parts"),
        "openai-chat": (openai_chat.content, "reasoning", "message.content"),
        "openai-responses": (openai_responses.output_text, "reasoning", "output_text")}


def _text(surface, exchange):
    return TEXT[surface][0](checks.ok_json(exchange))


@pytest.mark.check("{surface}/{concern}/no-markup", level="should",
                   source="llmconform heuristic: reasoning markup in the visible text (no official rule names it)")
@pytest.mark.parametrize(("surface", "concern"), [(s, concern) for s, (_, concern, _) in TEXT.items()])
def test_no_markup(surface, concern, basic):
    """The visible text of the {surface} answer carries no reasoning markup (`<think>`, `<thinking>`,
    `<budget:thinking>`): reasoning belongs where the API puts it."""
    checks.no_reasoning_markup(_text(surface, basic), TEXT[surface][2])


@pytest.mark.check("{surface}/fingerprint/persona", level="should",
                   source="llmconform heuristic: an injected agent persona in the answer (no official rule)")
@pytest.mark.parametrize("surface", list(TEXT))
def test_persona(surface, basic):
    """No agent persona nobody asked for ("I'm Claude Code") in the {surface} answer's text (W: an
    injected system prompt)."""
    checks.no_persona(_text(surface, basic))
