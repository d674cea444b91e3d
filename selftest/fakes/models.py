"""GET /v1/models, the OpenAI list, conforming unless a `models.*` fault says otherwise."""

from __future__ import annotations

from typing import Any

from selftest.fakes.server import KEY, MODEL, FakeRequest, Reply, openai_error, route

OTHERS = ["fake-embedding", "fake-model-mini"]


def _model(name: str) -> dict[str, Any]:
    return {"id": name, "object": "model", "created": 1700000000, "owned_by": "selftest"}


@route("/v1/models")
def models(f: FakeRequest) -> Reply:
    if f.method != "GET":
        return openai_error(405, f"Method {f.method} not allowed on /v1/models", "invalid_request_error")
    # Anthropic's flavour of the list takes its x-api-key, as the API does; a new-api relay's
    # TokenAuth (middleware/auth.go) also reads the key from mj-api-secret.
    auth = f.headers.get("authorization", "") or next(
        (f"Bearer {f.headers[name]}" for name in ("x-api-key", "mj-api-secret") if name in f.headers), "")
    if not auth and not f.has("models.auth-open"):
        return openai_error(401, "You didn't provide an API key.", "invalid_request_error")
    if auth and auth != f"Bearer {KEY}" and not f.has("models.any-key"):
        return openai_error(401, "Incorrect API key provided", "invalid_request_error", "invalid_api_key")
    names = OTHERS if f.has("models.hide-model") else [MODEL, *OTHERS]
    if "anthropic-version" in f.headers and not f.has("messages.models-openai-list"):
        # Anthropic's own list (anthropic-sdk-python types/model_info.py), the one Claude Code's
        # gateway model discovery reads.
        listed = [{"type": "model", "id": n, "display_name": n, "created_at": "2025-05-14T00:00:00Z"} for n in names]
        return Reply.json({"data": listed, "has_more": False, "first_id": names[0], "last_id": names[-1]})
    data: list[Any] = [_model(n) for n in names]
    if f.has("models.id-duplicate"):
        data.append(_model(names[0]))
    if f.has("models.id-missing"):
        data.append({"object": "model", "created": 1700000000, "owned_by": "selftest"})
    body: dict[str, Any] = {"object": "list", "data": data}
    if f.has("models.object-wrong"):
        body["object"] = "models"
    if f.has("models.content-type-text"):
        return Reply(body=body, headers={"content-type": "text/plain"})
    return Reply.json(body)
