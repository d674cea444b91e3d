"""Backend fingerprints: reported as warnings, never as failures."""

import pytest

from llmconform import checks
from llmconform.surfaces import sub
from llmconform.surfaces.anthropic_messages import blocks
from llmconform.verdict import warn

SIGNATURE_MIN = 100


@pytest.mark.check("anthropic-messages/fingerprint/id-prefix", level="should",
                   source="openapi/anthropic-messages.yaml#/components/schemas/Message id x-llmconform-id-prefix (a "
                          "backend fingerprint: no official rule on id formats)")
def test_id_prefix(basic):
    """The message id starts with `msg_` (W: `chatcmpl-` says an OpenAI-shaped backend answered)."""
    checks.official_id(checks.ok_json(basic).get("id"), "anthropic-messages", "Message", "the message id")


@pytest.mark.check("anthropic-messages/fingerprint/tool-id-prefix", level="should",
                   source="openapi/anthropic-messages.yaml#/components/schemas/ToolUseBlock id x-llmconform-id-prefix "
                          "(a backend fingerprint: no official rule on id formats)")
@pytest.mark.feature("tools")
def test_tool_id_prefix(tools_forced):
    """tool_use ids start with `toolu_` (W: `tooluse_` says Amazon Bedrock answered, `call_` an OpenAI
    backend)."""
    uses = blocks(checks.ok_json(tools_forced), "tool_use")
    checks.need(uses, "a tool_use block for the forced tool", None, owner="tools/forced-call", exchange=tools_forced)
    for use in uses:
        checks.official_id(use.get("id"), "anthropic-messages", "ToolUseBlock", "the tool_use id")


@pytest.mark.check("anthropic-messages/fingerprint/signature-length", level="should",
                   source="anthropic-sdk-python src/anthropic/types/thinking_block.py signature (opaque; its length "
                          "is a heuristic, no official rule)")
@pytest.mark.feature("thinking")
def test_signature_length(thinking):
    """Thinking signatures are long opaque tokens (hundreds of characters); a short one (W) is a
    placeholder a relay made up, which the official API will refuse when it is sent back."""
    signatures = [b.get("signature") for b in blocks(checks.ok_json(thinking), "thinking")]
    if not signatures:
        pytest.skip("no thinking block (see thinking/block-order)")
    short = [s for s in signatures if isinstance(s, str) and len(s) < SIGNATURE_MIN]
    if short:
        warn(f"thinking signatures of at least {SIGNATURE_MIN} characters", short[0])


@pytest.mark.check("anthropic-messages/fingerprint/hidden-prompt", level="should",
                   source="llmconform heuristic: input tokens against a local estimate of the request (no official "
                          "rule)")
def test_hidden_prompt(basic):
    """input tokens, cached ones included, stay near what the request needs (W: thousands for a
    one-line question betray a system prompt the provider added, as agent relays do)."""
    usage = sub(checks.ok_json(basic), "usage")
    counts = [usage.get(k) for k in ("input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")]
    checks.input_tokens_plausible(basic.request.body, sum(c for c in counts if isinstance(c, int)))
