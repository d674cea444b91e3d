"""anthropic-messages: POST /v1/messages (and POST /v1/messages/count_tokens)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from llmconform import checks, factory, spec
from llmconform.exchange import Request
from llmconform.surfaces import (
    Dependent,
    Steer,
    Surface,
    answer_json,
    billing_builders,
    common_builders,
    ends_with,
    parse_arguments,
    register,
    sub,
    whole_text,
)
from llmconform.verdict import Error

if TYPE_CHECKING:
    from llmconform.exchange import Exchange
    from llmconform.sse import Event
    from llmconform.surfaces import Probing

NAME = "anthropic-messages"
PATH = "/v1/messages"
COUNT_TOKENS_PATH = "/v1/messages/count_tokens"
SPEC = spec.load(NAME)
# anthropic-version, at the value the spec gives it by default.
HEADERS = SPEC.header_defaults(PATH)
INTERLEAVED_BETA = str(SPEC.document["components"]["parameters"]["AnthropicBeta"]["example"])
TOOL_RESULT = "18 degrees Celsius and sunny"
FOLLOW_UP = "What is that number plus 1? Answer with the number only."

# The stream's types by the role the readers give them (openapi: MessageStreamEvent).
EVENTS = SPEC.vocabulary("MessageStreamEvent")
# The schema each stream event's data is validated against, by its `type` (the discriminator).
EVENT_SCHEMAS = SPEC.mapping("MessageStreamEvent")
# The delta types each content block type may stream.
DELTA_TYPES = SPEC.table("ContentBlockDeltaEvent", "delta-types")


# -- reading answers ----------------------------------------------------------------------------

def blocks(data: Any, kind: str | None = None) -> list[dict[str, Any]]:
    """The content blocks of a message (of one type when `kind` is given)."""
    content = data.get("content") if isinstance(data, dict) else None
    found = [b for b in content if isinstance(b, dict)] if isinstance(content, list) else []
    return [b for b in found if b.get("type") == kind] if kind else found


def text(data: Any) -> str:
    """The visible text of a message: its text blocks joined."""
    return "".join(b["text"] for b in blocks(data, "text") if isinstance(b.get("text"), str))


def answered_text(exchange: Exchange, what: str) -> str:
    """The visible text of an answer that must be whole: a Message with non-empty text (the
    request is described as `what` in the verdicts)."""
    return whole_text(exchange, what, NAME, "Message", text, "content")


def event_text(data: Any) -> str:
    if not isinstance(data, dict) or data.get("type") != EVENTS["block-delta"]:
        return ""
    delta = data.get("delta")
    if isinstance(delta, dict) and delta.get("type") == EVENTS["text-delta"] and isinstance(delta.get("text"), str):
        return str(delta["text"])
    return ""


def streamed_blocks(events: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Content blocks rebuilt from a stream, by index: the start block, the deltas, and the joined
    text / thinking / signature / partial_json."""
    rebuilt: dict[int, dict[str, Any]] = {}
    for data in events:
        index = data.get("index")
        if data.get("type") == EVENTS["block-start"] and isinstance(index, int):
            start = sub(data, "content_block")
            rebuilt[index] = {"start": start, "type": start.get("type"), "deltas": [], "text": "",
                              "thinking": "", "signature": "", "partial_json": "", "stopped": False}
        elif data.get("type") == EVENTS["block-delta"] and index in rebuilt:
            delta = sub(data, "delta")
            block = rebuilt[index]
            block["deltas"].append(delta.get("type"))
            for field in ("text", "thinking", "signature", "partial_json"):
                if isinstance(delta.get(field), str):
                    block[field] += delta[field]
        elif data.get("type") == EVENTS["block-stop"] and index in rebuilt:
            rebuilt[index]["stopped"] = True
    return rebuilt


# Stop reasons that end the output wherever it stands, a block included: a stream cut by max_tokens
# inside a tool_use block ends with message_delta and no content_block_stop for it
# (anthropic-sdk-python tests/lib/streaming/fixtures/incomplete_partial_json_response.txt, which the
# SDK's accumulate_event reads whole). StopReason values: src/anthropic/types/stop_reason.py.
CUT_MID_BLOCK = ("max_tokens", "model_context_window_exceeded", "refusal")


def final_stop_reason(events: list[dict[str, Any]]) -> Any:
    """The stream's stop_reason: the last message_delta's (the SDK's accumulate_event overwrites it
    with every message_delta, of which the docs allow one or more)."""
    reasons = [sub(d, "delta").get("stop_reason") for d in events if d.get("type") == EVENTS["message-delta"]]
    return reasons[-1] if reasons else None


# The server's own failures, which the API may report inside a begun stream: the error types it
# pairs with a 5xx status (api_error, timeout_error, overloaded_error).
SERVER_ERRORS = frozenset(k for status, kinds in SPEC.by_status("ErrorResponse")[1].items() if status >= 500
                          for k in kinds)


def ending_error(events: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The server error event that ended a begun stream (its last event, after message_start), else
    None. The official API may end a stream so ("during periods of high usage, you may receive an
    overloaded_error": Anthropic docs, Streaming Messages, Error events; anthropic-sdk-python
    src/anthropic/_streaming.py raises it): nothing after it, no message_delta, no message_stop.
    An error event the stream goes on after, one before message_start, or a client error (the
    request refused after a 200) is no such end."""
    found = [d for d in events if d.get("type") != "ping"]
    if len(found) > 1 and found[0].get("type") == EVENTS["start"] and found[-1].get("type") == "error" \
            and sub(found[-1], "error").get("type") in SERVER_ERRORS:
        return found[-1]
    return None


def not_errored(exchange: Exchange, what: str) -> None:
    """Leave a check undecided when the API ended the stream with an error event (ending_error):
    conforming, yet the stream stopped before `what`."""
    error = ending_error(exchange.data_objects())
    if error is not None:
        kind = sub(error, "error").get("type")
        raise Error("the API ended the stream with an error event",
                    f"event error ({kind}) after the stream began: the stream stopped before {what}; the official "
                    "API ends a stream so when it is overloaded, which leaves nothing to check here (run again).")


def not_refused(stop_reason: Any, what: str) -> None:
    """Leave a check undecided when the API refused to answer (stop_reason `refusal`: its streaming
    classifiers stopped the answer, anthropic-sdk-python src/anthropic/types/stop_reason.py, with
    stop_details saying why): conforming, with no `what` to judge."""
    if stop_reason == "refusal":
        raise Error("refused by the API (stop_reason refusal)",
                    f"stop_reason refusal: the model's answer was stopped by the API's classifiers before {what}; "
                    "that is conforming, but leaves nothing to check here.")


def streamed_nothing_to_judge(exchange: Exchange) -> None:
    """A stream the API ended with an error event or refused leaves its text undecided."""
    not_errored(exchange, "its text")
    not_refused(final_stop_reason(exchange.data_objects()), "its text")


def stream_ended(events: list[Event]) -> bool:
    """A Messages stream is over once it sent message_stop, message_delta (the stop reason) or an
    error event: closed before any of them, it was cut."""
    return ends_with(events, EVENTS.all("ends"))


# A JSON text parsed (None when it is not JSON): the tool-call arguments' reader.
parse_json = parse_arguments


# -- the forced tool call -------------------------------------------------------------------------
# Answered with text instead of the call, the forced-call check fails (whatever the model); the
# other checks reading the call are left undecided.

def forced_calls(exchange: Exchange) -> list[dict[str, Any]]:
    """The tool_use blocks of the answer to a forced tool call (undecided when the API refused it)."""
    data = checks.ok_json(exchange)
    uses = blocks(data, "tool_use")
    if not uses:
        not_refused(data.get("stop_reason"), "a tool call")
    checks.need(uses, "a tool_use block for the forced tool", [b.get("type") for b in blocks(data)] or data,
                owner="tools/forced-call", exchange=exchange)
    return uses

def forced_call_names(exchange: Exchange) -> list[Any]:
    return [u.get("name") for u in forced_calls(exchange)]


def streamed_forced_calls(exchange: Exchange) -> tuple[list[dict[str, Any]], dict[int, dict[str, Any]]]:
    """(every event's data, the tool_use blocks rebuilt by index) of a streamed forced tool call
    (undecided when the API refused it or ended the stream with an error event)."""
    data = [d if isinstance(d, dict) else {} for _, d in exchange.data_events()]
    found = {i: b for i, b in streamed_blocks(data).items() if b["type"] == "tool_use"}
    if not found:
        not_errored(exchange, "a tool call")
        not_refused(final_stop_reason(data), "a tool call")
    checks.need(found, "a tool_use content block for the forced tool", [d.get("type") for d in data][:12],
                owner="stream-tools/forced-call", exchange=exchange)
    return data, found

def streamed_call_names(exchange: Exchange) -> list[Any]:
    return [b["start"].get("name") for b in streamed_forced_calls(exchange)[1].values()]




# -- error envelopes ----------------------------------------------------------------------------

def native_error(exchange: Exchange, statuses: tuple[int, ...] | range, what: str) -> dict[str, Any]:
    """One of `statuses` with `{"type": "error", "error": {"type", "message"}}`, error.type the one
    the official API pairs with the status."""
    body = checks.error_envelope(exchange, NAME, statuses, what)
    checks.error_kind(body, exchange.status, NAME, what, exchange=exchange)
    return body


def native_rejected(exchange: Exchange, what: str) -> dict[str, Any]:
    """Invalid input refused with a 4xx and the Anthropic envelope — never served, never a 5xx."""
    body = checks.rejected(exchange, NAME, what)
    checks.error_kind(body, exchange.status, NAME, what, exchange=exchange)
    return body


# -- dependent probes ---------------------------------------------------------------------------

def _spec_request(target: Probing, name: str, path: str = PATH,
                  headers: tuple[tuple[str, str], ...] = HEADERS) -> Request:
    """A spec probe (or the profile's documented request of that name), sent with `headers`."""
    return factory.request(NAME, name, model=target.model(NAME), operation=path, config=target.surface_config(NAME),
                           headers=headers)


def as_param(block: dict[str, Any]) -> dict[str, Any] | None:
    """A response content block as the request sends it back (None for what cannot go back)."""
    kind = block.get("type")
    if kind == "thinking":
        return {"type": "thinking", "thinking": block.get("thinking", ""),
                "signature": block.get("signature", "")}
    if kind == "redacted_thinking":
        return {"type": "redacted_thinking", "data": block.get("data", "")}
    if kind == "text" and block.get("text"):
        return {"type": "text", "text": block["text"]}
    if kind == "tool_use":
        return {"type": "tool_use", "id": block.get("id"), "name": block.get("name"),
                "input": block.get("input")}
    return None


def _thinking_roundtrip(first: Request, thinking: Exchange) -> Request:
    """The thinking answer sent back as the assistant turn (thinking block and signature unchanged),
    followed by a new user turn."""
    answer = answer_json(thinking)
    turn = [p for p in (as_param(b) for b in blocks(answer)) if p is not None]
    if not turn:
        turn = [{"type": "text", "text": "391"}]
    body = dict(first.body)
    body["messages"] = [*first.body["messages"], {"role": "assistant", "content": turn},
                        {"role": "user", "content": FOLLOW_UP}]
    return replace(first, probe="thinking-roundtrip", body=body)


def _tool_result(first: Request, forced: Exchange) -> Request | None:
    """The forced tool call answered: the assistant's tool_use turn, then a user tool_result turn for
    its id (none without a tool_use: the spec's fixed tool-result conversation is sent instead)."""
    answer = answer_json(forced)
    uses = [b for b in blocks(answer, "tool_use") if isinstance(b.get("id"), str) and b.get("id")]
    if not uses:
        return None
    turn = [p for p in (as_param(b) for b in blocks(answer)) if p is not None]
    body = dict(first.body)
    body.pop("tool_choice", None)
    body["messages"] = [*first.body["messages"], {"role": "assistant", "content": turn},
                        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": uses[0]["id"],
                                                      "content": TOOL_RESULT}]}]
    return replace(first, probe="tool-result", body=body)


def _no_version(target: Probing) -> Request:
    """A plain request without the anthropic-version header (its own body, so that no cassette
    answer recorded for a request with the header can stand in for it)."""
    return _spec_request(target, "no-version", headers=())


def _interleaved(target: Probing) -> Request:
    """budget_tokens above max_tokens, with the interleaved-thinking beta header that allows it."""
    return _spec_request(target, "interleaved", headers=(*HEADERS, ("anthropic-beta", INTERLEAVED_BETA)))


def _count_tokens(target: Probing) -> Request:
    return _spec_request(target, "count-tokens", COUNT_TOKENS_PATH)


def _billing_count(target: Probing) -> Request:
    """billing-plain's prompt counted: the fields of it CountTokensRequest takes."""
    plain = target.request(NAME, "billing-plain")
    taken = SPEC.properties("CountTokensRequest")
    return factory.request(NAME, "billing-count", model=target.model(NAME), operation=COUNT_TOKENS_PATH,
                           body={k: v for k, v in plain.body.items() if k in taken}, headers=HEADERS)


# -- issue 22: thinking with a tool over two turns, and what Claude Code sends -----------------------

# The anthropic-beta list Claude Code sends on each /v1/messages request through a gateway, which
# the gateway must forward unchanged (Claude Code docs, LLM gateway protocol reference,
# https://code.claude.com/docs/en/llm-gateway-protocol, read 2026-12-05).
CLAUDE_CODE_BETAS = "claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14"
MODELS_PATH = "/v1/models"


def _tampered(signature: Any) -> str:
    """Another signature of the same length: the last characters changed (base64 stays base64)."""
    text = signature if isinstance(signature, str) else ""
    tail = "AAAAAAAA" if not text.endswith("AAAAAAAA") else "BBBBBBBB"
    return text[:-8] + tail if len(text) > 8 else tail


def _thinking_turn(first: Request, answered: Exchange, probe: str, tamper: bool) -> Request:
    """The thinking-with-tools answer sent back as the assistant turn — thinking block(s) and
    signature unchanged (or, `tamper`, one signature altered) — then the tool_result for its tool_use
    (a plain follow-up turn when no tool_use came back: the check reading it is then undecided)."""
    answer = answer_json(answered)
    turn = [p for p in (as_param(b) for b in blocks(answer)) if p is not None]
    if tamper:
        signed = [p for p in turn if p["type"] == "thinking"]
        if signed:
            signed[0]["signature"] = _tampered(signed[0]["signature"])
    uses = [b for b in blocks(answer, "tool_use") if isinstance(b.get("id"), str) and b.get("id")]
    if not turn:
        turn = [{"type": "text", "text": "I will check the weather."}]
    reply: Any = ([{"type": "tool_result", "tool_use_id": uses[0]["id"], "content": TOOL_RESULT}] if uses
                  else FOLLOW_UP)
    body = dict(first.body)
    body["messages"] = [*first.body["messages"], {"role": "assistant", "content": turn},
                        {"role": "user", "content": reply}]
    return replace(first, probe=probe, body=body, refusal_expected=tamper)


def _thinking_tool_result(first: Request, answered: Exchange) -> Request:
    return _thinking_turn(first, answered, "thinking-tool-result", tamper=False)


def _thinking_tampered(first: Request, answered: Exchange) -> Request:
    return _thinking_turn(first, answered, "thinking-tampered", tamper=True)


def _claude_code(target: Probing) -> Request:
    """Claude Code's request, with its anthropic-version and anthropic-beta headers."""
    return _spec_request(target, "claude-code", headers=(*HEADERS, ("anthropic-beta", CLAUDE_CODE_BETAS)))


def _model_discovery(target: Probing) -> Request:
    """GET /v1/models as Claude Code's gateway model discovery sends it: the Messages key and
    anthropic-version (its answer is read in the Anthropic list format)."""
    return factory.request(NAME, "model-discovery", model=None, operation=MODELS_PATH, method="GET", body=None,
                           headers=HEADERS)


SURFACE = register(Surface(
    name=NAME, path=PATH, default_headers=HEADERS,
    builders={**common_builders(NAME), "thinking-roundtrip": Dependent("thinking", _thinking_roundtrip),
              "tool-result": Dependent("tools-forced", _tool_result, lambda t: _spec_request(t, "tool-result")),
              "no-version": _no_version,
              "interleaved": _interleaved, "count-tokens": _count_tokens,
              "thinking-tool-result": Dependent("thinking-tools", _thinking_tool_result),
              "thinking-tampered": Dependent("thinking-tools", _thinking_tampered),
              "claude-code": _claude_code, "model-discovery": _model_discovery,
              **billing_builders(NAME, _billing_count)},
    answer="the message", text=text, reasoning="thinking", text_field="the text blocks",
    answered_text=answered_text, event_text=event_text, stream_end=stream_ended,
    spent_on_reasoning=streamed_nothing_to_judge,
    forced_call_names=forced_call_names, streamed_call_names=streamed_call_names,
    call="tool_use of the requested tool",
    native_error=lambda exchange, statuses, what, target: native_error(exchange, statuses, what),
    native_rejected=native_rejected,
    steers=(Steer("system-string", "`system` as a string", "a string system prompt", "pong",
                  "the answer to follow the system prompt (reply pong)"),
            Steer("system-blocks", "`system` as an array of text blocks", "a system prompt given as blocks", "pong",
                  "the answer to follow the system prompt given as blocks (reply pong)")),
    chat_like=True, sse=True,
))
