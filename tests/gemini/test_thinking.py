"""Thinking: thoughts in parts marked `thought: true`, apart from the answer, and counted."""

import pytest

from llmconform import checks
from llmconform.surfaces.gemini import count, parts, text, thoughts, usage, usage_given
from llmconform.verdict import expect, skip

thinking_feature = pytest.mark.feature("thinking")


@pytest.mark.check("gemini/thinking/thought-parts", level="should",
                   source="python-genai google/genai/types.py ThinkingConfig.include_thoughts (thoughts returned only "
                          "when available); openapi/gemini.yaml#/components/schemas/ThinkingConfig; "
                          "openapi/gemini.yaml#/components/schemas/ResponsePart")
@thinking_feature
def test_thought_parts(thinking):
    """`thinkingConfig.includeThoughts` → parts with `thought: true` before the answer, and a non-empty
    answer in parts without it, free of reasoning markup. Skipped when the model did not think (no
    thought part and no thoughtsTokenCount): includeThoughts returns thoughts "only when available"
    (googleapis generative_service.proto ThinkingConfig.include_thoughts)."""
    data = checks.ok_json(thinking)
    found = parts(data)
    flags = [p.get("thought") is True for p in found]
    if not any(flags) and not count(usage(data), "thoughtsTokenCount"):
        skip("no thought part and no thoughtsTokenCount: the model did not think, and includeThoughts returns "
             "thoughts only when available (ThinkingConfig.include_thoughts)")
    expect(any(flags), "a part with thought: true (includeThoughts was set)", found)
    first_answer = next((i for i, p in enumerate(found) if p.get("thought") is not True and p.get("text")), len(found))
    expect(any(flags[:first_answer]), "the thought parts before the answer", flags)
    answer = text(data)
    expect(answer.strip(), "a non-empty answer in parts without thought: true", found)
    checks.no_reasoning_markup(answer, "the answer parts of a thinking answer")


@pytest.mark.check("gemini/thinking/thoughts-token-count", level="must",
                   source="googleapis google/ai/generativelanguage/v1beta/generative_service.proto "
                          "UsageMetadata.thoughts_token_count (the tokens of the thoughts); "
                          "openapi/gemini.yaml#/components/schemas/UsageMetadata")
@thinking_feature
def test_thoughts_token_count(thinking):
    """Thinking is counted: usageMetadata.thoughtsTokenCount is an integer above 0 beside thought parts
    (skipped without thought parts: nothing shown to count)."""
    data = checks.ok_json(thinking)
    if not thoughts(data):  # includeThoughts returns thoughts only when available
        skip("no thought parts to count (thinking/thought-parts judges their absence)")
    meta = usage_given(data, "the thinking answer")  # usageMetadata is optional: skipped without it
    count = meta.get("thoughtsTokenCount")
    expect(isinstance(count, int) and not isinstance(count, bool) and count > 0,
           "usageMetadata.thoughtsTokenCount above 0", meta)
