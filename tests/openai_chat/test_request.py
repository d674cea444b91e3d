"""What the provider is sent: parameters the API defines."""

import pytest

from llmconform import checks


@pytest.mark.check("openai-chat/request/unknown-params", level="should",
                   source="openai-python api_reference/openapi.transformed.yml CreateChatCompletionRequest (the "
                          "parameters the API defines); "
                          "openapi/openai-chat.yaml#/components/schemas/CreateChatCompletionRequest")
def test_unknown_params(basic):
    """The request carries only parameters Chat Completions defines (W: a typo such as `steam` is
    silently ignored, and the caller never learns it)."""
    checks.unknown_parameters("openai-chat", "CreateChatCompletionRequest", basic.request.body)
