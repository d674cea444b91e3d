"""What the provider is sent: parameters the API defines."""

import pytest

from llmconform import checks


@pytest.mark.check("gemini/request/unknown-params", level="should",
                   source=("openapi/gemini.yaml#/components/schemas/GenerateContentRequest (googleapis "
                           "generative_service.proto GenerateContentRequest; python-genai models.py serviceTier)"))
def test_unknown_params(basic):
    """The request carries only fields GenerateContentRequest defines, in either spelling (W: a typo such
    as `generation_confg` is silently ignored, and the caller never learns it)."""
    checks.unknown_parameters("gemini", "GenerateContentRequest", basic.request.body)
