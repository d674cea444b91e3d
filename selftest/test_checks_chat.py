"""What the openai-chat checks must tell apart beyond their row in `selftest/violations.py`: finer
verdicts, messages, and what was sent."""

SURFACE = "openai-chat"


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
