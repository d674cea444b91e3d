"""Backend fingerprints: reported as warnings, never as failures."""

import pytest

from llmconform import checks
from llmconform.surfaces import sub


@pytest.mark.check("openai-chat/fingerprint/id-prefix", level="should",
                   source="openapi/openai-chat.yaml#/components/schemas/ChatCompletion id x-llmconform-id-prefix (a "
                          "backend fingerprint: no official rule on id formats)")
def test_id_prefix(basic):
    """The completion id starts with `chatcmpl-` (W: `msg_` says a Claude backend answered)."""
    checks.official_id(checks.ok_json(basic).get("id"), "openai-chat", "ChatCompletion", "the completion id")


@pytest.mark.check("openai-chat/fingerprint/hidden-prompt", level="should",
                   source="llmconform heuristic: prompt_tokens against a local estimate of the request (no official "
                          "rule)")
def test_hidden_prompt(basic):
    """prompt_tokens stay near what the request needs (W: thousands for a one-line question betray
    a system prompt the provider added)."""
    checks.input_tokens_plausible(basic.request.body, sub(checks.ok_json(basic), "usage").get("prompt_tokens"))
