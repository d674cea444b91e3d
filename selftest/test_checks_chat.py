"""Every openai-chat check passes on the conforming fake and fails (or warns) on its violation."""


from selftest.harness import check_table, verdict_under

SURFACE = "openai-chat"

# check id -> (fault on the fake, or a profile request override), and the verdict it must give.
VIOLATIONS = {
    "openai-chat/response/schema": ("chat.object-wrong", "fail"),
    "openai-chat/response/content-type": ("chat.content-type-text", "fail"),
    "openai-chat/response/choice-indexes": ("chat.index-wrong", "fail"),
    "openai-chat/response/content-string": ("chat.content-null", "fail"),
    "openai-chat/response/usage-present": ("chat.usage-missing", "fail"),
    "openai-chat/response/model-echo": ("chat.model-alias", "warn"),
    "openai-chat/usage/arithmetic": ("chat.usage-sum-wrong", "fail"),
    "openai-chat/usage/details-consistent": ("chat.usage-new-api", "warn"),
    "openai-chat/request/unknown-params": ({"basic": {"model": "{model}", "messages": [
        {"role": "user", "content": "hi"}], "max_tokens": 8, "steam": False}}, "warn"),
    "openai-chat/fingerprint/id-prefix": ("chat.id-msg", "warn"),
    "openai-chat/fingerprint/usage-fields": ("chat.usage-new-api", "warn"),
    "openai-chat/fingerprint/persona": ("chat.persona", "warn"),
    "openai-chat/fingerprint/hidden-prompt": ("chat.usage-inflated", "warn"),
    "openai-chat/params/max-tokens": ("chat.max-tokens-ignored", "fail"),
    "openai-chat/params/max-completion-tokens": ("chat.length-as-stop", "fail"),
    "openai-chat/params/stop": ("chat.stop-ignored", "fail"),
    "openai-chat/params/n": ("chat.n-ignored", "warn"),
    "openai-chat/params/system": ("chat.system-ignored", "warn"),
    "openai-chat/params/multi-turn": ("chat.multi-turn-ignored", "warn"),
    "openai-chat/params/content-parts": ("chat.content-parts-500", "fail"),
    "openai-chat/params/image": ("chat.content-parts-500", "fail"),
    "openai-chat/params/json-object": ("chat.json-invalid", "fail"),
    "openai-chat/params/json-schema": ("chat.json-invalid", "fail"),
    "openai-chat/tools/forced-call": ("chat.tool-choice-ignored", "fail"),
    "openai-chat/tools/call-ids": ("chat.tool-id-empty", "fail"),
    "openai-chat/tools/arguments-json": ("chat.tool-args-invalid", "fail"),
    "openai-chat/tools/finish-reason": ("chat.tool-finish-stop", "fail"),
    "openai-chat/tools/result-turn": ("chat.tool-result-rejected", "fail"),
    "openai-chat/reasoning/no-markup": ("chat.markup", "fail"),
    "openai-chat/reasoning/placement": ("chat.reasoning-in-content", "fail"),
    "openai-chat/reasoning/signature": ("chat.signature-empty", "fail"),
    "openai-chat/reasoning/stream-placement": ("chat.stream-reasoning-in-content", "fail"),
    "openai-chat/stream/content-type": ("chat.stream-content-type-json", "fail"),
    "openai-chat/stream/terminates": ("chat.stream-cut", "fail"),
    "openai-chat/stream/model-echo": ("chat.stream-model-alias", "warn"),
    "openai-chat/stream/usage-consistent": ("chat.stream-usage-zero", "fail"),
    "openai-chat/usage/consistent": ("chat.usage-zero", "fail"),
    "openai-chat/stream-tools/forced-call": ("chat.tool-choice-ignored", "fail"),
    "openai-chat/invalid/empty-messages": ("chat.validation-off", "fail"),
    "openai-chat/invalid/string-number": ("chat.validation-off", "fail"),
    "openai-chat/errors/envelope": ("chat.detail-404", "fail"),
    "openai-chat/errors/leaks-internals": ("chat.traceback-500", "warn"),
    "openai-chat/stream/chunk-schema": ("chat.stream-object-wrong", "fail"),
    "openai-chat/stream/utf8": ("chat.stream-invalid-utf8", "fail"),
    "openai-chat/stream/done-sentinel": ("chat.stream-no-done", "fail"),
    "openai-chat/stream/nothing-after-done": ("chat.stream-after-done", "fail"),
    "openai-chat/stream/constant-fields": ("chat.stream-id-changes", "fail"),
    "openai-chat/stream/first-role": ("chat.stream-no-role", "warn"),
    "openai-chat/stream/finish-reason-once": ("chat.stream-no-finish", "fail"),
    "openai-chat/stream/finish-reason-not-empty": ("chat.stream-finish-empty", "fail"),
    "openai-chat/stream/text-nonempty": ("chat.stream-empty-text", "fail"),
    "openai-chat/stream/no-error-event": ("chat.stream-error-event", "fail"),
    "openai-chat/stream/no-usage-without-option": ("chat.stream-usage-always", "warn"),
    "openai-chat/stream/include-usage": ("chat.usage-chunk-missing", "fail"),
    "openai-chat/stream-tools/indexes": ("chat.stream-tool-no-index", "fail"),
    "openai-chat/stream-tools/first-delta": ("chat.stream-tool-first-incomplete", "fail"),
    "openai-chat/stream-tools/arguments": ("chat.stream-tool-args-broken", "fail"),
    "openai-chat/stream-tools/finish-reason": ("chat.stream-tool-finish-stop", "fail"),
    "openai-chat/auth/no-key": ("chat.auth-open", "fail"),
    "openai-chat/auth/wrong-key": ("chat.error-envelope-wrong", "fail"),
    "openai-chat/invalid/malformed-json": ("chat.malformed-500", "fail"),
    "openai-chat/invalid/missing-messages": ("chat.validation-off", "fail"),
    "openai-chat/invalid/missing-model": ("chat.validation-off+chat.any-model", "fail"),
    "openai-chat/invalid/temperature-range": ("chat.validation-off", "fail"),
    "openai-chat/invalid/top-p-range": ("chat.validation-off", "fail"),
    "openai-chat/invalid/stop-count": ("chat.validation-off", "fail"),
    "openai-chat/invalid/messages-type": ("chat.validation-off", "fail"),
    "openai-chat/invalid/unknown-model": ("chat.any-model", "fail"),
    "openai-chat/schema/examples": ("chat.object-wrong", "fail"),
    "openai-chat/sdk/parse": ("hostile.truncated-json", "fail"),
    "openai-chat/sdk/stream": ("chat.stream-error-event", "fail"),
    "openai-chat/schema/fuzz-positive": ("chat.crash-on-odd-input", "fail"),
    "openai-chat/schema/fuzz-negative": ("chat.validation-off", "fail"),
}


(clean, test_every_check_passes_on_a_conforming_server, test_every_check_has_a_violation,
 test_check_catches_its_violation) = check_table(SURFACE, VIOLATIONS)


def test_a_rejection_other_than_400_is_a_warning(fake):
    """A framework's 422 refuses the invalid input, as the contract wants, with another status."""
    result = verdict_under(fake, SURFACE, "openai-chat/invalid/temperature-range", "chat.reject-422")
    assert result["verdict"] == "warn", result
    assert "status 422" in result["message"]


def test_usage_far_from_the_text_is_a_warning(fake):
    """Ten times the tokens the text needs: W (a heuristic), on the plain answer and the stream alike."""
    for check in ("openai-chat/usage/consistent", "openai-chat/stream/usage-consistent"):
        result = verdict_under(fake, SURFACE, check, "chat.usage-tenfold")
        assert result["verdict"] == "warn" and "estimate" in result["message"], result


def test_forced_tool_choice_required_answered_with_text_fails(fake):
    """tool_choice "required" answered with text fails, whatever the model; honoured, it passes."""
    forced = {"tools-forced": {"model": "{model}", "max_tokens": 64, "tool_choice": "required",
                               "messages": [{"role": "user", "content": "What is the weather in Paris?"}],
                               "tools": [{"type": "function", "function": {
                                   "name": "get_weather", "description": "Current weather in a city",
                                   "parameters": {"type": "object", "properties": {"location": {"type": "string"}},
                                                  "required": ["location"]}}}]}}
    from selftest.harness import row, run

    _, report, _ = run(fake.base_url, SURFACE, checks=["openai-chat/tools/forced-call"], requests=forced)
    assert row(report, "openai-chat/tools/forced-call")["verdict"] == "pass"
    with fake.faulty("chat.tool-choice-ignored"):
        _, report, _ = run(fake.base_url, SURFACE, checks=["openai-chat/tools/forced-call"], requests=forced)
    assert row(report, "openai-chat/tools/forced-call")["verdict"] == "fail"
