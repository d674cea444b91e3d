"""What the provider is sent: parameters the API defines."""

from llmconform import checks


def test_unknown_params(basic):
    """The request carries only parameters Chat Completions defines (W: a typo such as `steam` is
    silently ignored, and the caller never learns it)."""
    checks.unknown_parameters("openai-chat", "CreateChatCompletionRequest", basic.request.body)
