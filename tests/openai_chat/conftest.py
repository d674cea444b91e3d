"""The exchanges the openai-chat checks read; each is sent once per run and shared."""

from llmconform.fixtures import probe

SURFACE = "openai-chat"

# Who owns each way these fail to deliver: the others reading them are left undecided, naming it.
basic = probe(SURFACE, "basic", {"not-json": "response/schema", "*": "response/content-type"}, primary=True)
stream = probe(SURFACE, "stream", {"refused": "stream/content-type", "not-a-stream": "stream/content-type",
                                   "*": "stream/terminates"}, primary=True)
stream_usage = probe(SURFACE, "stream-usage", {"*": "stream/include-usage"})
max_tokens = probe(SURFACE, "max-tokens")
max_completion_tokens = probe(SURFACE, "max-completion-tokens")
stop = probe(SURFACE, "stop")
n_choices = probe(SURFACE, "n")
system = probe(SURFACE, "system")
multi_turn = probe(SURFACE, "multi-turn")
content_parts = probe(SURFACE, "content-parts")
image = probe(SURFACE, "image")
json_object = probe(SURFACE, "json-object")
json_schema = probe(SURFACE, "json-schema")
tools_forced = probe(SURFACE, "tools-forced", {"*": "tools/forced-call"})
tools_stream = probe(SURFACE, "tools-stream", {"*": "stream-tools/forced-call"})
tools_result = probe(SURFACE, "tools-result")
reasoning = probe(SURFACE, "reasoning")
reasoning_stream = probe(SURFACE, "reasoning-stream")
auth_none = probe(SURFACE, "auth-none")
auth_wrong = probe(SURFACE, "auth-wrong")
malformed_json = probe(SURFACE, "malformed-json")
unknown_model = probe(SURFACE, "unknown-model")
missing_messages = probe(SURFACE, "invalid:missing-messages")
missing_model = probe(SURFACE, "invalid:missing-model")
temperature_above_2 = probe(SURFACE, "invalid:temperature-above-2")
top_p_above_1 = probe(SURFACE, "invalid:top-p-above-1")
too_many_stop = probe(SURFACE, "invalid:too-many-stop")
messages_not_array = probe(SURFACE, "invalid:messages-not-array")
empty_messages = probe(SURFACE, "invalid:empty-messages")
max_tokens_string = probe(SURFACE, "invalid:max-tokens-string")
