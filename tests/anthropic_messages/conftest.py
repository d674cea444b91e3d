"""The exchanges the anthropic-messages checks read; each is sent once per run and shared."""

from llmconform.fixtures import probe

SURFACE = "anthropic-messages"

# Who owns each way these fail to deliver: the others reading them are left undecided, naming it.
basic = probe(SURFACE, "basic", {"not-json": "response/schema", "*": "response/content-type"}, primary=True)
stream = probe(SURFACE, "stream", {"refused": "stream/content-type", "not-a-stream": "stream/content-type",
                                   "*": "stream/terminates"}, primary=True)
max_tokens = probe(SURFACE, "max-tokens")
stop_sequences = probe(SURFACE, "stop-sequences")
system_string = probe(SURFACE, "system-string")
system_blocks = probe(SURFACE, "system-blocks")
multi_turn = probe(SURFACE, "multi-turn")
image = probe(SURFACE, "image")
tools_forced = probe(SURFACE, "tools-forced", {"*": "tools/forced-call"})
tools_stream = probe(SURFACE, "tools-stream", {"*": "stream-tools/forced-call"})
tool_result = probe(SURFACE, "tool-result")
thinking = probe(SURFACE, "thinking", {"*": "thinking/block-order"})
thinking_stream = probe(SURFACE, "thinking-stream", {"*": "stream-thinking/block-order"})
thinking_roundtrip = probe(SURFACE, "thinking-roundtrip")
interleaved = probe(SURFACE, "interleaved")
no_version = probe(SURFACE, "no-version")
count_tokens = probe(SURFACE, "count-tokens")
auth_none = probe(SURFACE, "auth-none")
auth_wrong = probe(SURFACE, "auth-wrong")
malformed_json = probe(SURFACE, "malformed-json")
unknown_model = probe(SURFACE, "unknown-model")
missing_max_tokens = probe(SURFACE, "invalid:missing-max-tokens")
missing_messages = probe(SURFACE, "invalid:missing-messages")
temperature_above_1 = probe(SURFACE, "invalid:temperature-above-1")
budget_below_1024 = probe(SURFACE, "invalid:budget-below-1024")
budget_not_below_max_tokens = probe(SURFACE, "invalid:budget-not-below-max-tokens")
empty_messages = probe(SURFACE, "invalid:empty-messages")
max_tokens_string = probe(SURFACE, "invalid:max-tokens-string")
