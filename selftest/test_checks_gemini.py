"""Every gemini check passes on the conforming fake and fails (or warns) on its violation."""

import pytest

from selftest.harness import check_table, verdict_under

SURFACE = "gemini"
G = SURFACE + "/"

# check id -> (fault on the fake, or a profile request override), and the verdict it must give.
VIOLATIONS = {
    G + "response/schema": ("gemini.schema-candidates-object", "fail"),
    G + "response/content-type": ("gemini.content-type-text", "fail"),
    G + "response/role-model": ("gemini.role-assistant", "fail"),
    G + "response/text-part": ("gemini.parts-empty", "fail"),
    G + "response/finish-reason": ("gemini.finish-reason-missing", "fail"),
    G + "response/candidates": ("gemini.two-candidates", "fail"),
    G + "response/model-echo": ("gemini.model-alias", "warn"),
    G + "response/response-id": ("gemini.no-response-id", "warn"),
    G + "usage/numbers": ("gemini.usage-negative", "fail"),
    G + "usage/arithmetic": ("gemini.usage-total-wrong", "fail"),
    G + "usage/within-limit": ("gemini.usage-over-limit", "fail"),
    G + "usage/details-consistent": ("gemini.usage-details-inconsistent", "warn"),
    G + "request/unknown-params": ({"basic": {"contents": [{"role": "user", "parts": [{"text": "hi"}]}],
                                              "generation_confg": {"maxOutputTokens": 16},
                                              "generationConfig": {"maxOutputTokens": 16}}}, "warn"),
    G + "params/max-output-tokens": ("gemini.max-tokens-ignored", "fail"),
    G + "params/stop-sequences": ("gemini.stop-ignored", "fail"),
    G + "params/system-instruction": ("gemini.system-ignored", "warn"),
    G + "params/multi-turn": ("gemini.multi-turn-ignored", "warn"),
    G + "params/json-mime-type": ("gemini.json-mode-ignored", "fail"),
    G + "params/image": ("gemini.image-500", "fail"),
    G + "tools/forced-call": ("gemini.tool-config-ignored", "fail"),
    G + "tools/function-call-part": ("gemini.args-string", "fail"),
    G + "tools/mode-none": ("gemini.mode-none-ignored", "fail"),
    G + "tools/response-turn": ("gemini.function-response-rejected", "fail"),
    G + "stream/content-type": ("gemini.stream-content-type-json", "fail"),
    G + "stream/terminates": ("hostile.stream-reset", "fail"),
    G + "stream/utf8": ("gemini.stream-invalid-utf8", "fail"),
    G + "stream/event-schema": ("gemini.stream-text-int", "fail"),
    G + "stream/no-done": ("gemini.stream-done", "fail"),
    G + "stream/openai-chunks": ("gemini.stream-openai-chunks", "fail"),
    G + "stream/final-event": ("gemini.stream-no-final-usage", "fail"),
    G + "stream/early-finish-reason": ("gemini.stream-finish-every", "warn"),
    G + "stream/usage": ("gemini.stream-usage-zeros", "fail"),
    G + "stream/no-error-event": ("gemini.stream-error-event", "fail"),
    G + "stream/text-nonempty": ("gemini.stream-empty-text", "fail"),
    G + "stream/role-model": ("gemini.stream-role-assistant", "fail"),
    G + "stream/increments": ("gemini.stream-cumulative", "fail"),
    G + "stream-json/content-type": ("gemini.stream-json-as-sse", "fail"),
    G + "stream-json/array": ("gemini.stream-json-object", "fail"),
    G + "stream-json/final-piece": ("gemini.stream-json-no-usage", "fail"),
    G + "stream-tools/function-call": ("gemini.stream-args-split", "fail"),
    G + "thinking/no-markup": ("gemini.markup", "fail"),
    G + "thinking/thought-parts": ("gemini.thoughts-in-text", "fail"),
    G + "thinking/thoughts-token-count": ("gemini.thoughts-uncounted", "fail"),
    G + "count-tokens/total-tokens": ("gemini.count-tokens-string", "fail"),
    G + "count-tokens/near-prompt": ("gemini.count-tokens-far", "warn"),
    G + "models/list": ("gemini.models-404", "fail"),
    G + "models/declared-listed": ("gemini.models-hidden", "warn"),
    G + "models/get": ("gemini.model-name-bare", "fail"),
    G + "auth/no-key": ("gemini.auth-open", "fail"),
    G + "auth/wrong-key": ("gemini.error-envelope-openai", "fail"),
    # The profile sends ?key=, so the header form is the other request (with the header style, a
    # provider refusing it refuses the first probe: the pre-flight's "key refused", exit 2).
    G + "auth/header-key": ("gemini.header-key-ignored@query-key", "fail"),
    G + "auth/query-key": ("gemini.query-key-ignored", "fail"),
    G + "invalid/malformed-json": ("gemini.malformed-500", "fail"),
    G + "invalid/missing-contents": ("gemini.validation-off", "fail"),
    G + "invalid/temperature-range": ("gemini.validation-off", "fail"),
    G + "invalid/max-output-tokens-negative": ("gemini.validation-off", "fail"),
    G + "invalid/too-many-stop-sequences": ("gemini.validation-off", "fail"),
    G + "invalid/role-assistant": ("gemini.validation-off", "fail"),
    G + "invalid/unknown-model": ("gemini.any-model", "fail"),
    G + "fingerprint/openai-fields": ("gemini.openai-fields", "warn"),
    G + "fingerprint/null-finish-reason": ("gemini.stream-null-finish", "warn"),
    G + "fingerprint/usage-fields": ("gemini.usage-extra", "warn"),
    G + "fingerprint/persona": ("gemini.persona", "warn"),
    G + "fingerprint/hidden-prompt": ("gemini.usage-inflated", "warn"),
    G + "schema/examples": ("gemini.snake-case-500", "fail"),
    G + "schema/fuzz-positive": ("gemini.crash-on-odd-input", "fail"),
    G + "schema/fuzz-negative": ("gemini.validation-off", "fail"),
    G + "sdk/parse": ("hostile.truncated-json", "fail"),
    G + "sdk/stream": ("gemini.stream-not-json-event", "fail"),
    G + "sdk/tools": ("gemini.args-string", "fail"),
    G + "sdk/count-tokens": ("hostile.truncated-json", "fail"),
}

# Further violations some checks must tell apart from their main one.
ALSO = [
    (G + "auth/no-key", "gemini.error-status-wrong", "fail"),  # error.status not the name of the code
    (G + "auth/no-key", "gemini.error-envelope-openai", "fail"),  # an OpenAI envelope on a Gemini path
    (G + "invalid/unknown-model", "gemini.error-envelope-openai", "fail"),
    (G + "stream/final-event", "gemini.stream-usage-zeros", "pass"),  # zeros are stream/usage's to judge
    (G + "stream/event-schema", "gemini.stream-null-finish", "pass"),  # null parses: a fingerprint, not F
    (G + "params/stop-sequences", {"stop-sequences": {
        "contents": [{"role": "user", "parts": [{"text": "Write a long, detailed essay about the history of the "
                                                          "Roman Empire."}]}],
        "generationConfig": {"maxOutputTokens": 8, "stopSequences": ["zzz"]}}}, "skip"),  # never reached
    (G + "schema/examples", "gemini.validation-off", "pass"),  # the documented requests are valid ones
]


(clean, test_every_check_passes_on_a_conforming_server, test_every_check_has_a_violation,
 test_check_catches_its_violation) = check_table(SURFACE, VIOLATIONS)


@pytest.mark.parametrize(("check", "violation", "expected"), ALSO, ids=[f"{c}:{v}" for c, v, _ in ALSO])
def test_check_tells_apart(fake, check, violation, expected):
    result = verdict_under(fake, SURFACE, check, violation)
    assert result["verdict"] == expected, f"{check} under {violation}: {result}"


def test_sdk_failure_carries_a_google_genai_reproduction_that_runs(fake):
    """An SDK failure's evidence holds five lines of google-genai Python that make the same call
    against the provider: run against the fake (fault off), they stream the answer."""
    import os
    import subprocess
    import sys

    from selftest.fakes import KEY

    result = verdict_under(fake, SURFACE, G + "sdk/stream", "gemini.stream-not-json-event")
    snippet = result["evidence"]["python"]
    assert "from google import genai" in snippet and KEY not in snippet
    ran = subprocess.run([sys.executable, "-c", snippet], env={**os.environ, "LLMCONFORM_SELFTEST_KEY": KEY},
                         capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0 and "Paris" in ran.stdout, ran.stderr[-1500:]
