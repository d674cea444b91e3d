"""A non-streaming response: its shape, its status and its output items, as the official API
declares them."""

import pytest

from llmconform import checks
from llmconform.surfaces.openai_responses import (
    cut_by_limit,
    limit_spent_on_reasoning,
    output_items,
    output_text,
)
from llmconform.verdict import expect, fail


@pytest.mark.check("openai-responses/response/status", level="must",
                   source="openai-python api_reference/openapi.transformed.yml Response.status, "
                          "Response.incomplete_details.reason; "
                          "openapi/openai-responses.yaml#/components/schemas/Response")
def test_status(basic):
    """`status` is `completed` with `incomplete_details` null — or `incomplete` with
    `incomplete_details.reason` `max_output_tokens`, when the request's max_output_tokens stopped
    the model (a reasoning model can spend a small limit on reasoning alone)."""
    data = checks.ok_json(basic)
    status = data.get("status")
    if status == "incomplete":
        expect(cut_by_limit(data),
               "status 'incomplete' only with incomplete_details.reason 'max_output_tokens'",
               data.get("incomplete_details"))
        expect(basic.request.output_limit is not None,
               "incomplete (max_output_tokens) only when the request sets max_output_tokens",
               f"no max_output_tokens in the request; usage {data.get('usage')}")
        return
    expect(status == "completed", "status 'completed' (or 'incomplete' when max_output_tokens stops it)",
           f"status {status!r}, error {data.get('error')}")
    expect(data.get("incomplete_details") is None, "incomplete_details null on a completed response",
           data.get("incomplete_details"))


@pytest.mark.check("openai-responses/response/message", level="should",
                   source="openai-python src/openai/types/responses/response_output_message.py (no official rule that "
                          "every answer holds a message); "
                          "openapi/openai-responses.yaml#/components/schemas/OutputMessage")
def test_message(basic):
    """The output holds a `message` item with role `assistant` whose `output_text` carries the
    answer (undecided, not failed, when a reasoning model spent the whole limit on reasoning)."""
    data = checks.ok_json(basic)
    limit_spent_on_reasoning(data, basic.request.output_limit)
    messages = output_items(data, "message")
    expect(messages, "a message item in output",
           [i.get("type") for i in output_items(data)] or data.get("output"))
    roles = [m.get("role") for m in messages]
    expect(all(r == "assistant" for r in roles), "role 'assistant' on every message item", roles)
    expect(output_text(data).strip(), "non-empty output_text in the message", messages)


@pytest.mark.check("openai-responses/response/output-text-parts", level="must",
                   source="openai-python src/openai/types/responses/response_output_message.py content: output_text | "
                          "refusal; openapi/openai-responses.yaml#/components/schemas/OutputMessage; "
                          "openapi/openai-responses.yaml#/components/schemas/OutputText; "
                          "openapi/openai-responses.yaml#/components/schemas/Refusal")
def test_output_text_parts(basic):
    """Every content part of a message item is `output_text` with a string `text` and an
    `annotations` array (or a `refusal` with its string)."""
    messages = output_items(checks.ok_json(basic), "message")
    for n, item in enumerate(messages):
        content = item.get("content")
        expect(isinstance(content, list), f"message {n}: content an array of parts", content)
        for part in content:
            kind = part.get("type") if isinstance(part, dict) else None
            if kind == "output_text":
                expect(isinstance(part.get("text"), str), f"message {n}: output_text.text a string", part)
                expect(isinstance(part.get("annotations"), list),
                       f"message {n}: output_text.annotations an array", part)
            elif kind == "refusal":
                expect(isinstance(part.get("refusal"), str), f"message {n}: refusal.refusal a string", part)
            else:
                fail(f"message {n}: parts of type output_text or refusal", part)


@pytest.mark.check("openai-responses/response/usage-present", level="should",
                   source="openai-python api_reference/openapi.transformed.yml Response.usage (optional: not in its "
                          "required list); openapi/openai-responses.yaml#/components/schemas/Response; "
                          "openapi/openai-responses.yaml#/components/schemas/ResponseUsage")
def test_usage_present(basic):
    """The answer reports usage."""
    data = checks.ok_json(basic)
    expect(isinstance(data.get("usage"), dict), "a usage object", data.get("usage"))


@pytest.mark.check("openai-responses/response/nulls-kept", level="should",
                   source="openai-python api_reference/openapi.transformed.yml Response required [error, "
                          "incomplete_details, instructions, metadata, temperature, top_p, ...] (each nullable; "
                          "openai-python src/openai/types/responses/response.py reads an absent one as None, hence "
                          "a SHOULD)")
def test_nulls_kept(basic):
    """The response keeps `error`, `incomplete_details`, `instructions`, `metadata`, `temperature` and
    `top_p`, null when they have no value: the official API sends them; a relay that drops null keys
    (Go's `omitempty`) does not."""
    checks.nulls_kept("openai-responses", "Response", checks.ok_json(basic))
