"""Issue 22: what Claude Code sends through a gateway (Claude Code docs, LLM gateway protocol
reference, https://code.claude.com/docs/en/llm-gateway-protocol, read 2026-12-05)."""

import pytest

from llmconform import checks
from llmconform.surfaces.anthropic_messages import EVENTS, stream_ended
from llmconform.verdict import expect

pytestmark = pytest.mark.feature("agent-clients")


@pytest.mark.check("anthropic-messages/client/claude-code-request", level="must",
                   source="Claude Code docs, LLM gateway protocol reference (Anthropic Messages: /v1/messages with the "
                          "anthropic-beta and anthropic-version request headers forwarded unchanged); every body field "
                          "official: openapi/anthropic-messages.yaml#/components/schemas/CreateMessageRequest")
def test_claude_code_request(claude_code):
    """Claude Code's turn request (streamed; the system prompt as text blocks with cache_control, a
    tool, metadata.user_id; `anthropic-version: 2023-06-01` and its anthropic-beta list) → a
    text/event-stream ending with message_stop (a gateway that refuses the beta list or the
    cache_control blocks fails here)."""
    checks.stream_answered(claude_code)
    data = [d for _, d in claude_code.data_events() if isinstance(d, dict)]
    types = [d.get("type") for d in data]
    expect(stream_ended(claude_code.events or []), "a stream that ends (message_delta, message_stop)", types[-4:])
    expect(EVENTS["stop"] in types, f"{EVENTS['stop']} at the end of Claude Code's turn", types[-4:])
