"""What the provider is sent: parameters the API defines."""

import pytest

from llmconform import checks


@pytest.mark.check("anthropic-messages/request/unknown-params", level="should",
                   source="anthropic-sdk-python src/anthropic/types/message_create_params.py (the parameters the API "
                          "defines); openapi/anthropic-messages.yaml#/components/schemas/CreateMessageRequest")
def test_unknown_params(basic):
    """The request carries only parameters the Messages API defines (W: a typo is silently ignored,
    and the caller never learns it)."""
    checks.unknown_parameters("anthropic-messages", "CreateMessageRequest", basic.request.body)
