"""The exchanges the gemini checks read; each is sent once per run and shared."""

from llmconform.fixtures import probe

SURFACE = "gemini"

# Who owns each way these fail to deliver: the others reading them are left undecided, naming it.
basic = probe(SURFACE, "basic", {"not-json": "response/schema", "*": "response/content-type"}, primary=True)
max_tokens = probe(SURFACE, "max-tokens")
stop_sequences = probe(SURFACE, "stop-sequences")
system_instruction = probe(SURFACE, "system-instruction")
multi_turn = probe(SURFACE, "multi-turn")
json_mode = probe(SURFACE, "json-mode")
image = probe(SURFACE, "image")
tools_forced = probe(SURFACE, "tools-forced", {"*": "tools/forced-call"})
tools_none = probe(SURFACE, "tools-none")
function_response = probe(SURFACE, "function-response")
thinking = probe(SURFACE, "thinking")
stream = probe(SURFACE, "stream", {"refused": "stream/content-type", "not-a-stream": "stream/content-type",
                                   "*": "stream/terminates"}, primary=True)
stream_json = probe(SURFACE, "stream-json", {"*": "stream-json/content-type"})
tools_stream = probe(SURFACE, "tools-stream", {"*": "stream-tools/function-call"})
count_tokens = probe(SURFACE, "count-tokens")
models_list = probe(SURFACE, "models-list")
models_get = probe(SURFACE, "models-get")
auth_none = probe(SURFACE, "auth-none")
auth_wrong = probe(SURFACE, "auth-wrong")
auth_header = probe(SURFACE, "auth-header")
auth_query = probe(SURFACE, "auth-query")
malformed_json = probe(SURFACE, "malformed-json")
unknown_model = probe(SURFACE, "unknown-model")
missing_contents = probe(SURFACE, "invalid:missing-contents")
temperature_above_2 = probe(SURFACE, "invalid:temperature-above-2")
max_output_tokens_negative = probe(SURFACE, "invalid:max-output-tokens-negative")
too_many_stop_sequences = probe(SURFACE, "invalid:too-many-stop-sequences")
role_assistant = probe(SURFACE, "invalid:role-assistant")
