"""Probes that test an output limit turn thinking off, or to its least, where the model allows it
(the spec's `x-llmconform-least-reasoning`), and leave alone what a model may refuse."""

import pytest

from llmconform import spec
from selftest.harness import row, run

LIMITED = {"contents": [{"role": "user", "parts": [{"text": "hi"}]}], "generationConfig": {"maxOutputTokens": 8}}


def _thinking(model, body=None):
    sent = spec.least_reasoning("gemini", model, frozenset(), body or LIMITED)
    return sent.get("generationConfig", {}).get("thinkingConfig")


@pytest.mark.parametrize(("model", "expected"), [
    ("gemini-2.5-flash", {"thinkingBudget": 0}), ("gemini-2.5-flash-lite", {"thinkingBudget": 0}),
    ("models/gemini-2.5-pro", {"thinkingBudget": 128}), ("gemini-3-pro-preview", {"thinkingLevel": "LOW"}),
    ("gemini-3.1-flash-lite-preview", {"thinkingLevel": "LOW"}),
    ("gemini-2.5-flash-image", None), ("gemini-2.0-flash", None), ("some-relay-alias", None)])
def test_gemini_least_thinking_by_model(model, expected):
    assert _thinking(model) == expected


def test_a_probe_keeps_its_own_thinking_and_a_large_limit_is_left_alone():
    own = {**LIMITED, "generationConfig": {"maxOutputTokens": 8, "thinkingConfig": {"includeThoughts": True}}}
    assert _thinking("gemini-2.5-flash", own) == {"includeThoughts": True}
    large = {**LIMITED, "generationConfig": {"maxOutputTokens": 2048}}
    assert _thinking("gemini-2.5-flash", large) is None


def test_responses_reasoning_only_where_the_profile_declares_it():
    body = {"model": "gpt-5", "input": "hi", "max_output_tokens": 16}
    assert spec.least_reasoning("openai-responses", "gpt-5", frozenset({"reasoning"}), body)["reasoning"] == \
        {"effort": "minimal"}
    assert spec.least_reasoning("openai-responses", "o4-mini", frozenset({"reasoning"}), body)["reasoning"] == \
        {"effort": "low"}
    assert "reasoning" not in spec.least_reasoning("openai-responses", "gpt-5", frozenset(), body)
    assert "reasoning" not in spec.least_reasoning("openai-responses", "gpt-4o", frozenset({"reasoning"}), body)


@pytest.mark.parametrize(("model", "verdict"), [("gemini-2.5-flash", "pass"), ("gemini-2.0-flash", "error")])
def test_a_thinking_model_answers_the_limit_probes_with_thinking_off(fake, model, verdict):
    """The fake thinks by default like Gemini 2.5 (`gemini.thinking-spends-limit`): the probes sent to
    a model the table names carry thinkingBudget 0, and the answer has its text; to a model it does
    not name they go as written, and the limit spent on thinking leaves text-part undecided."""
    checks = ["gemini/response/text-part", "gemini/params/max-output-tokens"]
    with fake.faulty("gemini.any-model", "gemini.thinking-spends-limit"):
        _, report, out = run(fake.base_url, "gemini", checks=checks, model=model)
    assert row(report, "gemini/response/text-part")["verdict"] == verdict, out[-1500:]
    assert row(report, "gemini/params/max-output-tokens")["verdict"] == "pass", out[-1500:]
