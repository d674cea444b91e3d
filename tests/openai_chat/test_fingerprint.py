"""Backend fingerprints: reported as warnings, never as failures."""

from llmconform import checks
from llmconform.surfaces import sub
from llmconform.surfaces.openai_chat import content


def test_id_prefix(basic):
    """The completion id starts with `chatcmpl-` (W: `msg_` says a Claude backend answered)."""
    checks.id_prefix(checks.ok_json(basic).get("id"), ("chatcmpl-",), "the completion id")


def test_usage_fields(basic):
    """usage holds only the fields the API declares (W: `claude_cache_creation_5_m_tokens` and
    friends are new-api's)."""
    checks.undeclared_fields("openai-chat", "Usage", checks.ok_json(basic).get("usage"), "usage")


def test_persona(basic):
    """No agent persona nobody asked for ("I am Claude Code") (W: an injected system prompt)."""
    checks.no_persona(content(checks.ok_json(basic)))


def test_hidden_prompt(basic):
    """prompt_tokens stay near what the request needs (W: thousands for a one-line question betray
    a system prompt the provider added)."""
    checks.input_tokens_plausible(basic.request.body, sub(checks.ok_json(basic), "usage").get("prompt_tokens"))
