"""Issue 22: a thinking model's function call over two turns — the `thoughtSignature` beside the
`functionCall` part comes back on the next turn and is accepted; without it, the API's own answer."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces.gemini import native_error, parts
from llmconform.verdict import expect

GEMINI = spec.load("gemini")
pytestmark = [pytest.mark.feature("reasoning-round-trip"), pytest.mark.feature("tools")]
GUIDE = ("Google's Gemini API docs, Thought signatures (https://ai.google.dev/gemini-api/docs/thought-signatures, "
         "read 2026-12-05)")


def _call_parts(exchange):
    """The functionCall parts of the first turn's answer (undecided without one: the model may answer
    without calling the function)."""
    found = [p for p in parts(checks.ok_json(exchange)) if isinstance(p.get("functionCall"), dict)]
    if not found:
        pytest.skip("the thinking-with-tools answer had no functionCall part to send back: "
                    f"{[sorted(p) for p in parts(checks.ok_json(exchange))]}")
    return found


def _signed(exchange):
    calls = _call_parts(exchange)
    if not any(isinstance(p.get("thoughtSignature"), str) and p["thoughtSignature"] for p in calls):
        pytest.skip("no thoughtSignature beside the functionCall to send back (see roundtrip/call-signature)")
    return calls


@pytest.mark.check("gemini/roundtrip/call-signature", level="should",
                   source=f"{GUIDE}: thinking models (Gemini 3 and 2.5) may return a thoughtSignature in "
                          "functionCall parts; python-genai google/genai/types.py Part.thought_signature (optional) at "
                          "66807187 (2026-08-21); openapi/gemini.yaml#/components/schemas/Part")
def test_call_signature(thinking_tools):
    """Thinking on, a function the question needs → the first functionCall part carries a non-empty
    `thoughtSignature` (W when absent: models that do not think return none, but a relay that drops
    it breaks every later turn on the models that require it)."""
    calls = _call_parts(thinking_tools)
    signature = calls[0].get("thoughtSignature")
    expect(isinstance(signature, str) and signature, "a thoughtSignature beside the first functionCall part",
           {k: v for k, v in calls[0].items() if k != "functionCall"} or sorted(calls[0]), severity="warn")


@pytest.mark.check("gemini/roundtrip/signature-returned", level="must",
                   source=f"{GUIDE}: a signature received is sent back exactly as received, in its part; "
                          "googleapis google/ai/generativelanguage/v1beta/content.proto Part.thought_signature; "
                          "openapi/gemini.yaml#/components/schemas/GenerateContentResponse")
def test_signature_returned(thinking_tools, signature_returned):
    """The model's turn sent back unchanged (functionCall part and its thoughtSignature), then a
    functionResponse → accepted and answered (a relay that cannot take its own signature back, or
    rewrites it, fails here)."""
    _signed(thinking_tools)
    data = checks.ok_json(signature_returned)
    GEMINI.check("GenerateContentResponse", data, what="the answer after the signed functionCall turn")
    expect(parts(data) or data.get("candidates"), "a candidate answering the functionResponse", data)


@pytest.mark.check("gemini/roundtrip/missing-signature", level="should",
                   source=f"{GUIDE}: with Gemini 3 models signatures must be returned during function calling, "
                          "else a validation error (4xx status code; Google's message: \"Function call is missing a "
                          "thought_signature\", INVALID_ARGUMENT); other models accept the turn; "
                          "openapi/gemini.yaml#/components/schemas/ErrorResponse")
def test_missing_signature(thinking_tools, signature_missing):
    """The same turn sent back WITHOUT its thoughtSignature → either served (models that do not
    require it) or refused as Google refuses it: a 4xx with `{"error": {"code", "message", "status"}}`
    (400 INVALID_ARGUMENT) — never a 5xx or another envelope (W)."""
    _signed(thinking_tools)
    signature_missing.complete()
    if signature_missing.status is not None and 200 <= signature_missing.status < 300:
        GEMINI.check("GenerateContentResponse", checks.ok_json(signature_missing),
                     what="the answer to a functionCall turn without its signature")
        return
    native_error(signature_missing, range(400, 500), "a functionCall turn without its thoughtSignature")
