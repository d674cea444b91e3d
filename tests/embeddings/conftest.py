"""The exchanges the embeddings checks read; each is sent once per run and shared."""

from llmconform.fixtures import probe

SURFACE = "embeddings"

basic = probe(SURFACE, "basic", {"not-json": "response/schema", "*": "response/content-type"}, primary=True)
batch = probe(SURFACE, "batch")
base64_answer = probe(SURFACE, "base64")
auth_none = probe(SURFACE, "auth-none")
auth_wrong = probe(SURFACE, "auth-wrong")
malformed_json = probe(SURFACE, "malformed-json")
unknown_model = probe(SURFACE, "unknown-model")
missing_input = probe(SURFACE, "invalid:missing-input")
missing_model = probe(SURFACE, "invalid:missing-model")
encoding_format_wrong = probe(SURFACE, "invalid:encoding-format-wrong")
