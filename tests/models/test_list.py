"""GET /v1/models: the list in the provider's flavour (OpenAI, or Anthropic for an x-api-key provider)."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces.models import NAME, SCHEMAS, declared_models, entries, flavour, listed_ids
from llmconform.verdict import expect, fail, warn


@pytest.mark.check("models/list/schema", level="must",
                   source="openai-python api_reference/openapi.transformed.yml ListModelsResponse, Model; "
                          "anthropic-sdk-python src/anthropic/types/model_info.py; "
                          "openapi/models.yaml#/components/schemas/OpenAIModelList; "
                          "openapi/models.yaml#/components/schemas/AnthropicModelList")
def test_schema(list_, llmconform_target):
    """A 2xx list of the flavour: OpenAI `{"object": "list", "data": [{"id", "object": "model",
    "created", "owned_by"}]}`; Anthropic `{"data": [{"type": "model", "id", "display_name",
    "created_at"}], "has_more", "first_id", "last_id"}`."""
    kind = flavour(llmconform_target)
    body = checks.ok_json(list_)
    spec.load(NAME).check(SCHEMAS[kind][0], body, what=f"the {kind} model list")


@pytest.mark.check("models/list/ids-unique", level="should",
                   source="openai-python api_reference/openapi.transformed.yml Model.id (required; no official rule "
                          "that a list names a model once); openapi/models.yaml#/components/schemas/OpenAIModel; "
                          "openapi/models.yaml#/components/schemas/AnthropicModel")
def test_ids_unique(list_):
    """Every `data` entry is an object with a non-empty string `id`, and no id is listed twice."""
    body = checks.ok_json(list_)
    items = entries(body)
    expect(isinstance(body.get("data"), list), "a `data` array", body.get("data"), exchange=list_)
    for index, item in enumerate(items):
        expect(isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"],
               f"data[{index}] an object with a non-empty string id", item, exchange=list_)
    ids = listed_ids(body)
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        fail("every model id listed once", f"listed more than once: {', '.join(repeated)}", repeated=repeated,
             exchange=list_)


@pytest.mark.check("models/list/declared-models", level="should",
                   source="openai-python api_reference/openapi.transformed.yml ListModels (a relay may hide or alias "
                          "models: only warns)")
def test_declared_models(list_, llmconform_target):
    """Every model the profile names (in any surface) is listed; a missing one is W with its name —
    relays alias models or hide them from the list."""
    body = checks.ok_json(list_)
    listed = set(listed_ids(body))
    missing = [m for m in declared_models(llmconform_target) if m not in listed]
    if missing:
        warn("every model the profile names listed by /v1/models", f"not listed: {', '.join(missing)} "
             f"({len(listed)} model(s) listed)", missing=missing, exchange=list_)
