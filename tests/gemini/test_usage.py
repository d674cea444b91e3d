"""usageMetadata: the numbers a bill is computed from."""

import pytest

from llmconform import checks
from llmconform.surfaces.gemini import count, is_count, text, thoughts, usage_arithmetic, usage_given, usage_numbers
from llmconform.verdict import warn


def _count(value):
    return is_count(value)


def _usage(exchange):
    """The answer's usageMetadata; undecided when it has none (output only, not required)."""
    return usage_given(checks.ok_json(exchange), "the answer")


@pytest.mark.check("gemini/usage/numbers", level="must",
                   source="googleapis google/ai/generativelanguage/v1beta/generative_service.proto UsageMetadata "
                          "(int32 counts); openapi/gemini.yaml#/components/schemas/UsageMetadata")
def test_numbers(basic):
    """promptTokenCount, candidatesTokenCount and totalTokenCount are non-negative integers; the optional
    counts (thoughts, cached, tool use), where given, too."""
    usage_numbers(_usage(basic), bool(text(checks.ok_json(basic))))


@pytest.mark.check("gemini/usage/arithmetic", level="must",
                   source="googleapis google/ai/generativelanguage/v1beta/generative_service.proto "
                          "UsageMetadata.total_token_count (the sum of the counts; proto3 JSON omits zeros); "
                          "openapi/gemini.yaml#/components/schemas/UsageMetadata")
def test_arithmetic(basic):
    """totalTokenCount = promptTokenCount + candidatesTokenCount + thoughtsTokenCount (+
    toolUsePromptTokenCount), as the reference defines it; an absent count is zero."""
    usage_arithmetic(_usage(basic))


@pytest.mark.check("gemini/usage/within-limit", level="must",
                   source="googleapis google/ai/generativelanguage/v1beta/generative_service.proto "
                          "GenerationConfig.max_output_tokens, UsageMetadata.candidates_token_count (plain int32, "
                          "a zero one left out of the JSON); openapi/gemini.yaml#/components/schemas/UsageMetadata; "
                          "openapi/gemini.yaml#/components/schemas/GenerationConfig")
def test_within_limit(basic):
    """candidatesTokenCount never exceeds the request's generationConfig.maxOutputTokens (an absent
    count is 0, as the protobuf JSON mapping leaves zeros out)."""
    limit = basic.request.output_limit
    if limit is None:
        pytest.skip("the request sets no generationConfig.maxOutputTokens (a documented request)")
    checks.within_limit(count(_usage(basic), "candidatesTokenCount"), limit, "maxOutputTokens")


@pytest.mark.check("gemini/usage/details-consistent", level="should",
                   source="googleapis google/ai/generativelanguage/v1beta/generative_service.proto UsageMetadata "
                          "details (a heuristic agreement of the counts); "
                          "openapi/gemini.yaml#/components/schemas/UsageMetadata; "
                          "openapi/gemini.yaml#/components/schemas/ModalityTokenCounts")
def test_details_consistent(basic):
    """Detail counts agree with the totals (W): no candidatesTokenCount 0 beside a text answer, no
    promptTokenCount 0 for a non-empty prompt, promptTokensDetails adding up to promptTokenCount,
    cachedContentTokenCount within promptTokenCount, no thoughtsTokenCount 0 beside thought parts."""
    data = checks.ok_json(basic)
    meta = _usage(basic)
    contradictions = []
    if text(data) and not meta.get("candidatesTokenCount"):
        contradictions.append(f"candidatesTokenCount {meta.get('candidatesTokenCount', 'absent')} beside a text answer")
    if not meta.get("promptTokenCount"):
        contradictions.append(f"promptTokenCount {meta.get('promptTokenCount', 'absent')} for a non-empty prompt")
    details = meta.get("promptTokensDetails")
    if isinstance(details, list) and details and _count(meta.get("promptTokenCount")):
        total = sum(d.get("tokenCount", 0) for d in details if isinstance(d, dict) and _count(d.get("tokenCount", 0)))
        if total != meta["promptTokenCount"]:
            contradictions.append(f"promptTokensDetails add up to {total} beside promptTokenCount "
                                  f"{meta['promptTokenCount']}")
    cached, prompt = meta.get("cachedContentTokenCount"), meta.get("promptTokenCount")
    if _count(cached) and _count(prompt) and cached > prompt:
        contradictions.append(f"cachedContentTokenCount {cached} above promptTokenCount {prompt}")
    if thoughts(data) and not meta.get("thoughtsTokenCount"):
        contradictions.append("thoughtsTokenCount 0 beside thought parts")
    if contradictions:
        warn("usageMetadata details consistent with the totals", "; ".join(contradictions))
