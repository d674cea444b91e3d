"""Usage: the numbers a bill is computed from."""

import pytest

from llmconform import checks
from llmconform.verdict import expect


@pytest.mark.check("embeddings/usage/numbers", level="must",
                   source="openai-python api_reference/openapi.transformed.yml CreateEmbeddingResponse.usage "
                          "(prompt_tokens, total_tokens: integer); "
                          "openapi/embeddings.yaml#/components/schemas/CreateEmbeddingResponse")
def test_numbers(basic):
    """usage.prompt_tokens and usage.total_tokens are non-negative integers; total ≥ prompt."""
    usage = checks.ok_json(basic).get("usage")
    numbers = checks.usage_numbers(usage, ("prompt_tokens", "total_tokens"), None, ())
    expect(numbers["total_tokens"] >= numbers["prompt_tokens"], "usage.total_tokens >= usage.prompt_tokens",
           numbers)
