"""Every models check passes on the conforming fake and fails (or warns) on its violation."""

from selftest.harness import check_table, verdict_under

SURFACE = "models"

# check id -> fault on the fake, and the verdict it must give.
VIOLATIONS = {
    "models/list/schema": ("models.object-wrong", "fail"),
    "models/list/content-type": ("models.content-type-text", "fail"),
    "models/list/ids-unique": ("models.id-duplicate", "fail"),
    "models/list/declared-models": ("models.hide-model", "warn"),
    "models/auth/no-key": ("models.auth-open", "fail"),
    "models/auth/wrong-key": ("models.any-key", "fail"),
}


(clean, test_every_check_passes_on_a_conforming_server, test_every_check_has_a_violation,
 test_check_catches_its_violation) = check_table(SURFACE, VIOLATIONS)


def test_an_entry_without_an_id_fails(fake):
    """An entry with no id cannot be told apart from the others."""
    result = verdict_under(fake, SURFACE, "models/list/ids-unique", "models.id-missing")
    assert result["verdict"] == "fail", result
    assert "data[3]" in result["message"]


def test_a_hidden_model_is_named(fake):
    """The warning names the declared model the list leaves out."""
    result = verdict_under(fake, SURFACE, "models/list/declared-models", "models.hide-model")
    assert "fake-model" in result["message"], result


def test_the_flavour_follows_the_auth_style():
    """x-api-key → the Anthropic list and envelope (with anthropic-version); anything else → OpenAI."""
    from types import SimpleNamespace

    from llmconform import spec
    from llmconform.profile import parse_profile
    from llmconform.surfaces import models

    def target(auth: dict[str, str]) -> object:
        return SimpleNamespace(profile=parse_profile({"name": "p", "base_url": "http://127.0.0.1:1", "auth": auth,
                                                      "surfaces": {"models": {"model": "m"}}}))

    anthropic, openai = target({"style": "x-api-key"}), target({})
    assert models.flavour(anthropic) == models.ANTHROPIC and models.flavour(openai) == models.OPENAI
    assert ("anthropic-version", "2023-06-01") in models.SURFACE.builders["list"](anthropic).headers
    listing = {"data": [{"type": "model", "id": "claude-sonnet-4-5", "display_name": "Claude Sonnet 4.5",
                         "created_at": "2025-09-29T00:00:00Z"}],
               "has_more": False, "first_id": "claude-sonnet-4-5", "last_id": "claude-sonnet-4-5"}
    schemas = spec.load("models")
    assert not schemas.errors("AnthropicModelList", listing)
    assert schemas.errors("OpenAIModelList", listing)
    assert schemas.errors("AnthropicModelList", {**listing, "data": [{**listing["data"][0], "created_at": 1}]})
    assert not schemas.errors("AnthropicErrorResponse", {"type": "error", "error": {
        "type": "authentication_error", "message": "invalid x-api-key"}})
