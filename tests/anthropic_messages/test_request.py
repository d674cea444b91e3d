"""What the provider is sent: parameters the API defines."""

import pytest

from llmconform import checks


@pytest.mark.check("anthropic-messages/request/unknown-params", level="should",
                   source=("openapi/anthropic-messages.yaml#/components/schemas/CreateMessageRequest "
                           "(anthropic-sdk-python types/message_create_params.py, "
                           "types/beta/message_create_params.py)"))
def test_unknown_params(basic):
    """The request carries only parameters the Messages API defines (W: a typo is silently ignored,
    and the caller never learns it)."""
    checks.unknown_parameters("anthropic-messages", "CreateMessageRequest", basic.request.body)
