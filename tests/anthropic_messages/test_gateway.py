"""Issue 22: what Claude Code needs of an LLM gateway speaking Anthropic Messages (Claude Code docs,
LLM gateway protocol reference, https://code.claude.com/docs/en/llm-gateway-protocol, read 2026-12-05):
anthropic-beta and anthropic-version forwarded unchanged, /v1/messages/count_tokens (optional; its
check is count-tokens/input-tokens), and model discovery on GET /v1/models."""

import pytest

from llmconform import checks, spec
from llmconform.verdict import expect

pytestmark = pytest.mark.feature("agent-clients")


@pytest.mark.check("anthropic-messages/gateway/beta-forwarded", level="must",
                   source="Claude Code docs, LLM gateway protocol reference, API formats (Anthropic Messages: "
                          "forward the anthropic-beta and anthropic-version request headers unchanged); Anthropic "
                          "docs, Extended thinking, interleaved thinking (the beta's effect)")
@pytest.mark.feature("thinking")
def test_beta_forwarded(interleaved):
    """The anthropic-beta header reaches the model: with `interleaved-thinking-2025-05-14`, a
    budget_tokens above max_tokens is served (its documented effect). A gateway that strips or
    rewrites the header gets the refusal the API gives without it (400)."""
    data = checks.ok_json(interleaved)
    spec.load("anthropic-messages").check("Message", data, what="the answer to the interleaved-thinking beta request")


@pytest.mark.check("anthropic-messages/gateway/model-discovery", level="should",
                   source="Claude Code docs, LLM gateway protocol reference, Model discovery (GET /v1/models in the "
                          "Anthropic format, read with the inference credentials); "
                          "openapi/models.yaml#/components/schemas/AnthropicModelList")
def test_model_discovery(model_discovery):
    """GET /v1/models with the Messages key and anthropic-version answers the Anthropic model list
    (`data[].type: model`, `id`, `display_name`, `created_at`) — the one Claude Code reads for its
    /model picker (W: discovery is optional, the picker falls back to its built-in list)."""
    data = checks.ok_json(model_discovery)
    problems = spec.load("models").errors("AnthropicModelList", data)
    expect(not problems, "the Anthropic model list (AnthropicModelList)", "; ".join(problems) or data,
           severity="warn")
