"""Request parameters the provider must honour, not merely accept."""

import json

import pytest

from llmconform import checks, spec
from llmconform.surfaces import sub
from llmconform.surfaces.openai_chat import answered_text, choices, content, refusal_given
from llmconform.verdict import expect, fail, warn

CHAT = spec.load("openai-chat")


def _finish(data, index=0):
    for choice in choices(data):
        if isinstance(choice, dict) and choice.get("index", 0) == index:
            return choice.get("finish_reason")
    return None


def _limit_honoured(exchange, name):
    data = checks.ok_json(exchange)
    limit = exchange.request.body[name]
    checks.within_limit(sub(data, "usage").get("completion_tokens"), limit, name)
    expect(_finish(data) == "length", f"finish_reason 'length' when {name} = {limit} cuts a long answer",
           _finish(data))


@pytest.mark.check("openai-chat/params/max-tokens", level="must",
                   source="openai-python api_reference/openapi.transformed.yml "
                          "CreateChatCompletionRequest.max_tokens, finish_reason length; "
                          "openapi/openai-chat.yaml#/components/schemas/CreateChatCompletionRequest; "
                          "openapi/openai-chat.yaml#/components/schemas/FinishReason; "
                          "openapi/openai-chat.yaml#/components/schemas/Usage")
def test_max_tokens(max_tokens):
    """A long answer asked for with max_tokens 8: completion_tokens <= 8 and finish_reason `length`."""
    _limit_honoured(max_tokens, "max_tokens")


@pytest.mark.check("openai-chat/params/max-completion-tokens", level="must",
                   source="openai-python api_reference/openapi.transformed.yml "
                          "CreateChatCompletionRequest.max_completion_tokens, finish_reason length; "
                          "openapi/openai-chat.yaml#/components/schemas/CreateChatCompletionRequest; "
                          "openapi/openai-chat.yaml#/components/schemas/FinishReason; "
                          "openapi/openai-chat.yaml#/components/schemas/Usage")
def test_max_completion_tokens(max_completion_tokens):
    """The same with max_completion_tokens."""
    _limit_honoured(max_completion_tokens, "max_completion_tokens")


@pytest.mark.check("openai-chat/params/stop", level="must",
                   source="openai-python api_reference/openapi.transformed.yml CreateChatCompletionRequest.stop (the "
                          "returned text will not contain the stop sequence); "
                          "openapi/openai-chat.yaml#/components/schemas/CreateChatCompletionRequest; "
                          "openapi/openai-chat.yaml#/components/schemas/FinishReason")
def test_stop(stop):
    """The text never contains the stop string; the answer ends with finish_reason `stop`."""
    data = checks.ok_json(stop)
    text = content(data)
    for sequence in stop.request.body["stop"]:
        expect(sequence not in text, f"no {sequence!r} in the text (it is a stop sequence)", text)
    expect(_finish(data) == "stop", "finish_reason 'stop'", _finish(data))


@pytest.mark.check("openai-chat/params/n", level="should",
                   source="openai-python api_reference/openapi.transformed.yml CreateChatCompletionRequest.n (how "
                          "many choices; a provider may refuse it)")
def test_n(n):
    """n: 2 gives two choices, or a 400 for a provider that does not offer n (W: silently one)."""
    n.complete()
    if n.status is not None and 400 <= n.status < 500:
        checks.error_envelope(n, "openai-chat", range(400, 500), "n refused")
        return
    found = choices(checks.ok_json(n))
    if len(found) == 1:
        warn("2 choices for n: 2 (or a 400)", "1 choice: n silently ignored")
    expect(len(found) == 2, "2 choices for n: 2", len(found))


@pytest.mark.check("openai-chat/params/content-parts", level="must",
                   source="openai-python api_reference/openapi.transformed.yml "
                          "ChatCompletionRequestUserMessage.content (an array of content parts); "
                          "openapi/openai-chat.yaml#/components/schemas/UserMessage; "
                          "openapi/openai-chat.yaml#/components/schemas/ContentPart")
def test_content_parts(content_parts):
    """User content given as an array of text parts is accepted and answered."""
    answered_text(content_parts, "content parts")


def _json_answer(exchange, what):
    data = checks.ok_json(exchange)
    refusal_given(data, what)
    text = content(data)
    try:
        parsed = json.loads(text)
    except ValueError:
        if _finish(data) == "length":
            warn(f"{what}: content that parses as JSON", f"cut by max_tokens before it closed: {text}")
        fail(f"{what}: content that parses as JSON", text)
    return parsed


@pytest.mark.check("openai-chat/params/json-object", level="must",
                   source="openai-python api_reference/openapi.transformed.yml "
                          "CreateChatCompletionRequest.response_format (json_object: valid JSON); "
                          "openapi/openai-chat.yaml#/components/schemas/ResponseFormat")
@pytest.mark.feature("json-mode")
def test_json_object(json_object):
    """response_format json_object: the content parses as JSON."""
    _json_answer(json_object, "response_format json_object")


@pytest.mark.check("openai-chat/params/json-schema", level="must",
                   source="openai-python api_reference/openapi.transformed.yml ResponseFormatJsonSchema (structured "
                          "outputs: the schema's required keys); "
                          "openapi/openai-chat.yaml#/components/schemas/ResponseFormat")
@pytest.mark.feature("json-mode")
def test_json_schema(json_schema):
    """response_format json_schema: the content parses as JSON and matches the schema's required keys."""
    parsed = _json_answer(json_schema, "response_format json_schema")
    required = json_schema.request.body["response_format"]["json_schema"]["schema"]["required"]
    expect(isinstance(parsed, dict) and all(k in parsed for k in required),
           f"an object with {', '.join(required)}", parsed)
