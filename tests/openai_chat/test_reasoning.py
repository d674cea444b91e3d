"""Reasoning: beside the answer, never inside it."""

import pytest

from llmconform import checks
from llmconform.surfaces.openai_chat import choices, message
from llmconform.verdict import expect


@pytest.mark.check("openai-chat/reasoning/placement", level="should",
                   source="a relay extension, not in the official API: "
                          "shared/seeds/mixrouter-claude-via-chat-completions.txt (reasoning_content); "
                          "openapi/openai-chat.yaml#/components/schemas/AssistantMessage")
@pytest.mark.feature("reasoning")
def test_placement(reasoning):
    """With reasoning asked for, its text sits in `reasoning_content` (or `reasoning`), not in content."""
    msg = message(checks.ok_json(reasoning))
    checks.no_reasoning_markup(msg.get("content") or "", "message.content")
    text = msg.get("reasoning_content") or msg.get("reasoning")
    expect(isinstance(text, str) and text.strip(), "reasoning text in message.reasoning_content or .reasoning",
           {k: v for k, v in msg.items() if k != "content"})


@pytest.mark.check("openai-chat/reasoning/signature", level="should",
                   source="a relay extension, not in the official API: "
                          "shared/seeds/toiotech-claude-interleaved-thinking-via-chat-completions.txt (signature); "
                          "openapi/openai-chat.yaml#/components/schemas/AssistantMessage")
@pytest.mark.feature("reasoning")
def test_signature(reasoning):
    """A thinking `signature`, where the relay passes one through, is a non-empty string."""
    msg = message(checks.ok_json(reasoning))
    if "signature" not in msg:
        pytest.skip("no signature given")
    expect(isinstance(msg["signature"], str) and msg["signature"], "a non-empty signature string",
           msg["signature"])


@pytest.mark.check("openai-chat/reasoning/stream-placement", level="should",
                   source="a relay extension, not in the official API: "
                          "shared/seeds/mixrouter-claude-via-chat-completions.txt (delta.reasoning_content); "
                          "openapi/openai-chat.yaml#/components/schemas/ChatCompletionChunk")
@pytest.mark.feature("reasoning")
@pytest.mark.feature("stream")
def test_stream_placement(reasoning_stream):
    """Streamed, reasoning arrives in `delta.reasoning_content` (or `reasoning`), never in `delta.content`."""
    reasoning_text, visible = "", ""
    for chunk in reasoning_stream.data_objects():
        for choice in choices(chunk):
            delta = choice.get("delta") or {}
            reasoning_text += delta.get("reasoning_content") or delta.get("reasoning") or ""
            visible += delta.get("content") or ""
    checks.no_reasoning_markup(visible, "delta.content")
    expect(reasoning_text.strip(), "reasoning text in delta.reasoning_content or delta.reasoning",
           visible[:200])
