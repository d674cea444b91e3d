"""What the provider is sent: parameters the API defines."""

import pytest

from llmconform import checks


@pytest.mark.check("gemini/request/unknown-params", level="should",
                   source="googleapis google/ai/generativelanguage/v1beta/generative_service.proto "
                          "GenerateContentRequest (the fields the API defines); "
                          "openapi/gemini.yaml#/components/schemas/GenerateContentRequest")
def test_unknown_params(basic):
    """The request carries only fields GenerateContentRequest defines, in either spelling (W: a typo such
    as `generation_confg` is silently ignored, and the caller never learns it)."""
    checks.unknown_parameters("gemini", "GenerateContentRequest", basic.request.body)
