"""The rerank answer's shape."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces.rerank import NAME

pytestmark = pytest.mark.feature("rerank")


@pytest.mark.check("rerank/response/schema", level="must",
                   source="cohere-python src/cohere/v2/types/v2rerank_response.py V2RerankResponse (results), "
                          "v2rerank_response_results_item.py (index, relevance_score); "
                          "openapi/rerank.yaml#/components/schemas/RerankResponse")
def test_schema(basic):
    """The answer is a RerankResponse: `results`, each with the `index` of a document and its
    `relevance_score`."""
    spec.load(NAME).check("RerankResponse", checks.ok_json(basic), what="the rerank answer")
