"""The exchanges the models checks read; each is sent once per run and shared."""

from llmconform.fixtures import probe

SURFACE = "models"

listing = probe(SURFACE, "list", {"not-json": "list/schema", "*": "list/content-type"}, primary=True)
auth_none = probe(SURFACE, "auth-none")
auth_wrong = probe(SURFACE, "auth-wrong")
