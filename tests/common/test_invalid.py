"""Invalid input is rejected with a 4xx and the surface's native envelope — never served, never a
500: one rule for every invalid probe the specs declare, and for the two every surface builds.

On a paid surface only the invalid probes its spec declares for the operation are sent, under the
feature the operation costs (each is one paid item where a server wrongly serves it, and the spec
says exactly which). The two every surface builds stay off it: an unknown model is one a relay may
map to a default and generate with."""

import pytest

from llmconform.fixtures import invalid_cases, native_error, native_rejected
from llmconform.surfaces import having

SURFACES = having(lambda surface: surface.sends_json and not surface.paid)
# The spec-declared cases reach a paid surface too (invalid_cases marks them with its feature).
DECLARED = having(lambda surface: surface.sends_json)
# How binding each spec-declared refusal is, and where it comes from (an entry's own `level` and
# `source` win): a MUST where the official definition states the constraint, else a SHOULD.
BINDINGS = {
    "anthropic-messages/invalid/missing-max-tokens": ("must",
        "anthropic-sdk-python src/anthropic/types/message_create_params.py max_tokens (Required); "
        "openapi/anthropic-messages.yaml#/components/schemas/CreateMessageRequest"),
    "anthropic-messages/invalid/temperature-range": ("must",
        "anthropic-sdk-python src/anthropic/types/message_create_params.py temperature (ranges from 0.0 to 1.0); "
        "openapi/anthropic-messages.yaml#/components/schemas/CreateMessageRequest"),
    "anthropic-messages/thinking/budget-minimum": ("must",
        "anthropic-sdk-python src/anthropic/types/thinking_config_enabled_param.py budget_tokens (must be ≥1024); "
        "openapi/anthropic-messages.yaml#/components/schemas/ThinkingConfigEnabled"),
    "anthropic-messages/thinking/budget-below-max-tokens": ("must",
        "anthropic-sdk-python src/anthropic/types/thinking_config_enabled_param.py budget_tokens (must be less than "
        "max_tokens); openapi/anthropic-messages.yaml#/components/schemas/ThinkingConfigEnabled"),
    "anthropic-messages/invalid/missing-messages": ("must",
        "anthropic-sdk-python src/anthropic/types/message_create_params.py messages (Required); "
        "openapi/anthropic-messages.yaml#/components/schemas/CreateMessageRequest"),
    "anthropic-messages/invalid/empty-messages": ("should",
        "anthropic-sdk-python src/anthropic/types/message_create_params.py messages (no official minimum stated); "
        "openapi/anthropic-messages.yaml#/components/schemas/CreateMessageRequest"),
    "anthropic-messages/invalid/string-number": ("must",
        "anthropic-sdk-python src/anthropic/types/message_create_params.py max_tokens: int; "
        "openapi/anthropic-messages.yaml#/components/schemas/CreateMessageRequest"),
    "embeddings/invalid/missing-input": ("must",
        "openai-python api_reference/openapi.transformed.yml CreateEmbeddingRequest (input required); "
        "openapi/embeddings.yaml#/components/schemas/CreateEmbeddingRequest"),
    "embeddings/invalid/missing-model": ("must",
        "openai-python api_reference/openapi.transformed.yml CreateEmbeddingRequest (model required); "
        "openapi/embeddings.yaml#/components/schemas/CreateEmbeddingRequest"),
    "embeddings/invalid/encoding-format": ("must",
        "openai-python api_reference/openapi.transformed.yml CreateEmbeddingRequest.encoding_format (enum float, "
        "base64); openapi/embeddings.yaml#/components/schemas/CreateEmbeddingRequest"),
    "gemini/invalid/temperature-range": ("must",
        "googleapis google/ai/generativelanguage/v1beta/generative_service.proto GenerationConfig.temperature "
        "(values range over [0.0, 2.0]); openapi/gemini.yaml#/components/schemas/GenerationConfig"),
    "gemini/invalid/max-output-tokens-negative": ("should",
        "googleapis google/ai/generativelanguage/v1beta/generative_service.proto GenerationConfig.max_output_tokens "
        "(int32; no official minimum stated); openapi/gemini.yaml#/components/schemas/GenerationConfig"),
    "gemini/invalid/too-many-stop-sequences": ("must",
        "googleapis google/ai/generativelanguage/v1beta/generative_service.proto GenerationConfig.stop_sequences (up "
        "to 5); openapi/gemini.yaml#/components/schemas/GenerationConfig"),
    "gemini/invalid/missing-contents": ("must",
        "googleapis google/ai/generativelanguage/v1beta/generative_service.proto GenerateContentRequest.contents "
        "(REQUIRED); openapi/gemini.yaml#/components/schemas/GenerateContentRequest"),
    "gemini/invalid/role-assistant": ("must",
        "googleapis google/ai/generativelanguage/v1beta/content.proto Content.role (must be 'user' or 'model'); "
        "openapi/gemini.yaml#/components/schemas/Content"),
    "openai-chat/invalid/missing-messages": ("must",
        "openai-python api_reference/openapi.transformed.yml CreateChatCompletionRequest (messages required); "
        "openapi/openai-chat.yaml#/components/schemas/CreateChatCompletionRequest"),
    "openai-chat/invalid/missing-model": ("must",
        "openai-python api_reference/openapi.transformed.yml CreateChatCompletionRequest (model required); "
        "openapi/openai-chat.yaml#/components/schemas/CreateChatCompletionRequest"),
    "openai-chat/invalid/temperature-range": ("must",
        "openai-python api_reference/openapi.transformed.yml CreateChatCompletionRequest.temperature (minimum 0, "
        "maximum 2); openapi/openai-chat.yaml#/components/schemas/CreateChatCompletionRequest"),
    "openai-chat/invalid/top-p-range": ("must",
        "openai-python api_reference/openapi.transformed.yml CreateChatCompletionRequest.top_p (minimum 0, maximum "
        "1); openapi/openai-chat.yaml#/components/schemas/CreateChatCompletionRequest"),
    "openai-chat/invalid/stop-count": ("must",
        "openai-python api_reference/openapi.transformed.yml CreateChatCompletionRequest.stop (up to 4 sequences); "
        "openapi/openai-chat.yaml#/components/schemas/CreateChatCompletionRequest"),
    "openai-chat/invalid/messages-type": ("must",
        "openai-python api_reference/openapi.transformed.yml CreateChatCompletionRequest.messages (an array); "
        "openapi/openai-chat.yaml#/components/schemas/CreateChatCompletionRequest"),
    "openai-chat/invalid/empty-messages": ("must",
        "openai-python api_reference/openapi.transformed.yml CreateChatCompletionRequest.messages (minItems 1); "
        "openapi/openai-chat.yaml#/components/schemas/CreateChatCompletionRequest"),
    "openai-chat/invalid/string-number": ("must",
        "openai-python api_reference/openapi.transformed.yml CreateChatCompletionRequest.max_tokens (an integer); "
        "openapi/openai-chat.yaml#/components/schemas/CreateChatCompletionRequest"),
    "openai-responses/invalid/missing-model": ("must",
        "openai-python api_reference/openapi.transformed.yml CreateResponse (model required); "
        "openapi/openai-responses.yaml#/components/schemas/CreateResponseRequest"),
    "openai-responses/invalid/temperature-range": ("must",
        "openai-python api_reference/openapi.transformed.yml CreateResponse.temperature (minimum 0, maximum 2); "
        "openapi/openai-responses.yaml#/components/schemas/CreateResponseRequest"),
    "openai-responses/invalid/top-p-range": ("must",
        "openai-python api_reference/openapi.transformed.yml CreateResponse.top_p (minimum 0, maximum 1); "
        "openapi/openai-responses.yaml#/components/schemas/CreateResponseRequest"),
    "openai-responses/invalid/input-type": ("must",
        "openai-python api_reference/openapi.transformed.yml CreateResponse.input (a string or an array of items); "
        "openapi/openai-responses.yaml#/components/schemas/CreateResponseRequest"),
    "openai-responses/invalid/max-output-tokens-minimum": ("must",
        "openai-python api_reference/openapi.transformed.yml CreateResponse.max_output_tokens (minimum: 16); "
        "openapi/openai-responses.yaml#/components/schemas/CreateResponseRequest"),
    "openai-responses/invalid/empty-input": ("must",
        "openai-python api_reference/openapi.transformed.yml InputParam (a list of one or many input items); "
        "openapi/openai-responses.yaml#/components/schemas/CreateResponseRequest"),
    "openai-responses/invalid/string-number": ("must",
        "openai-python api_reference/openapi.transformed.yml CreateResponse.max_output_tokens (an integer); "
        "openapi/openai-responses.yaml#/components/schemas/CreateResponseRequest"),
}


@pytest.mark.check("{surface}/{case.check}", level="{case.level}", source="{case.source}")
@pytest.mark.parametrize(("surface", "case"), invalid_cases(DECLARED, BINDINGS))
def test_invalid(surface, case, invalid):
    """{case.rule}

    The case is an `x-llmconform-invalid` entry of the surface's spec: its `check`, `rule` and
    `what` say what is sent, and the answer must be the surface's native refusal."""
    if case.served_skips and invalid.status is not None and 200 <= invalid.status < 300:
        pytest.skip(f"served (status {invalid.status}), not refused: {case.served_skips}")
    native_rejected(invalid, surface, case.what)


@pytest.mark.check("{surface}/invalid/malformed-json", level="must",
                   source="openapi/{surface}.yaml#/components/schemas/ErrorResponse (the vendor's error reference: an "
                          "unparsable body is a 400)")
@pytest.mark.parametrize("surface", SURFACES)
def test_malformed_json(surface, malformed_json):
    """Half a JSON body → 400 with the {surface} error envelope (a 500 fails)."""
    native_rejected(malformed_json, surface, "malformed JSON")


@pytest.mark.check("{surface}/invalid/unknown-model", level="must",
                   source="openapi/{surface}.yaml#/components/schemas/ErrorResponse (the vendor's error reference: an "
                          "unknown model is a 400/404)")
@pytest.mark.parametrize("surface", SURFACES)
def test_unknown_model(surface, unknown_model):
    """A model the provider does not serve → 400 or 404 with the {surface} error envelope, its error
    kind (where the API names one) the one paired with the status."""
    native_error(unknown_model, surface, (400, 404), "an unknown model")
