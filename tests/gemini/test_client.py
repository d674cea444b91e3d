"""Issue 22: what Gemini CLI sends with a Gemini API key (google-gemini/gemini-cli
packages/core/src/core/geminiChat.ts → @google/genai generateContentStream)."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces.gemini import streamed_pieces
from llmconform.verdict import expect

GEMINI = spec.load("gemini")
pytestmark = pytest.mark.feature("agent-clients")


@pytest.mark.check("gemini/client/gemini-cli-request", level="must",
                   source="google-gemini/gemini-cli packages/core/src/core/geminiChat.ts (sendMessageStream → "
                          "generateContentStream: POST :streamGenerateContent?alt=sse), read 2026-12-05; every field "
                          "official: openapi/gemini.yaml#/components/schemas/GenerateContentRequest")
def test_gemini_cli_request(gemini_cli):
    """Gemini CLI's turn request (systemInstruction, function declarations with parametersJsonSchema,
    temperature, topP, thinkingConfig includeThoughts; its User-Agent and x-goog-api-client) → an SSE
    stream of GenerateContentResponse pieces, the last with a finishReason."""
    checks.stream_answered(gemini_cli)
    pieces = streamed_pieces(gemini_cli)
    for piece in pieces:
        GEMINI.check("GenerateContentResponse", piece, what="a piece of Gemini CLI's stream")
    reasons = [c.get("finishReason") for p in pieces for c in (p.get("candidates") or []) if isinstance(c, dict)]
    expect(any(reasons), "a finishReason on the last piece of Gemini CLI's stream", reasons or len(pieces))
