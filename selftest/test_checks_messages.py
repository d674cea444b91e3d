"""Every anthropic-messages check passes on the conforming fake and fails (or warns) on its violation."""

import pytest

from selftest.harness import check_table, verdict_under

SURFACE = "anthropic-messages"
A = SURFACE + "/"

# check id -> (fault on the fake, or a profile request override), and the verdict it must give.
VIOLATIONS = {
    A + "response/schema": ("messages.type-wrong", "fail"),
    A + "response/content-type": ("messages.content-type-text", "fail"),
    A + "response/text-block": ("messages.content-empty", "fail"),
    A + "response/stop-reason": ("messages.stop-sequence-stray", "fail"),
    A + "response/model-echo": ("messages.model-alias", "warn"),
    A + "usage/numbers": ("messages.usage-negative", "fail"),
    A + "usage/within-limit": ("messages.usage-over-limit", "fail"),
    A + "usage/details-consistent": ("messages.usage-cache-inconsistent", "warn"),
    A + "request/unknown-params": ({"basic": {"model": "{model}", "max_tokens": 16, "steam": False,
                                              "messages": [{"role": "user", "content": "hi"}]}}, "warn"),
    A + "headers/version-required": ("messages.version-optional", "warn"),
    A + "headers/request-id": ("messages.no-request-id", "warn"),
    A + "fingerprint/id-prefix": ("messages.id-chatcmpl", "warn"),
    A + "fingerprint/tool-id-prefix": ("messages.tool-id-bedrock", "warn"),
    A + "fingerprint/usage-fields": ("messages.usage-new-api", "warn"),
    A + "fingerprint/persona": ("messages.persona", "warn"),
    A + "fingerprint/hidden-prompt": ("messages.usage-inflated", "warn"),
    A + "fingerprint/signature-length": ("messages.signature-short", "warn"),
    A + "params/max-tokens": ("messages.max-tokens-ignored", "fail"),
    A + "params/stop-sequences": ("messages.stop-ignored", "fail"),
    A + "params/system-string": ("messages.system-ignored", "warn"),
    A + "params/system-blocks": ("messages.system-blocks-rejected", "fail"),
    A + "params/multi-turn": ("messages.multi-turn-ignored", "warn"),
    A + "params/image": ("messages.image-500", "fail"),
    A + "thinking/no-markup": ("messages.markup", "fail"),
    A + "thinking/block-order": ("messages.thinking-after-text", "fail"),
    A + "thinking/signature": ("messages.signature-empty", "fail"),
    A + "thinking/text-without-markup": ("messages.thinking-in-text", "fail"),
    A + "thinking/budget-minimum": ("messages.validation-off", "fail"),
    A + "thinking/budget-below-max-tokens": ("messages.budget-unchecked", "fail"),
    A + "thinking/interleaved-budget": ("messages.interleaved-rejected", "warn"),
    A + "thinking/roundtrip": ("messages.roundtrip-rejected", "fail"),
    A + "tools/forced-call": ("messages.tool-choice-ignored", "fail"),
    A + "tools/tool-use-block": ("messages.tool-input-string", "fail"),
    A + "tools/stop-reason": ("messages.tool-stop-end-turn", "fail"),
    A + "tools/result-turn": ("messages.tool-result-rejected", "fail"),
    A + "stream/content-type": ("messages.stream-content-type-json", "fail"),
    A + "stream/terminates": ("messages.stream-cut", "fail"),
    A + "stream/model-echo": ("messages.stream-model-alias", "warn"),
    A + "stream/usage-consistent": ("messages.stream-usage-zero", "fail"),
    A + "usage/consistent": ("messages.usage-zero", "fail"),
    A + "stream-tools/forced-call": ("messages.tool-choice-ignored", "fail"),
    A + "invalid/empty-messages": ("messages.validation-off", "fail"),
    A + "invalid/string-number": ("messages.validation-off", "fail"),
    A + "errors/envelope": ("messages.detail-404", "fail"),
    A + "errors/leaks-internals": ("messages.traceback-500", "warn"),
    A + "stream/utf8": ("messages.stream-invalid-utf8", "fail"),
    A + "stream/event-schema": ("messages.stream-delta-text-int", "fail"),
    A + "stream/event-names": ("messages.stream-no-event-names", "fail"),
    A + "stream/message-start": ("messages.stream-start-content", "fail"),
    A + "stream/block-order": ("messages.stream-index-from-1", "fail"),
    A + "stream/delta-types": ("messages.stream-delta-type-wrong", "fail"),
    A + "stream/message-delta": ("messages.stream-no-message-delta", "fail"),
    A + "stream/message-stop": ("messages.stream-no-stop", "fail"),
    A + "stream/no-error-event": ("messages.stream-error-event", "fail"),
    A + "stream/text-nonempty": ("messages.stream-empty-text", "fail"),
    A + "stream/usage": ("messages.stream-usage-over", "fail"),
    A + "stream-tools/tool-block": ("messages.stream-tool-start-incomplete", "fail"),
    A + "stream-tools/input-json": ("messages.stream-tool-args-broken", "fail"),
    A + "stream-tools/stop-reason": ("messages.stream-tool-stop-end-turn", "fail"),
    A + "stream-thinking/block-order": ("messages.stream-thinking-after-text", "fail"),
    A + "stream-thinking/signature-delta": ("messages.stream-signature-missing", "fail"),
    A + "auth/no-key": ("messages.auth-open", "fail"),
    A + "auth/wrong-key": ("messages.error-envelope-openai", "fail"),
    A + "invalid/malformed-json": ("messages.malformed-500", "fail"),
    A + "invalid/missing-max-tokens": ("messages.validation-off", "fail"),
    A + "invalid/missing-messages": ("messages.validation-off", "fail"),
    A + "invalid/temperature-range": ("messages.validation-off", "fail"),
    A + "invalid/unknown-model": ("messages.any-model", "fail"),
    A + "count-tokens/input-tokens": ("messages.count-tokens-string", "fail"),
    A + "schema/examples": ("messages.error-envelope-openai", "fail"),
    A + "schema/fuzz-positive": ("messages.crash-on-odd-input", "fail"),
    A + "schema/fuzz-negative": ("messages.validation-off", "fail"),
    A + "sdk/parse": ("hostile.truncated-json", "fail"),
    A + "sdk/stream": ("messages.stream-index-from-1", "fail"),
    A + "sdk/stream-tools": ("messages.stream-tool-start-incomplete", "fail"),
    A + "sdk/stream-thinking": ("messages.stream-signature-missing", "fail"),
}

# Further violations some checks must tell apart from their main one.
ALSO = [
    (A + "auth/no-key", "messages.error-type-wrong", "fail"),  # error.type not the one for 401
    (A + "invalid/unknown-model", "messages.error-envelope-openai", "fail"),  # an OpenAI envelope
    (A + "stream/message-stop", "messages.stream-done", "warn"),  # OpenAI's [DONE] after message_stop
    (A + "stream/event-schema", "messages.stream-unknown-event", "warn"),  # an event type the API lacks
    (A + "thinking/roundtrip", "messages.thinking-after-text+messages.thinking-in-text", "skip"),
    (A + "sdk/stream", "messages.stream-error-event", "fail"),  # the SDK raises on an error event
]


(clean, test_every_check_passes_on_a_conforming_server, test_every_check_has_a_violation,
 test_check_catches_its_violation) = check_table(SURFACE, VIOLATIONS)


@pytest.mark.parametrize(("check", "violation", "expected"), ALSO, ids=[f"{c}:{v}" for c, v, _ in ALSO])
def test_check_tells_apart(fake, check, violation, expected):
    result = verdict_under(fake, SURFACE, check, violation)
    assert result["verdict"] == expected, f"{check} under {violation}: {result}"
