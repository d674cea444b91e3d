"""Issue 22: what Codex sends (openai/codex codex-rs/codex-api README, Responses and Compaction
endpoints): its streamed turn request, and remote compaction on POST /v1/responses/compact."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces.openai_responses import stream_ended, terminal
from llmconform.surfaces.responses_stream import EVENTS
from llmconform.verdict import expect

RESPONSES = spec.load("openai-responses")
pytestmark = pytest.mark.feature("agent-clients")


@pytest.mark.check("openai-responses/client/codex-request", level="must",
                   source="openai/codex codex-rs/codex-api README (ResponsesApiRequest: model, instructions, input, "
                          "tools, parallel_tool_calls, reasoning, store, stream, include), read 2026-12-05; every "
                          "field official: openapi/openai-responses.yaml#/components/schemas/CreateResponseRequest")
def test_codex_request(codex):
    """Codex's turn request (instructions, input items, a function tool, tool_choice auto,
    parallel_tool_calls false, reasoning with summary, store false, include
    reasoning.encrypted_content, prompt_cache_key, stream, its `originator` header) → a
    text/event-stream that ends with response.completed."""
    checks.stream_answered(codex)
    payloads = [d for _, d in codex.data_events() if isinstance(d, dict)]
    expect(stream_ended(codex.events or []), "a stream that ends with a terminal event",
           [p.get("type") for p in payloads][-4:])
    end = terminal(payloads)
    expect(end and end.get("type") == EVENTS["completed"], f"{EVENTS['completed']} at the end of Codex's turn",
           (end or {}).get("type") or [p.get("type") for p in payloads][-4:])


@pytest.mark.check("openai-responses/client/compact", level="must",
                   source="openai-python src/openai/resources/responses/responses.py Responses.compact and "
                          "src/openai/types/responses/compacted_response.py at 49a85c4f; openai/codex "
                          "codex-rs/codex-api README (Compaction endpoint); "
                          "openapi/openai-responses.yaml#/components/schemas/CompactedResponse")
def test_compact(compact):
    """POST /v1/responses/compact with a two-turn conversation → a `response.compaction` object whose
    output ends with one `compaction` item carrying encrypted_content (a 404 here is Codex's remote
    compaction failing)."""
    data = checks.ok_json(compact)
    RESPONSES.check("CompactedResponse", data, what="the compacted conversation")
    output = data.get("output") or []
    kinds = [i.get("type") for i in output if isinstance(i, dict)]
    expect(kinds and kinds[-1] == "compaction", "a compaction item last in output", kinds)
