"""POST :countTokens, where the profile declares it."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces.gemini import usage
from llmconform.verdict import expect, warn

pytestmark = pytest.mark.feature("count_tokens")
SLACK = 8  # tokens a template may add or a count may round, before "near" no longer holds


@pytest.mark.check("gemini/count-tokens/total-tokens", level="must",
                   source="googleapis google/ai/generativelanguage/v1beta/generative_service.proto "
                          "CountTokensResponse.total_tokens; "
                          "openapi/gemini.yaml#/components/schemas/CountTokensResponse")
def test_total_tokens(count_tokens):
    """The count of a short prompt is `{"totalTokens": <integer>}` (CountTokensResponse), above 0."""
    data = checks.ok_json(count_tokens)
    spec.load("gemini").check("CountTokensResponse", data, what="the token count")
    expect(data["totalTokens"] > 0, "totalTokens above 0 for a non-empty prompt", data["totalTokens"])


@pytest.mark.check("gemini/count-tokens/near-prompt", level="should",
                   source="googleapis google/ai/generativelanguage/v1beta/generative_service.proto "
                          "CountTokensResponse.total_tokens vs UsageMetadata.prompt_token_count (a heuristic "
                          "comparison)")
def test_near_prompt(count_tokens, basic):
    """The count is near the promptTokenCount the generate call reports for the same contents (W: far
    off says the provider counts with another tokenizer, or bills a prompt it adds)."""
    counted = checks.ok_json(count_tokens).get("totalTokens")
    prompt = usage(checks.ok_json(basic)).get("promptTokenCount")
    if not isinstance(counted, int) or not isinstance(prompt, int):
        pytest.skip("no count to compare (see count-tokens/total-tokens and usage/numbers)")
    if abs(counted - prompt) > max(SLACK, prompt // 2):
        warn(f"totalTokens near the generate call's promptTokenCount {prompt}", counted,
             counted=counted, prompt=prompt)
