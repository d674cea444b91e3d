"""Reasoning: beside the answer, never inside it."""

import pytest

from llmconform import checks
from llmconform.surfaces.openai_chat import choices, message
from llmconform.verdict import expect


@pytest.mark.check("openai-chat/reasoning/placement", level="should",
                   source="a relay extension, not in the official API (which keeps reasoning hidden): "
                          "shared/seeds/mixrouter-claude-via-chat-completions.txt (reasoning_content); "
                          "openapi/openai-chat.yaml#/components/schemas/AssistantMessage")
@pytest.mark.feature("reasoning")
def test_placement(reasoning):
    """With reasoning asked for, its text never sits in content, and where the answer gives it, it is
    text in `reasoning_content` (or `reasoning`). None at all is the official API's own answer: it
    keeps the reasoning hidden and only counts it (openai-python api_reference/openapi.transformed.yml
    ChatCompletionResponseMessage has no reasoning field; CompletionUsage.completion_tokens_details
    .reasoning_tokens)."""
    msg = message(checks.ok_json(reasoning))
    checks.no_reasoning_markup(msg.get("content") or "", "message.content")
    given = {k: msg[k] for k in ("reasoning_content", "reasoning") if msg.get(k) is not None}
    for key, text in given.items():
        expect(isinstance(text, str) and text.strip(), f"reasoning text in message.{key}", text)


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
                   source="a relay extension, not in the official API (which keeps reasoning hidden): "
                          "shared/seeds/mixrouter-claude-via-chat-completions.txt (delta.reasoning_content); "
                          "openapi/openai-chat.yaml#/components/schemas/ChatCompletionChunk")
@pytest.mark.feature("reasoning")
@pytest.mark.feature("stream")
def test_stream_placement(reasoning_stream):
    """Streamed, reasoning never arrives in `delta.content`; where the stream gives it, it is text in
    `delta.reasoning_content` (or `reasoning`). None at all is the official API's own stream (the
    reasoning stays hidden: ChatCompletionStreamResponseDelta has no reasoning field)."""
    reasoning_text, visible, given = "", "", False
    for chunk in reasoning_stream.data_objects():
        for choice in choices(chunk):
            delta = choice.get("delta") or {}
            given = given or any(delta.get(k) is not None for k in ("reasoning_content", "reasoning"))
            reasoning_text += delta.get("reasoning_content") or delta.get("reasoning") or ""
            visible += delta.get("content") or ""
    checks.no_reasoning_markup(visible, "delta.content")
    if given:
        expect(reasoning_text.strip(), "reasoning text in delta.reasoning_content or delta.reasoning",
               visible[:200])
