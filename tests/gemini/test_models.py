"""GET /v1beta/models and GET /v1beta/models/{model}: Google's model list and model resource."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces.gemini import model_names
from llmconform.verdict import expect, fail, skip, warn

GEMINI = spec.load("gemini")


@pytest.mark.check("gemini/models/list", level="must",
                   source="googleapis google/ai/generativelanguage/v1beta/model_service.proto ListModelsResponse, "
                          "Model.name (models/<model>); openapi/gemini.yaml#/components/schemas/ListModelsResponse; "
                          "openapi/gemini.yaml#/components/schemas/Model")
def test_list(models_list):
    """A 2xx `application/json` ListModelsResponse: `{"models": [{"name": "models/…", …}],
    "nextPageToken"}`, no name listed twice."""
    data = checks.ok_json(models_list)
    checks.json_content_type(models_list)
    GEMINI.check("ListModelsResponse", data, what="the model list")
    names = model_names(data)
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        fail("every model listed once", f"listed more than once: {', '.join(repeated)}")


@pytest.mark.check("gemini/models/declared-listed", level="should",
                   source="googleapis google/ai/generativelanguage/v1beta/model_service.proto ListModels (a relay may "
                          "hide or alias models: only warns)")
def test_declared_listed(models_list, llmconform_target):
    """The profile's gemini model is listed as `models/<model>` (W: relays hide or alias models; skipped
    when the list goes on past this page, its nextPageToken set: the model may be on a later one)."""
    model = llmconform_target.model("gemini")
    data = checks.ok_json(models_list)
    names = model_names(data)
    if f"models/{model}" not in names and isinstance(data.get("nextPageToken"), str) and data["nextPageToken"]:
        skip(f"models/{model} is not on the first page of {len(names)}, and the list goes on (nextPageToken): "
             "it may be on a later one")
    if f"models/{model}" not in names:
        warn(f"models/{model} in the model list", f"{len(names)} model(s) listed: {', '.join(names[:5])}")


@pytest.mark.check("gemini/models/get", level="must",
                   source="googleapis google/ai/generativelanguage/v1beta/model_service.proto GetModel, Model.name; "
                          "openapi/gemini.yaml#/components/schemas/Model")
def test_get(models_get, llmconform_target):
    """GET /v1beta/models/<model> answers the Model resource, named `models/<model>`."""
    data = checks.ok_json(models_get)
    GEMINI.check("Model", data, what="the model")
    model = llmconform_target.model("gemini")
    expect(data.get("name") == f"models/{model}", f"name 'models/{model}'", data.get("name"))
