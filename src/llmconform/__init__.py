"""llmconform: conformance and contract tests for LLM API providers and relays."""

__version__ = "0.2.0"
