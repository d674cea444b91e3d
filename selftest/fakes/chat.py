"""POST /v1/chat/completions, conforming unless a `chat.*` fault says otherwise."""

from __future__ import annotations

import json
import time
from typing import Any

from llmconform import spec
from selftest.fakes import server
from selftest.fakes.replies import billed_prompt, omit_nulls
from selftest.fakes.server import MODEL, FakeRequest, Reply, openai_error, route, sse_data

STORY_TEXT = ("Once upon a time a lighthouse keeper watched the sea every night and wrote down each ship "
              "that passed the rocks below his tower until the winter storms came")
STORY = STORY_TEXT.split(" ")


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def _answer(body: dict[str, Any], f: FakeRequest) -> str:
    messages = body["messages"]
    last = _text_of(messages[-1].get("content"))
    system = " ".join(_text_of(m.get("content")) for m in messages if m.get("role") in ("system", "developer"))
    history = " ".join(_text_of(m.get("content")) for m in messages[:-1])
    if messages[-1].get("role") == "tool":
        return "It is 18 degrees and cloudy in Paris."
    if "BANANA" in system and not f.has("chat.system-ignored"):
        return "BANANA"
    if "Ada" in history and not f.has("chat.multi-turn-ignored"):
        return "Ada"
    if "Count from 1 to 20" in last:
        return " ".join(str(i) for i in range(1, 21))
    if body.get("response_format") or "JSON" in last:
        return "{\"greeting\": \"hello\"" if f.has("chat.json-invalid") else "{\"greeting\": \"hello\"}"
    if "17 + 25" in last:
        return "42"
    if "long story" in last:
        return " ".join(STORY)
    images = [p for p in messages[-1].get("content") or [] if isinstance(p, dict) and p.get("type") == "image_url"] \
        if isinstance(messages[-1].get("content"), list) else []
    if "colour" in last and (f.has("chat.image-dropped") or not images):
        return "I do not see an image."
    if "colour" in last:
        return "Red."
    if f.has("chat.persona"):
        return "Hello! I am Claude Code, Anthropic's official CLI."
    if f.has("chat.markup"):
        return "<think>the user wants a greeting</think>Hello there, nice to meet you!"
    return "Hello there, nice to meet you!"


def _limit(body: dict[str, Any], text: str, f: FakeRequest) -> tuple[list[str], str]:
    """Tokens (words with their spaces) after max_tokens and stop, and the finish reason."""
    tokens = [w + " " for w in text.split(" ")]
    tokens[-1] = tokens[-1].rstrip()
    reason = "stop"
    stops = body.get("stop") or []
    stops = [stops] if isinstance(stops, str) else stops
    if stops and not f.has("chat.stop-ignored"):
        joined = "".join(tokens)
        cut = min((joined.find(s) for s in stops if s in joined), default=-1)
        if cut >= 0:
            tokens = [t + " " for t in joined[:cut].split(" ") if t]
            return tokens, "stop"
    limit = body.get("max_completion_tokens") or body.get("max_tokens")
    if isinstance(limit, str) and limit.isdigit():
        limit = int(limit)  # a lax server coerces "8" (validation-off)
    if isinstance(limit, int) and len(tokens) > limit and not f.has("chat.max-tokens-ignored"):
        tokens = tokens[:limit]
        reason = "stop" if f.has("chat.length-as-stop") else "length"
    return tokens, reason


def _usage(body: dict[str, Any], completion: int, f: FakeRequest) -> dict[str, Any]:
    prompt = sum(len(_text_of(m.get("content")).split()) for m in body["messages"]) + 3
    if f.has("chat.usage-inflated"):
        prompt += 5000
    prompt, cached = billed_prompt(prompt, f, "chat")
    usage: dict[str, Any] = {"prompt_tokens": prompt, "completion_tokens": completion,
                             "total_tokens": prompt + completion + (5 if f.has("chat.usage-sum-wrong") else 0)}
    if cached or f.has("chat.usage-cached-over"):
        usage["prompt_tokens_details"] = {"cached_tokens": prompt + 5 if f.has("chat.usage-cached-over") else cached}
    if f.has("chat.usage-reasoning-over"):
        usage["completion_tokens_details"] = {"reasoning_tokens": completion + 5}
    if f.has("chat.usage-new-api"):
        usage.update({"input_tokens": 0, "output_tokens": 0, "claude_cache_creation_5_m_tokens": 0})
    if f.has("chat.usage-negative"):
        usage["completion_tokens"] = -1
    if f.has("chat.usage-zero"):
        usage.update({"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0})
    if f.has("chat.usage-tenfold"):
        usage.update({"completion_tokens": completion * 10, "total_tokens": prompt + completion * 10})
    return usage


def _logprobs(body: dict[str, Any], message: dict[str, Any]) -> dict[str, Any] | None:
    """What `logprobs: true` asks for: one entry per token of the text (top_logprobs alternatives)."""
    if not body.get("logprobs") or not isinstance(message.get("content"), str):
        return None
    top = int(body.get("top_logprobs") or 0)
    return {"content": [{"token": t, "logprob": -0.25, "bytes": list(t.encode()),
                         "top_logprobs": [{"token": t, "logprob": -0.25, "bytes": list(t.encode())}] * top}
                        for t in message["content"].split(" ") if t], "refusal": None}


def _tool_call(body: dict[str, Any], f: FakeRequest) -> dict[str, Any] | None:
    choice = body.get("tool_choice")
    if not body.get("tools") or f.has("chat.tool-choice-ignored"):
        return None
    if choice == "required" and f.has("chat.required-ignored"):  # rewritten to auto: a text answer
        return None
    if not (isinstance(choice, dict) or choice == "required"):
        return None
    if body["messages"][-1].get("role") == "tool":
        return None
    name = choice["function"]["name"] if isinstance(choice, dict) else body["tools"][0]["function"]["name"]
    arguments = "{\"location\": \"Paris\"" if f.has("chat.tool-args-invalid") else "{\"location\": \"Paris\"}"
    return {"id": "" if f.has("chat.tool-id-empty") else "call_fake_0001", "type": "function",
            "function": {"name": name, "arguments": arguments}}


def _envelope_error(status: int, message: str, kind: str, f: FakeRequest, code: str | None = None) -> Reply:
    return server.openai_envelope(status, message, kind, f, "chat", code)


def _reject(f: FakeRequest) -> Reply | None:
    body, refused = server.openai_request(f, "chat", 'Traceback (most recent call last):\n  File '
                                          '"/srv/app/handlers.py", line 88, in chat\nKeyError: "choices"')
    if refused:
        return refused
    problems = spec.load("openai-chat").errors("CreateChatCompletionRequest", body)
    if problems and f.has("chat.validation-500"):  # every invalid input crashes the same way
        return openai_error(500, "internal error", "server_error")
    if problems and not f.has("chat.validation-off"):
        status = 422 if f.has("chat.reject-422") else 400
        return _envelope_error(status, f"Invalid request: {problems[0]}", "invalid_request_error", f)
    if isinstance(body, dict) and body.get("model") != MODEL and not f.has("chat.any-model"):
        return _envelope_error(404, f"The model `{body.get('model')}` does not exist", "invalid_request_error", f,
                               "model_not_found")
    if f.has("chat.crash-on-odd-input") and any(not _text_of(m.get("content")).isascii()
                                                  or not _text_of(m.get("content")) for m in body["messages"]):
        return openai_error(500, "internal error", "server_error")
    if f.has("chat.content-parts-500") and any(isinstance(m.get("content"), list) for m in body["messages"]):
        return openai_error(500, "internal error", "server_error")
    if f.has("chat.tool-result-rejected") and body["messages"][-1].get("role") == "tool":
        return openai_error(400, "role tool not supported", "invalid_request_error")
    return None


@route("/v1/chat/completions", reject=_reject)
def chat(f: FakeRequest) -> Reply:
    body = f.json()
    if not isinstance(body, dict) or not isinstance(body.get("messages"), list) or not body["messages"]:
        return Reply.json({"id": "x", "object": "chat.completion", "created": 1, "model": MODEL, "choices": []})
    if body.get("stream"):
        return _stream(body, f)
    return _complete(body, f)


def _complete(body: dict[str, Any], f: FakeRequest) -> Reply:
    call = _tool_call(body, f)
    n = 1 if f.has("chat.n-ignored") else body.get("n") or 1
    choices = []
    completion = 0
    for index in range(n):
        if call:
            message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None, "tool_calls": [call]}
            # the deprecated functions API's reason, for a tools call (a legacy translation)
            reason = "function_call" if f.has("chat.tool-finish-function-call") else "tool_calls"
            completion += 12
        else:
            tokens, reason = _limit(body, _answer(body, f), f)
            completion += len(tokens)
            message = {"role": "assistant", "content": "".join(tokens), "refusal": None}
            if body.get("reasoning_effort"):
                thought = "The user asks for 17 + 25, which is 42."
                if f.has("chat.reasoning-in-content"):
                    message["content"] = f"<think>{thought}</think>{message['content']}"
                else:
                    message["reasoning_content"] = thought
                    message["signature"] = "" if f.has("chat.signature-empty") else "c2lnbmF0dXJl"
        if f.has("chat.content-null"):
            message["content"] = None
        choices.append({"index": index + (1 if f.has("chat.index-wrong") else 0), "message": message,
                        "finish_reason": reason, "logprobs": _logprobs(body, message)})
    data: dict[str, Any] = {
        "id": "msg_01fake" if f.has("chat.id-msg") else "chatcmpl-fake0001",
        "object": "chat.completion.chunk" if f.has("chat.object-wrong") else "chat.completion",
        "created": int(time.time() * (1000 if f.has("chat.created-ms") else 1)),
        "model": "gpt-4o-mini-alias" if f.has("chat.model-alias") else body["model"],
        "choices": choices,
        "usage": _usage(body, completion, f),
    }
    if f.has("chat.usage-missing"):
        del data["usage"]
    if f.has("chat.nulls-dropped"):
        data = omit_nulls(data)
    if f.has("chat.content-type-text"):
        return Reply(body=json.dumps(data).encode(), headers={"content-type": "text/plain"})
    return Reply.json(data)


def _stream(body: dict[str, Any], f: FakeRequest) -> Reply:
    created = int(time.time() * (1000 if f.has("chat.created-ms") else 1))
    call = _tool_call(body, f)
    base = {"id": "chatcmpl-fake0002", "object": "chat.completion.chunk", "created": created,
            "model": "gpt-4o-mini-alias" if f.has("chat.stream-model-alias") else body["model"]}
    include_usage = (body.get("stream_options") or {}).get("include_usage") and not f.has("chat.usage-chunk-missing")
    chunks: list[dict[str, Any]] = []

    def chunk(delta: dict[str, Any], reason: str | None = None, **extra: Any) -> None:
        data = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": reason}], **extra}
        if f.has("chat.stream-usage-always"):
            data["usage"] = {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
        chunks.append(data)

    chunk({"content": ""} if f.has("chat.stream-no-role") else {"role": "assistant", "content": ""})
    completion = 0
    if call:
        first = {"index": 0, "id": call["id"], "type": "function",
                 "function": {"name": call["function"]["name"], "arguments": ""}}
        if f.has("chat.stream-tool-first-incomplete"):
            del first["id"]
        if f.has("chat.stream-tool-no-index"):
            del first["index"]
        chunk({"tool_calls": [first]})
        arguments = "{\"location\": \"Par" if f.has("chat.stream-tool-args-broken") else call["function"]["arguments"]
        for piece in (arguments[:9], arguments[9:]):
            item: dict[str, Any] = {"index": 0, "function": {"arguments": piece}}
            if f.has("chat.stream-tool-no-index"):
                del item["index"]
            chunk({"tool_calls": [item]})
        reason = "function_call" if f.has("chat.stream-tool-finish-function-call") else "tool_calls"
        completion = 12
    else:
        if body.get("reasoning_effort"):
            # The fault streams the reasoning inside the visible text, wrapped as a <think> block.
            inside = f.has("chat.stream-reasoning-in-content")
            opening, closing = ("<think>", "</think>") if inside else ("", "")
            for piece in (opening + "The user asks ", "for 17 + 25." + closing):
                chunk({"content" if inside else "reasoning_content": piece})
        tokens, reason = _limit(body, _answer(body, f), f)
        if f.has("chat.stream-empty-text"):
            tokens = []
        if f.has("chat.reasoning-spends-limit"):  # a reasoning model whose limit went to reasoning
            for piece in ("The user asks ", "about France."):
                chunk({"reasoning_content": piece})
            tokens, reason = [], "length"
        for token in tokens:
            chunk({"content": token})
        completion = len(tokens)
    if f.has("chat.stream-finish-empty"):
        chunks[1]["choices"][0]["finish_reason"] = ""
    if f.has("chat.stream-finish-twice"):
        chunks[-1]["choices"][0]["finish_reason"] = reason
    if not f.has("chat.stream-no-finish"):
        chunk({}, reason)
    if f.has("chat.stream-id-changes"):
        chunks[-1]["id"] = "chatcmpl-other"
    if f.has("chat.stream-object-wrong"):
        chunks[1]["object"] = "chat.completion"
    if f.has("chat.stream-finish-field-missing"):  # required (null until the end) by the official chunk
        del chunks[1]["choices"][0]["finish_reason"]
    if include_usage:
        usage = _usage(body, completion, f)
        if f.has("chat.stream-usage-zero"):
            usage = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
        if f.has("chat.stream-usage-differs"):  # the stream bills another prompt than the plain answer
            usage = {**usage, "prompt_tokens": usage["prompt_tokens"] + 15,
                     "total_tokens": usage["total_tokens"] + 15}
        if f.has("chat.stream-usage-early"):  # the usage chunk before the finish chunk
            chunks.insert(len(chunks) - 1, {**base, "choices": [], "usage": usage})
        else:
            chunks.append({**base, "choices": [], "usage": usage})
        if f.has("chat.usage-chunk-twice"):
            chunks.append({**base, "choices": [], "usage": usage})
    events: list[bytes | tuple[float, bytes]] = [sse_data(c) for c in chunks]
    if f.has("chat.slow-first-token"):  # the bench's known delay before the first token
        events[1] = (0.3, sse_data(chunks[1]))
    if f.has("chat.stream-error-event"):
        events.insert(2, sse_data({"error": {"message": "upstream overloaded", "type": "server_error"}}))
    if f.has("chat.stream-invalid-utf8"):
        events.insert(2, b"data: {\"bad\": \"\xff\xfe\"}\n\n")
    events.append(b": keep-alive\n\n")
    if not f.has("chat.stream-no-done"):
        events.append(sse_data("[DONE]"))
    if f.has("chat.stream-after-done"):
        events.append(sse_data(chunks[-1]))
    if f.has("chat.stream-content-type-json"):
        return Reply(chunks=events, headers={"content-type": "application/json"})
    if f.has("chat.stream-cut"):  # the connection dropped after three chunks
        return Reply(chunks=events[:3], headers={"content-type": "text/event-stream"}, reset_after=True)
    if f.has("chat.stream-closed-early"):  # a clean close after three chunks: no finish_reason, no [DONE]
        return Reply.sse(events[:3])
    if f.has("chat.stream-500"):
        return openai_error(500, "upstream stream failed", "server_error")
    if f.has("chat.stream-role-only"):  # a relay that lost the upstream: the role chunk, then [DONE]
        return Reply.sse([events[0], sse_data("[DONE]")])
    return Reply.sse(events)
