"""The exchanges the openai-responses checks read; each is sent once per run and shared."""

from llmconform.fixtures import probe

SURFACE = "openai-responses"

# Who owns each way these fail to deliver: the others reading them are left undecided, naming it.
basic = probe(SURFACE, "basic", {"not-json": "response/schema", "*": "response/content-type"}, primary=True)
stream = probe(SURFACE, "stream", {"refused": "stream/content-type", "not-a-stream": "stream/content-type",
                                   "*": "stream/terminates"}, primary=True)
input_messages = probe(SURFACE, "input-messages")
instructions = probe(SURFACE, "instructions")
max_output_tokens = probe(SURFACE, "max-output-tokens")
tools_forced = probe(SURFACE, "tools-forced", {"*": "tools/forced-call"})
tools_stream = probe(SURFACE, "tools-stream", {"*": "stream-tools/forced-call"})
function_call_output = probe(SURFACE, "function-call-output")
reasoning = probe(SURFACE, "reasoning")
auth_none = probe(SURFACE, "auth-none")
auth_wrong = probe(SURFACE, "auth-wrong")
malformed_json = probe(SURFACE, "malformed-json")
unknown_model = probe(SURFACE, "unknown-model")
missing_model = probe(SURFACE, "invalid:missing-model")
temperature_above_2 = probe(SURFACE, "invalid:temperature-above-2")
top_p_above_1 = probe(SURFACE, "invalid:top-p-above-1")
input_wrong_type = probe(SURFACE, "invalid:input-wrong-type")
max_output_tokens_below_16 = probe(SURFACE, "invalid:max-output-tokens-below-16")
empty_input = probe(SURFACE, "invalid:empty-input")
max_output_tokens_string = probe(SURFACE, "invalid:max-output-tokens-string")
