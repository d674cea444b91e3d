"""POST /v1/messages/count_tokens, where the profile declares it."""

import pytest

from llmconform import checks, spec
from llmconform.verdict import expect

pytestmark = pytest.mark.feature("count_tokens")


@pytest.mark.check("anthropic-messages/count-tokens/input-tokens", level="must",
                   source="anthropic-sdk-python src/anthropic/types/message_tokens_count.py (input_tokens: int); "
                          "openapi/anthropic-messages.yaml#/components/schemas/CountTokensResponse")
def test_input_tokens(count_tokens):
    """The count of a short request is `{"input_tokens": <integer>}` (CountTokensResponse), above 0."""
    data = checks.ok_json(count_tokens)
    spec.load("anthropic-messages").check("CountTokensResponse", data, what="the token count")
    expect(data["input_tokens"] > 0, "input_tokens above 0 for a non-empty message", data["input_tokens"])
