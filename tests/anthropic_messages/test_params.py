"""Request parameters the provider must honour, not merely accept."""

import pytest

from llmconform import checks
from llmconform.surfaces import sub
from llmconform.surfaces.anthropic_messages import text
from llmconform.verdict import expect


@pytest.mark.check("anthropic-messages/params/max-tokens", level="must",
                   source="anthropic-sdk-python src/anthropic/types/message_create_params.py max_tokens; "
                          "anthropic-sdk-python src/anthropic/types/stop_reason.py (max_tokens); "
                          "openapi/anthropic-messages.yaml#/components/schemas/CreateMessageRequest; "
                          "openapi/anthropic-messages.yaml#/components/schemas/Message")
def test_max_tokens(max_tokens):
    """A long answer asked for with max_tokens 8: stop_reason `max_tokens` and output_tokens <= 8."""
    data = checks.ok_json(max_tokens)
    limit = max_tokens.request.body["max_tokens"]
    checks.within_limit(sub(data, "usage").get("output_tokens"), limit, "max_tokens")
    expect(data.get("stop_reason") == "max_tokens",
           f"stop_reason 'max_tokens' when max_tokens = {limit} cuts a long answer", data.get("stop_reason"))


@pytest.mark.check("anthropic-messages/params/stop-sequences", level="must",
                   source="anthropic-sdk-python src/anthropic/types/message_create_params.py stop_sequences; "
                          "anthropic-sdk-python src/anthropic/types/message.py stop_reason, stop_sequence; "
                          "openapi/anthropic-messages.yaml#/components/schemas/Message")
def test_stop_sequences(stop_sequences):
    """Counting 1..6 with stop_sequences ["4"]: stop_reason `stop_sequence`, `stop_sequence` the matched
    string, and the text stops before it."""
    data = checks.ok_json(stop_sequences)
    sequences = stop_sequences.request.body["stop_sequences"]
    answer = text(data)
    for sequence in sequences:
        expect(sequence not in answer, f"no {sequence!r} in the text (it is a stop sequence)", answer)
    expect(data.get("stop_reason") == "stop_sequence", "stop_reason 'stop_sequence'", data.get("stop_reason"))
    expect(data.get("stop_sequence") in sequences, f"stop_sequence the matched string, one of {sequences}",
           data.get("stop_sequence"))
