"""Backend fingerprints every surface's plain answer can show: reported as warnings, never as
failures."""

import pytest

from llmconform import checks
from llmconform.surfaces import anthropic_messages, gemini, openai_chat, openai_responses

# Where each surface's answer holds its visible text.
TEXT = {"anthropic-messages": anthropic_messages.text, "gemini": gemini.text, "openai-chat": openai_chat.content,
        "openai-responses": openai_responses.output_text}


@pytest.mark.check("{surface}/fingerprint/persona")
@pytest.mark.parametrize("surface", list(TEXT))
def test_persona(surface, basic):
    """No agent persona nobody asked for ("I'm Claude Code") in the {surface} answer's text (W: an
    injected system prompt)."""
    checks.no_persona(TEXT[surface](checks.ok_json(basic)))


@pytest.mark.check("{surface}/fingerprint/usage-fields")
@pytest.mark.parametrize("surface", ["anthropic-messages", "openai-chat"])
def test_usage_fields(surface, basic):
    """usage holds only the fields the API declares (W: `claude_cache_creation_5_m_tokens` and
    friends are new-api's)."""
    checks.undeclared_fields(surface, "Usage", checks.ok_json(basic).get("usage"), "usage")
