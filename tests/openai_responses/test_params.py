"""Request parameters the provider must honour, not merely accept."""

import pytest

from llmconform import checks
from llmconform.surfaces import sub
from llmconform.surfaces.openai_responses import answered_text, cut_by_limit
from llmconform.verdict import expect


@pytest.mark.check("openai-responses/params/input-string", level="must",
                   source="openai-python api_reference/openapi.transformed.yml CreateResponse.input (a string or a "
                          "list of items); openapi/openai-responses.yaml#/components/schemas/CreateResponseRequest")
def test_input_string(basic):
    """`input` given as a plain string is accepted and answered."""
    answered_text(basic, "a string input")


@pytest.mark.check("openai-responses/params/max-output-tokens", level="must",
                   source="openai-python api_reference/openapi.transformed.yml CreateResponse.max_output_tokens "
                          "(reasoning included), Response.incomplete_details.reason max_output_tokens; "
                          "openapi/openai-responses.yaml#/components/schemas/CreateResponseRequest; "
                          "openapi/openai-responses.yaml#/components/schemas/Response; "
                          "openapi/openai-responses.yaml#/components/schemas/ResponseUsage")
def test_max_output_tokens(max_output_tokens):
    """A long essay asked for with max_output_tokens 16: output_tokens <= 16 (reasoning included),
    and status `incomplete` with incomplete_details.reason `max_output_tokens`."""
    data = checks.ok_json(max_output_tokens)
    limit = max_output_tokens.request.body["max_output_tokens"]
    checks.within_limit(sub(data, "usage").get("output_tokens"), limit, "max_output_tokens")
    expect(cut_by_limit(data), f"status 'incomplete' with incomplete_details.reason 'max_output_tokens' when "
           f"max_output_tokens = {limit} cuts a long answer",
           {"status": data.get("status"), "incomplete_details": data.get("incomplete_details")})
