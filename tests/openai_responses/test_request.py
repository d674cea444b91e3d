"""What the provider is sent: parameters the API defines."""

import pytest

from llmconform import checks


@pytest.mark.check("openai-responses/request/unknown-params", level="should",
                   source="openai-python api_reference/openapi.transformed.yml CreateResponse (the parameters the API "
                          "defines); openapi/openai-responses.yaml#/components/schemas/CreateResponseRequest")
def test_unknown_params(basic):
    """The request carries only parameters the Responses API defines (W: a typo such as `steam` or a
    Chat Completions name such as `max_tokens` is silently ignored, and the caller never learns it)."""
    checks.unknown_parameters("openai-responses", "CreateResponseRequest", basic.request.body)
