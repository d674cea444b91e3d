"""Extended thinking: a signed thinking block before the text, the budget rules, the round trip."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces.anthropic_messages import blocks, not_refused, text
from llmconform.verdict import expect, warn

MESSAGES = spec.load("anthropic-messages")
thinking_feature = pytest.mark.feature("thinking")


def _thinking_blocks(exchange):
    data = checks.ok_json(exchange)
    found = blocks(data, "thinking") + blocks(data, "redacted_thinking")
    if not found:
        not_refused(data.get("stop_reason"), "any thinking")
    expect(found, "a thinking block in content (thinking was enabled)",
           [b.get("type") for b in blocks(data)] or data.get("content"))
    return data


@pytest.mark.check("anthropic-messages/thinking/block-order", level="must",
                   source="Anthropic docs, Extended thinking (thinking blocks, then the text); anthropic-sdk-python "
                          "src/anthropic/types/thinking_config_enabled_param.py; "
                          "openapi/anthropic-messages.yaml#/components/schemas/ThinkingBlock")
@thinking_feature
def test_block_order(thinking):
    """`thinking: {type: enabled, budget_tokens}` → a `thinking` block before the first text block."""
    data = _thinking_blocks(thinking)
    kinds = [b.get("type") for b in blocks(data)]
    first_text = kinds.index("text") if "text" in kinds else len(kinds)
    expect(any(k in ("thinking", "redacted_thinking") for k in kinds[:first_text]),
           "the thinking block before the text", kinds)


@pytest.mark.check("anthropic-messages/thinking/signature", level="must",
                   source="anthropic-sdk-python src/anthropic/types/thinking_block.py signature: str (required); "
                          "openapi/anthropic-messages.yaml#/components/schemas/ThinkingBlock")
@thinking_feature
def test_signature(thinking):
    """Every thinking block carries a non-empty `signature` (clients send it back unchanged)."""
    data = _thinking_blocks(thinking)
    for position, block in enumerate(blocks(data, "thinking")):
        signature = block.get("signature")
        expect(isinstance(signature, str) and signature,
               f"a non-empty signature on thinking block {position}", signature)


@pytest.mark.check("anthropic-messages/thinking/text-without-markup", level="should",
                   source="llmconform heuristic: reasoning markup in the visible text (no official rule names it)")
@thinking_feature
def test_text_without_markup(thinking):
    """With thinking enabled, the thinking stays in its block: the text carries no reasoning markup."""
    data = checks.ok_json(thinking)
    checks.no_reasoning_markup(text(data), "the text blocks of a thinking answer")


@pytest.mark.check("anthropic-messages/thinking/interleaved-budget", level="should",
                   source="Anthropic docs, Extended thinking, interleaved thinking (beta header "
                          "interleaved-thinking-2025-05-14)")
@thinking_feature
def test_interleaved_budget(interleaved):
    """With `anthropic-beta: interleaved-thinking-2025-05-14` the budget may exceed max_tokens: the
    request is answered (W when refused with a 4xx: the relay drops or ignores the beta header)."""
    interleaved.complete()
    if interleaved.status is not None and 400 <= interleaved.status < 500:
        warn("budget_tokens above max_tokens accepted with the interleaved-thinking beta header",
             f"status {interleaved.status}: {interleaved.excerpt()}")
    MESSAGES.check("Message", checks.ok_json(interleaved), what="the answer with the interleaved beta")


@pytest.mark.check("anthropic-messages/thinking/roundtrip", level="must",
                   source="Anthropic docs, Extended thinking, preserving thinking blocks; anthropic-sdk-python "
                          "src/anthropic/types/thinking_block_param.py; "
                          "openapi/anthropic-messages.yaml#/components/schemas/ThinkingBlockParam")
@thinking_feature
def test_roundtrip(thinking, thinking_roundtrip):
    """The thinking answer sent back as the assistant turn, thinking block and signature unchanged,
    with a new user turn → accepted and answered."""
    if not blocks(checks.ok_json(thinking), "thinking"):
        pytest.skip("the thinking probe gave no thinking block to send back (see thinking/block-order)")
    data = checks.ok_json(thinking_roundtrip)
    MESSAGES.check("Message", data, what="the answer after a thinking turn sent back")
