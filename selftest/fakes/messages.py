"""POST /v1/messages (+ /count_tokens), conforming unless a `messages.*` fault says otherwise."""

from __future__ import annotations

import json
import uuid
from typing import Any

from llmconform import spec
from selftest.fakes import server
from selftest.fakes.replies import billed_prompt, canned, code_word, words
from selftest.fakes.server import KEY, MODEL, FakeRequest, Reply, openai_error, route, sse_data, sse_event

INTERLEAVED = "interleaved-thinking-2025-05-14"
# Long and opaque, as the official signatures are (hundreds of base64 characters).
SIGNATURE = "EqQBCkYIBxgCKkB" + "fakeSignatureLlmconformSelftest0123456789+/" * 5 + "GAE="
THOUGHT = "17 * 23 = 17 * 20 + 17 * 3 = 340 + 51 = 391. The answer is 391."


# -- reading the request --------------------------------------------------------------------------

def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(str(b.get("text", "")) for b in content
                        if isinstance(b, dict) and b.get("type") == "text")
    return ""


def _has_block(body: dict[str, Any], kind: str, role: str | None = None) -> bool:
    return any(isinstance(m.get("content"), list) and any(isinstance(b, dict) and b.get("type") == kind
                                                          for b in m["content"])
               for m in body.get("messages") or [] if isinstance(m, dict) and role in (None, m.get("role")))


def _thinking_on(body: dict[str, Any]) -> bool:
    thinking = body.get("thinking")
    return isinstance(thinking, dict) and thinking.get("type") == "enabled"


# -- errors -------------------------------------------------------------------------------------

def _headers(f: FakeRequest) -> dict[str, str]:
    return {} if f.has("messages.no-request-id") else {"request-id": f"req_fake{uuid.uuid4().hex[:20]}"}


def _error(status: int, kind: str, message: str, f: FakeRequest) -> Reply:
    if f.has("messages.error-envelope-openai"):
        return openai_error(status, message, kind)
    if f.has("messages.error-type-wrong"):
        kind = "api_error"
    body = {"type": "error", "error": {"type": kind, "message": message}}
    return Reply.json(body, status, **_headers(f))


def _reject(f: FakeRequest, schema: str) -> Reply | None:
    fault = server.framework_fault(f, "messages", lambda: _error(
        500, "api_error", 'Traceback (most recent call last):\n  File "/srv/app/messages.py", line 41, in create\n'
        "KeyError: 'content'", f))
    if fault:
        return fault
    if f.has("messages.x-api-key-dropped"):  # a relay that forwards only a bearer key upstream
        if f.headers.get("authorization") != f"Bearer {KEY}":
            return _error(401, "authentication_error", "invalid x-api-key", f)
    elif not f.has("messages.auth-open") and f.headers.get("x-api-key") != KEY:
        return _error(401, "authentication_error", "invalid x-api-key", f)
    if not f.has("messages.version-optional") and "anthropic-version" not in f.headers:
        return _error(400, "invalid_request_error", "anthropic-version: header is required", f)
    body, refused = server.parsed(f, "messages", lambda: _error(400, "invalid_request_error",
                                                         "The request body is not valid JSON.", f))
    if refused:
        return refused
    problems = spec.load("anthropic-messages").errors(schema, body)
    nameless = isinstance(body, dict) and body.get("tool_choice") == {"type": "tool"}
    if f.has("messages.tool-choice-rewritten") and nameless:
        body["tool_choice"] = {"type": "auto"}  # a relay that turns a nameless forced tool into auto
        problems = spec.load("anthropic-messages").errors(schema, body)
        f.raw = json.dumps(body).encode()
    if problems and not f.has("messages.validation-off"):
        return _error(400, "invalid_request_error", problems[0], f)
    if not isinstance(body, dict):
        return _error(400, "invalid_request_error", "The body must be a JSON object.", f)
    if body.get("model") != MODEL and not f.has("messages.any-model"):
        return _error(404, "not_found_error", f"model: {body.get('model')}", f)
    messages = body.get("messages") if isinstance(body.get("messages"), list) else []
    if f.has("messages.crash-on-odd-input") and any(
            not _text_of(m.get("content")).isascii() or not _text_of(m.get("content")).strip()
            for m in messages if isinstance(m, dict)):
        return _error(500, "api_error", "Internal server error", f)
    return None


def _reject_message(body: dict[str, Any], f: FakeRequest) -> Reply | None:
    """What the Messages API refuses beyond the schema: the thinking budget rules, bad signatures."""
    if _thinking_on(body) and isinstance(body.get("max_tokens"), int):
        budget = body["thinking"].get("budget_tokens", 0)
        # A gateway that strips anthropic-beta: the model never sees the interleaved-thinking beta.
        beta = INTERLEAVED in f.headers.get("anthropic-beta", "") and not f.has("messages.beta-stripped")
        if beta and f.has("messages.interleaved-rejected"):
            return _error(400, "invalid_request_error", "unknown anthropic-beta", f)
        if budget >= body["max_tokens"] and not beta and not f.has("messages.budget-unchecked"):
            return _error(400, "invalid_request_error",
                          "`max_tokens` must be greater than `thinking.budget_tokens`", f)
    if f.has("messages.beta-list-rejected") and "claude-code-20250219" in f.headers.get("anthropic-beta", ""):
        return _error(400, "invalid_request_error", "Unexpected value(s) `claude-code-20250219` for the "
                      "`anthropic-beta` header", f)
    if _has_block(body, "thinking", "assistant") and f.has("messages.signature-unchecked"):
        pass  # a relay that neither checks nor forwards signatures: any thinking block is served
    elif _has_block(body, "thinking", "assistant"):
        if f.has("messages.roundtrip-rejected"):
            return _error(400, "invalid_request_error", "thinking blocks cannot be sent back", f)
        sent = [b for m in body["messages"] if isinstance(m.get("content"), list) for b in m["content"]
                if isinstance(b, dict) and b.get("type") == "thinking"]
        if any(b.get("signature") != SIGNATURE for b in sent):
            return _error(400, "invalid_request_error", "Invalid `signature` in `thinking` block", f)
    if f.has("messages.tool-result-rejected") and _has_block(body, "tool_result"):
        return _error(400, "invalid_request_error", "tool_result not supported", f)
    if f.has("messages.image-500") and _has_block(body, "image"):
        return _error(500, "api_error", "Internal server error", f)
    if f.has("messages.system-blocks-rejected") and isinstance(body.get("system"), list):
        return _error(400, "invalid_request_error", "system: Input should be a valid string", f)
    choice = body.get("tool_choice") if isinstance(body.get("tool_choice"), dict) else {}
    if choice.get("type") in ("tool", "any") and not body.get("tools"):
        return _error(400, "invalid_request_error", "tool_choice requires tools", f)
    return None


# -- the answer ---------------------------------------------------------------------------------

def _text(body: dict[str, Any], f: FakeRequest) -> str:
    messages = [m for m in body.get("messages") or [] if isinstance(m, dict)]
    last = _text_of(messages[-1].get("content")) if messages else ""
    history = " ".join(_text_of(m.get("content")) for m in messages[:-1])
    system = _text_of(body.get("system"))
    if messages and _has_block({"messages": messages[-1:]}, "tool_result"):
        return "It is 18 degrees Celsius and sunny in Paris."
    if "plus 1" in last:
        return "392"
    if "Italy" in last:
        return "Rome."
    documents = [] if f.has("messages.document-dropped") else [
        str(sub.get("data")) for m in messages if isinstance(m.get("content"), list) for b in m["content"]
        if isinstance(b, dict) and b.get("type") == "document" and isinstance(sub := b.get("source"), dict)]
    word = code_word(documents, last)
    if word:
        return word
    if "colour" in last and (f.has("messages.image-dropped") or not _has_block({"messages": messages[-1:]}, "image")):
        return "I do not see an image."
    if "Count from 1 to 6" in last and f.has("messages.count-short"):
        return "1, 2, 3."  # a weak model that never reaches the stop sequence
    return canned(last, history, system, f, "messages", "thinking")


def _tool_use(body: dict[str, Any], f: FakeRequest) -> dict[str, Any] | None:
    choice = body.get("tool_choice") if isinstance(body.get("tool_choice"), dict) else {}
    tools = [t for t in body.get("tools") or [] if isinstance(t, dict)]
    messages = [m for m in body.get("messages") or [] if isinstance(m, dict)]
    # Thinking on, tool_choice auto, a question that needs the tool (and no tool_result yet): called.
    needed = (_thinking_on(body) and tools and choice.get("type") in (None, "auto") and messages
              and "weather" in _text_of(messages[-1].get("content")))
    if not needed and (not tools or choice.get("type") not in ("tool", "any") or f.has("messages.tool-choice-ignored")):
        return None
    name = choice.get("name") if choice.get("type") == "tool" else tools[0].get("name")
    arguments: Any = {"location": "Paris"}
    if f.has("messages.tool-input-string"):
        arguments = json.dumps(arguments)
    prefix = "tooluse_" if f.has("messages.tool-id-bedrock") else "toolu_"
    return {"type": "tool_use", "id": f"{prefix}01FakeWeatherCall0001", "name": name, "input": arguments}



def _generate(body: dict[str, Any], f: FakeRequest) -> tuple[list[dict[str, Any]], str, str | None, int]:
    """(content blocks, stop_reason, stop_sequence, output tokens) for a request."""
    limit = body.get("max_tokens") if isinstance(body.get("max_tokens"), int) else 4096
    content: list[dict[str, Any]] = []
    spent = 0
    thinking = _thinking_on(body) and not f.has("messages.thinking-in-text")
    if thinking:
        signature = "" if f.has("messages.signature-empty") else "c2lnbmF0dXJl" if f.has(
            "messages.signature-short") else SIGNATURE
        if f.has("messages.signature-rewritten") and body.get("tools"):
            signature = SIGNATURE[::-1]  # a relay that re-signs: its own signature, which it then refuses
        content.append({"type": "thinking", "thinking": THOUGHT, "signature": signature})
        spent += len(THOUGHT.split())
    use = _tool_use(body, f)
    if use:
        content.append(use)
        reason = "end_turn" if f.has("messages.tool-stop-end-turn") else "tool_use"
        return content, reason, None, spent + 12
    answer = _text(body, f)
    if _thinking_on(body) and f.has("messages.thinking-in-text"):
        answer = f"<thinking>{THOUGHT}</thinking>{answer}"
    tokens, reason, matched = words(answer), "end_turn", None
    sequences = [s for s in body.get("stop_sequences") or [] if isinstance(s, str) and s]
    if sequences and not f.has("messages.stop-ignored"):
        joined = "".join(tokens)
        hits = [(joined.find(s), s) for s in sequences if s in joined]
        if hits:
            cut, matched = min(hits)
            tokens, reason = words(joined[:cut]) if joined[:cut] else [], "stop_sequence"
            if f.has("messages.stop-reason-end-turn"):  # stopped there, but says end_turn
                reason, matched = "end_turn", None
    room = max(limit - spent, 0)
    if len(tokens) > room and not f.has("messages.max-tokens-ignored"):
        tokens, reason, matched = tokens[:room], "max_tokens", None
    if tokens and not f.has("messages.content-empty"):
        content.append({"type": "text", "text": "".join(tokens)})
    if thinking and f.has("messages.thinking-after-text"):
        content.append(content.pop(0))
    return content, reason, matched, spent + len(tokens)


def _usage(body: dict[str, Any], output: int, f: FakeRequest) -> dict[str, Any]:
    prompt = sum(len(_text_of(m.get("content")).split()) for m in body.get("messages") or []
                 if isinstance(m, dict)) + len(_text_of(body.get("system")).split()) + 3
    if f.has("messages.usage-inflated"):
        prompt += 5000
    # Anthropic's input_tokens leaves the cache reads out; a double-counting relay keeps them in it.
    prompt, cached = billed_prompt(prompt, f, "messages")
    if f.has("messages.usage-over-limit"):
        output = int(body.get("max_tokens") or 0) + 5
    created_5m = 7 if f.has("messages.usage-cache-inconsistent") else 0
    usage: dict[str, Any] = {
        "input_tokens": prompt, "cache_creation_input_tokens": 0, "cache_read_input_tokens": cached,
        "cache_creation": {"ephemeral_5m_input_tokens": created_5m, "ephemeral_1h_input_tokens": 0},
        "output_tokens": -1 if f.has("messages.usage-negative") else output, "service_tier": "standard",
    }
    if f.has("messages.usage-new-api"):
        usage["claude_cache_creation_5_m_tokens"] = 0
    if f.has("messages.usage-zero"):
        usage.update({"input_tokens": 0, "output_tokens": 0})
    return usage


@route("/v1/messages")
def messages(f: FakeRequest) -> Reply:
    rejected = _reject(f, "CreateMessageRequest")
    if rejected:
        return rejected
    body = f.json()
    refused = _reject_message(body, f)
    if refused:
        return refused
    if body.get("stream") is True:
        if f.has("messages.stream-500"):
            return _error(500, "api_error", "upstream stream failed", f)
        return _stream(body, f)
    content, reason, matched, output = _generate(body, f)
    if f.has("messages.stop-sequence-stray") and matched is None:
        matched = "\n\nHuman:"
    data = {
        "id": "chatcmpl-fake0001" if f.has("messages.id-chatcmpl") else "msg_01FakeMessage0001",
        "type": "chat.completion" if f.has("messages.type-wrong") else "message",
        "role": "assistant",
        "model": "claude-alias-model" if f.has("messages.model-alias") else body.get("model"),
        "content": content,
        "stop_reason": reason,
        "stop_sequence": matched,
        "usage": _usage(body, output, f),
    }
    if f.has("messages.content-type-text"):
        return Reply(body=json.dumps(data).encode(), headers={"content-type": "text/plain", **_headers(f)})
    return Reply.json(data, **_headers(f))


def _pieces(value: str, parts: int = 3) -> list[str]:
    size = max(len(value) // parts, 1)
    return [value[i:i + size] for i in range(0, len(value), size)] or [""]


def _stream(body: dict[str, Any], f: FakeRequest) -> Reply:
    content, reason, matched, output = _generate(body, f)
    usage = _usage(body, output, f)
    events: list[tuple[str, dict[str, Any]]] = []
    if f.has("messages.stream-usage-zero"):
        usage, output = {**usage, "input_tokens": 0}, 0
    start_usage = {**usage, "output_tokens": 0 if f.has("messages.stream-usage-zero") else 1}
    final_input = {}
    if f.has("messages.stream-start-zero"):  # the input counted only in message_delta
        start_usage["input_tokens"], final_input = 0, {"input_tokens": usage["input_tokens"]}
    model = "claude-alias-model" if f.has("messages.stream-model-alias") else body.get("model")
    message = {"id": "msg_01FakeStream0001", "type": "message", "role": "assistant", "model": model,
               "stop_reason": None, "stop_sequence": None, "usage": start_usage,
               "content": [{"type": "text", "text": "x"}] if f.has("messages.stream-start-content") else []}
    events.append(("message_start", {"type": "message_start", "message": message}))
    events.append(("ping", {"type": "ping"}))
    if f.has("messages.stream-unknown-event"):
        events.append(("message_annotation", {"type": "message_annotation", "note": "relay extension"}))
    if f.has("messages.stream-error-event"):
        overloaded = {"type": "overloaded_error", "message": "Overloaded"}
        events.append(("error", {"type": "error", "error": overloaded}))
    if f.has("messages.stream-thinking-after-text"):
        content = content[1:] + content[:1]
    shift = 1 if f.has("messages.stream-index-from-1") else 0
    for index, block in enumerate(content, start=shift):
        kind = block["type"]
        if kind == "thinking":
            start: dict[str, Any] = {"type": "thinking", "thinking": "", "signature": ""}
            deltas = [{"type": "thinking_delta", "thinking": p} for p in _pieces(block["thinking"])]
            if not f.has("messages.stream-signature-missing"):
                deltas.append({"type": "signature_delta", "signature": block["signature"]})
        elif kind == "tool_use":
            start = {"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}
            if f.has("messages.stream-tool-start-incomplete"):
                del start["id"]
            arguments = json.dumps(block["input"])
            if f.has("messages.stream-tool-args-broken"):
                arguments = arguments[:-4]
            deltas = [{"type": "input_json_delta", "partial_json": p} for p in ["", *_pieces(arguments)]]
            if f.has("messages.stream-cut-in-tool-use"):
                # max_tokens reached inside the call: the input half written, the block never closed,
                # message_delta next (anthropic-sdk-python's incomplete_partial_json_response fixture)
                deltas, reason = deltas[:2], "max_tokens"
        else:
            start = {"type": "text", "text": ""}
            kind_of = "thinking_delta" if f.has("messages.stream-delta-type-wrong") else "text_delta"
            field = "thinking" if kind_of == "thinking_delta" else "text"
            tokens = [] if f.has("messages.stream-empty-text") else words(block["text"])
            deltas = [{"type": kind_of, field: t} for t in tokens]
            if f.has("messages.stream-delta-text-int") and deltas:
                deltas[0] = {"type": "text_delta", "text": 5}
        events.append(("content_block_start",
                       {"type": "content_block_start", "index": index, "content_block": start}))
        events += [("content_block_delta", {"type": "content_block_delta", "index": index, "delta": d})
                   for d in deltas]
        if reason == "max_tokens" and f.has("messages.stream-cut-in-tool-use"):
            break
        if f.has("messages.stream-block-left-open") and index == len(content) - 1 + shift:
            continue
        events.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
    if f.has("messages.stream-tool-stop-end-turn") and reason == "tool_use":
        reason = "end_turn"
    final_output = int(body.get("max_tokens") or 0) + 10 if f.has("messages.stream-usage-over") else output
    if not f.has("messages.stream-no-message-delta"):
        if f.has("messages.stream-two-message-deltas"):  # the docs: "one or more message_delta events"
            events.append(("message_delta", {"type": "message_delta",
                                             "delta": {"stop_reason": reason, "stop_sequence": matched},
                                             "usage": {"output_tokens": max(final_output - 1, 1)}}))
        last_reason = None if f.has("messages.stream-last-delta-no-reason") else reason
        events.append(("message_delta", {"type": "message_delta",
                                         "delta": {"stop_reason": last_reason, "stop_sequence": matched},
                                         "usage": {**final_input, "output_tokens": final_output}}))
    if not f.has("messages.stream-no-stop"):
        events.append(("message_stop", {"type": "message_stop"}))
    named = not f.has("messages.stream-no-event-names")
    raw = [sse_event(name, data) if named else sse_data(data) for name, data in events]
    if f.has("messages.stream-invalid-utf8"):
        raw.insert(2, b"event: ping\ndata: {\"type\": \"ping\", \"bad\": \"\xff\xfe\"}\n\n")
    if f.has("messages.stream-done"):
        raw.append(sse_data("[DONE]"))
    content_type = "application/json" if f.has("messages.stream-content-type-json") else "text/event-stream"
    headers = {"content-type": content_type, "cache-control": "no-cache", **_headers(f)}
    if f.has("messages.stream-cut"):  # the connection dropped after four events
        return Reply(chunks=raw[:4], headers=headers, reset_after=True)
    return Reply(chunks=raw, headers=headers)


@route("/v1/messages/count_tokens")
def count_tokens(f: FakeRequest) -> Reply:
    rejected = _reject(f, "CountTokensRequest")
    if rejected:
        return rejected
    if f.has("messages.count-tokens-crash"):  # another endpoint's crash, with the same bare page as a bad body's
        return Reply(status=500, body=b"<html><body>Internal Server Error</body></html>",
                     headers={"content-type": "text/html"})
    tokens = _usage(f.json(), 0, f)["input_tokens"] + (40 if f.has("messages.count-tokens-off") else 0)
    return Reply.json({"input_tokens": str(tokens) if f.has("messages.count-tokens-string") else tokens},
                      **_headers(f))
