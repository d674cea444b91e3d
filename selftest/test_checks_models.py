"""What the models checks must tell apart beyond their row in `selftest/violations.py`: finer
verdicts, messages, and what was sent."""

SURFACE = "models"


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
