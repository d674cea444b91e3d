"""One verdict per coding agent (issue 22): the checks that hold a provider to what Codex, Claude
Code or Gemini CLI send and need, each rule citing where the client's behaviour is documented, and
the one line a run answers for each client it was asked about: `codex: works`, or `codex: breaks at
<check id> — <evidence>`.

The rules are data: a client's verdict is read from the rows of its checks (nothing here sends).
A rule's check that FAILs breaks the client; so does a WARN where the client cannot do without what
the check found missing (`warn_breaks`); an `optional` rule (an endpoint the client falls back
from) never breaks it. A rule left undecided (skipped, an error) leaves the client undecided.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

CODEX_SOURCE = ("openai/codex codex-rs/codex-api/README.md (Responses endpoint: ResponsesApiRequest; Compaction "
                "endpoint: POST /v1/responses/compact), read 2026-12-05")
CLAUDE_CODE_SOURCE = ("Claude Code docs, LLM gateway protocol reference, https://code.claude.com/docs/en/"
                      "llm-gateway-protocol, read 2026-12-05 (API formats; request headers forwarded unchanged; "
                      "model discovery)")
GEMINI_CLI_SOURCE = ("google-gemini/gemini-cli packages/core/src/core/geminiChat.ts (generateContentStream, the "
                     "model's turn kept in history with its parts) and Google's Gemini API docs, Thought signatures "
                     "(https://ai.google.dev/gemini-api/docs/thought-signatures), read 2026-12-05")


@dataclass(frozen=True)
class Rule:
    check: str  # the check id whose row decides the rule
    needs: str  # what the client needs, as its verdict says it
    source: str
    warn_breaks: bool = False
    optional: bool = False


@dataclass(frozen=True)
class Client:
    name: str
    surface: str
    # The features its checks need: `--client` / `clients:` declares them on the client's surface.
    features: tuple[str, ...]
    source: str
    rules: tuple[Rule, ...]


CLIENTS: dict[str, Client] = {c.name: c for c in (
    Client("codex", "openai-responses", ("stream", "tools", "reasoning", "reasoning-round-trip", "agent-clients"),
           CODEX_SOURCE, (
               Rule("openai-responses/client/codex-request", "its streamed turn request accepted, ending with "
                    "response.completed", CODEX_SOURCE),
               Rule("openai-responses/stream-tools/call-item", "streamed function calls", CODEX_SOURCE),
               Rule("openai-responses/tools/output-turn", "function_call_output turns accepted", CODEX_SOURCE),
               Rule("openai-responses/roundtrip/encrypted-reasoning", "encrypted reasoning returned with store false",
                    CODEX_SOURCE),
               Rule("openai-responses/roundtrip/reasoning-replayed", "the reasoning items it replays accepted",
                    CODEX_SOURCE),
               Rule("openai-responses/client/compact", "remote compaction on /v1/responses/compact", CODEX_SOURCE),
           )),
    Client("claude-code", "anthropic-messages",
           ("stream", "tools", "thinking", "count_tokens", "reasoning-round-trip", "agent-clients"),
           CLAUDE_CODE_SOURCE, (
               Rule("anthropic-messages/client/claude-code-request", "its streamed turn request, with its "
                    "anthropic-beta list, accepted", CLAUDE_CODE_SOURCE),
               Rule("anthropic-messages/gateway/beta-forwarded", "anthropic-beta forwarded unchanged",
                    CLAUDE_CODE_SOURCE),
               Rule("anthropic-messages/stream-tools/tool-block", "streamed tool_use blocks", CLAUDE_CODE_SOURCE),
               Rule("anthropic-messages/tools/result-turn", "tool_result turns accepted", CLAUDE_CODE_SOURCE),
               Rule("anthropic-messages/roundtrip/thinking-tool-use", "thinking blocks sent back with their "
                    "signature accepted", CLAUDE_CODE_SOURCE),
               Rule("anthropic-messages/count-tokens/input-tokens", "/v1/messages/count_tokens (optional)",
                    CLAUDE_CODE_SOURCE, optional=True),
               Rule("anthropic-messages/gateway/model-discovery", "model discovery on /v1/models (optional)",
                    CLAUDE_CODE_SOURCE, optional=True),
           )),
    Client("gemini-cli", "gemini", ("stream", "tools", "thinking", "count_tokens", "reasoning-round-trip",
                                    "agent-clients"),
           GEMINI_CLI_SOURCE, (
               Rule("gemini/client/gemini-cli-request", "its streamed turn request accepted", GEMINI_CLI_SOURCE),
               Rule("gemini/stream-tools/function-call", "streamed functionCall parts", GEMINI_CLI_SOURCE),
               Rule("gemini/tools/response-turn", "functionResponse turns accepted", GEMINI_CLI_SOURCE),
               # Without the signature, Gemini 3 refuses the next turn (400 "Function call is missing a
               # thought_signature"): the check warns (not every model signs), the client breaks.
               Rule("gemini/roundtrip/call-signature", "the thoughtSignature beside each functionCall",
                    GEMINI_CLI_SOURCE, warn_breaks=True),
               Rule("gemini/roundtrip/signature-returned", "its functionCall turn accepted back with the signature",
                    GEMINI_CLI_SOURCE),
               Rule("gemini/count-tokens/total-tokens", "countTokens (optional)", GEMINI_CLI_SOURCE, optional=True),
           )),
)}


def unknown(names: Any) -> list[str]:
    """The names among these that are no client."""
    return [str(n) for n in names if n not in CLIENTS]


@dataclass(frozen=True)
class ClientVerdict:
    """A client's one-line answer, and the verdict of each of its rules' checks."""

    client: str
    verdict: str  # works | breaks | undecided
    at: str | None
    evidence: str
    rules: tuple[tuple[str, str], ...]  # (check id, its row's verdict, or "missing")

    @property
    def line(self) -> str:
        if self.verdict == "works":
            return f"{self.client}: works"
        return f"{self.client}: {self.verdict} at {self.at} — {self.evidence}"

    def to_json(self) -> dict[str, Any]:
        client = CLIENTS.get(self.client)
        return {"client": self.client, "verdict": self.verdict, "at": self.at, "evidence": self.evidence,
                "line": self.line, "source": client.source if client else "",
                "rules": [{"check": c, "verdict": v} for c, v in self.rules]}


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def verdict(name: str, rows: Mapping[str, tuple[str, str]]) -> ClientVerdict:
    """A client's verdict from the run's rows (check id → (verdict, message)): the first rule that
    breaks it, else the first one left undecided, else it works."""
    client = CLIENTS[name]
    decided = tuple((r.check, rows.get(r.check, ("missing", ""))[0]) for r in client.rules)
    broken = undecided = None
    for rule in client.rules:
        found, message = rows.get(rule.check, ("missing", "the run has no row for it (not selected)"))
        if rule.optional or found == "pass" or (found == "warn" and not rule.warn_breaks):
            continue
        if found in ("fail", "warn"):
            broken = broken or (rule, message)
        else:
            undecided = undecided or (rule, f"{found}: {message}")
    if broken:
        rule, message = broken
        return ClientVerdict(name, "breaks", rule.check, _short(f"needs {rule.needs}; {message}"), decided)
    if undecided:
        rule, message = undecided
        return ClientVerdict(name, "undecided", rule.check, _short(f"needs {rule.needs}; {message}"), decided)
    return ClientVerdict(name, "works", None, "", decided)


def checks_of(names: Any) -> list[str]:
    """Every check id the named clients' rules read, each once."""
    return list(dict.fromkeys(r.check for n in names for r in CLIENTS[n].rules))
