"""A non-streaming chat completion: its shape, as the official API declares it."""

import pytest

from llmconform import checks
from llmconform.surfaces.openai_chat import choices, message
from llmconform.verdict import expect


@pytest.mark.check("openai-chat/response/choice-indexes", level="must",
                   source="openai-python api_reference/openapi.transformed.yml "
                          "CreateChatCompletionResponse.choices[].index; "
                          "openapi/openai-chat.yaml#/components/schemas/ChatCompletion; "
                          "openapi/openai-chat.yaml#/components/schemas/Choice")
def test_choice_indexes(basic):
    """choices[].index runs 0..n-1, each once."""
    found = choices(checks.ok_json(basic))
    indexes = [c.get("index") for c in found]
    expect(indexes and all(isinstance(i, int) for i in indexes) and sorted(indexes) == list(range(len(found))),
           f"indexes 0..{len(found) - 1}", indexes)


@pytest.mark.check("openai-chat/response/content-string", level="must",
                   source="openai-python src/openai/types/chat/chat_completion_message.py content: Optional[str]; "
                          "openapi/openai-chat.yaml#/components/schemas/AssistantMessage")
def test_content_string(basic):
    """message.content is a string; null only beside tool_calls or a refusal."""
    msg = message(checks.ok_json(basic))
    content = msg.get("content")
    if content is None:
        expect(msg.get("tool_calls") or msg.get("refusal"), "content null only beside tool_calls or refusal", msg)
    else:
        expect(isinstance(content, str), "message.content a string", content)


@pytest.mark.check("openai-chat/response/usage-present", level="should",
                   source="openai-python api_reference/openapi.transformed.yml CreateChatCompletionResponse.usage "
                          "(optional: not in its required list); "
                          "openapi/openai-chat.yaml#/components/schemas/ChatCompletion; "
                          "openapi/openai-chat.yaml#/components/schemas/Usage")
def test_usage_present(basic):
    """The answer reports usage."""
    data = checks.ok_json(basic)
    expect(isinstance(data.get("usage"), dict), "a usage object", data.get("usage"))


@pytest.mark.check("openai-chat/response/created-seconds", level="must",
                   source="openai-python src/openai/types/chat/chat_completion.py ChatCompletion.created "
                          "(\"The Unix timestamp (in seconds)\")")
def test_created_seconds(basic):
    """`created` is the Unix time in seconds (a value above 1e11 is milliseconds: a date thousands of
    years ahead to every SDK that reads it)."""
    checks.unix_seconds(checks.ok_json(basic).get("created"), "created")


@pytest.mark.check("openai-chat/response/nulls-kept", level="should",
                   source="openai-python api_reference/openapi.transformed.yml "
                          "CreateChatCompletionResponse.choices[] required [finish_reason, index, message, logprobs], "
                          "ChatCompletionResponseMessage required [content, refusal, role] (logprobs, content and "
                          "refusal nullable; the SDK types read an absent key as None, hence a SHOULD)")
def test_nulls_kept(basic):
    """Each choice keeps `logprobs` and its message keeps `content` and `refusal`, null when empty:
    the official API sends them; a relay that drops null keys (Go's `omitempty`) does not."""
    checks.nulls_kept("openai-chat", "ChatCompletion", checks.ok_json(basic))
