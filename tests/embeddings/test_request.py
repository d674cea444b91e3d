"""What the provider is sent: parameters the API defines."""

import pytest

from llmconform import checks


@pytest.mark.check("embeddings/request/unknown-params", level="should",
                   source="openai-python api_reference/openapi.transformed.yml CreateEmbeddingRequest (the parameters "
                          "the API defines); openapi/embeddings.yaml#/components/schemas/CreateEmbeddingRequest")
def test_unknown_params(basic):
    """The request carries only parameters Embeddings defines (W: a typo such as `encodeing_format`
    is silently ignored, and the caller never learns it)."""
    checks.unknown_parameters("embeddings", "CreateEmbeddingRequest", basic.request.body)
