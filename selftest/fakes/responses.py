"""POST /v1/responses, conforming unless a `responses.*` fault says otherwise."""

from __future__ import annotations

import base64
import copy
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from llmconform import spec
from selftest.fakes import server
from selftest.fakes.replies import billed_prompt, code_word, omit_nulls
from selftest.fakes.server import KEY, MODEL, FakeRequest, Reply, openai_error, route, route_prefix, sse_data

ESSAY = ("The Roman Empire grew from a small city state on the Tiber into a power that ruled the "
         "whole Mediterranean world for centuries through its legions roads laws and a long line of "
         "emperors who came after Augustus")
THOUGHT = "The user asks for 17 * 23, which is 391."
CALL_ARGUMENTS = '{"location": "Paris"}'


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(p["text"] for p in content if isinstance(p, dict) and isinstance(p.get("text"), str))
    return ""


def _items(body: dict[str, Any]) -> list[dict[str, Any]]:
    value = body.get("input")
    if isinstance(value, str):
        return [{"role": "user", "content": value}]
    return [i for i in value if isinstance(i, dict)] if isinstance(value, list) else []


def _answer(body: dict[str, Any], f: FakeRequest) -> str:
    items = _items(body)
    messages = [i for i in items if "role" in i]
    last = _text_of(messages[-1].get("content")) if messages else ""
    steering = " ".join([body.get("instructions") or ""] + [_text_of(m.get("content")) for m in messages
                                                            if m.get("role") in ("system", "developer")])
    if items and items[-1].get("type") == "function_call_output":
        return "It is 18 degrees and sunny in Paris."
    if body.get("reasoning") and f.has("responses.reasoning-in-text"):
        return f"<think>{THOUGHT}</think>391"
    if "pong" in steering:
        ignored = (body.get("instructions") and f.has("responses.instructions-ignored")) or (
            not body.get("instructions") and f.has("responses.developer-ignored"))
        if not ignored:
            return "pong"
    parts = [p for m in messages[-1:] if isinstance(m.get("content"), list)
             for p in m["content"] if isinstance(p, dict)]
    files = [] if f.has("responses.file-dropped") else [
        base64.b64decode(str(p.get("file_data", "")).split(",", 1)[-1]).decode("latin-1")
        for p in parts if p.get("type") == "input_file"]
    if "code word I gave you" in last:  # state (issue 22): only an earlier turn told the code word
        told = re.search(r"code word: ([A-Z]+-\d+)", " ".join(_text_of(i.get("content")) for i in items[:-1]))
        return told.group(1) if told else "You have not given me a code word."
    if "Reply with OK only" in last:
        return "OK"
    word = code_word(files, last)
    if word:
        return word
    if "colour" in last:
        seen = not f.has("responses.image-dropped") and any(p.get("type") == "input_image" for p in parts)
        return "Red." if seen else "I do not see an image."
    if "Roman Empire" in last:
        return ESSAY
    if "17 * 23" in last:
        return "391"
    if f.has("responses.persona"):
        return "Hello! I am Claude Code, Anthropic's official CLI."
    if f.has("responses.markup"):
        return "<think>the user wants the capital</think>The capital of France is Paris."
    if "capital of France" in last:
        return "The capital of France is Paris."
    return "Hello there, nice to meet you!"


def _tool_call(body: dict[str, Any], f: FakeRequest) -> dict[str, Any] | None:
    choice = body.get("tool_choice")
    functions = [t for t in body.get("tools") or [] if isinstance(t, dict) and t.get("type") == "function"]
    if not functions or f.has("responses.tool-choice-ignored"):
        return None
    if not ((isinstance(choice, dict) and choice.get("type") == "function") or choice == "required"):
        return None
    items = _items(body)
    if items and items[-1].get("type") == "function_call_output":
        return None
    name = choice["name"] if isinstance(choice, dict) else functions[0]["name"]
    arguments = '{"location": "Paris"' if f.has("responses.tool-args-invalid") else CALL_ARGUMENTS
    return {"id": "toolu_fake0001" if f.has("responses.item-ids-foreign") else "fc_fake0001",
            "type": "function_call", "status": "completed",
            "call_id": "" if f.has("responses.call-id-empty") else "call_fake0001", "name": name,
            "arguments": arguments}


def _envelope_error(status: int, message: str, kind: str, f: FakeRequest, code: str | None = None,
                    param: str | None = None) -> Reply:
    return server.openai_envelope(status, message, kind, f, "responses", code, param)


def _reject(f: FakeRequest) -> Reply | None:
    body, refused = server.openai_request(f, "responses", 'Traceback (most recent call last):\n  File '
                                          '"/srv/app/responses.py", line 12, in create\n'
                                          "TypeError: 'NoneType' object is not subscriptable")
    if refused:
        return refused
    problems = spec.load("openai-responses").errors("CreateResponseRequest", body)
    if problems and not f.has("responses.validation-off"):
        return _envelope_error(400, f"Invalid request: {problems[0]}", "invalid_request_error", f)
    if not isinstance(body, dict):
        return _envelope_error(400, "The body must be a JSON object.", "invalid_request_error", f)
    if body.get("model") != MODEL and not f.has("responses.any-model"):
        return _envelope_error(404, f"The model `{body.get('model')}` does not exist",
                               "invalid_request_error", f, "model_not_found", "model")
    if f.has("responses.crash-on-odd-input"):
        text = " ".join(_text_of(i.get("content", i.get("output"))) for i in _items(body))
        if not text.strip() or not text.isascii():
            return openai_error(500, "internal error", "server_error")
    if f.has("responses.string-input-rejected") and isinstance(body.get("input"), str):
        return openai_error(400, "input must be a list", "invalid_request_error", param="input")
    if f.has("responses.message-input-rejected") and isinstance(body.get("input"), list):
        return openai_error(500, "internal error", "server_error")
    if f.has("responses.prompt-cache-key-rejected") and "prompt_cache_key" in body:
        return openai_error(400, "Unrecognized request argument supplied: prompt_cache_key", "invalid_request_error",
                            param="prompt_cache_key")
    replayed = _replay_refused(body, f)
    if replayed:
        return replayed
    if f.has("responses.function-output-rejected") and any(
            i.get("type") == "function_call_output" for i in _items(body)):
        return openai_error(400, "function_call_output is not supported", "invalid_request_error",
                            param="input")
    return None


# Reasoning carried by the client between stateless turns (include reasoning.encrypted_content).
ENCRYPTED_INCLUDE = "reasoning.encrypted_content"
ENCRYPTED = "gAAAAABfakeEncryptedReasoningLlmconformSelftest0123456789-_=="


def _replay_refused(body: dict[str, Any], f: FakeRequest) -> Reply | None:
    """Reasoning items sent back as input: taken with their encrypted_content (as given); without it
    and without storage there is nothing to find them by (the API's 404 for an unstored item)."""
    reasoning = [i for i in _items(body) if i.get("type") == "reasoning"]
    if not reasoning:
        return None
    if f.has("responses.reasoning-input-rejected"):
        return openai_error(400, "Invalid value: 'reasoning'. Supported values are: 'message'.",
                            "invalid_request_error", param="input")
    for item in reasoning:
        encrypted = item.get("encrypted_content")
        if encrypted is None and body.get("store") is False:
            return openai_error(404, f"Item with id '{item.get('id')}' not found. Items are not persisted when "
                                "`store` is set to false.", "invalid_request_error", param="input")
        if encrypted is not None and encrypted != ENCRYPTED:
            return openai_error(400, "The encrypted content could not be verified.", "invalid_request_error",
                                param="input")
    return None


@dataclass
class Answer:
    """What the fake model produced for one request, before it is framed as JSON or a stream."""

    body: dict[str, Any]
    status: str = "completed"
    thought: str | None = None  # a reasoning item (its summary text, "" for an empty summary)
    tokens: list[str] = field(default_factory=list)  # the message text, token by token
    call: dict[str, Any] | None = None
    reasoning_tokens: int = 0
    output_tokens: int = 0


def _produce(body: dict[str, Any], f: FakeRequest) -> Answer:
    answer = Answer(body=body)
    reasoning = body.get("reasoning") or {}
    if reasoning.get("effort") not in (None, "none") and not f.has("responses.reasoning-item-missing") \
            and not f.has("responses.reasoning-in-text"):
        summarised = reasoning.get("summary") or f.has("responses.reasoning-tokens-zero")
        answer.thought = THOUGHT if summarised else ""
        answer.reasoning_tokens = 0 if f.has("responses.reasoning-tokens-zero") else 8
    limit = body.get("max_output_tokens")
    if f.has("responses.reasoning-eats-limit") and limit:
        answer.thought = answer.thought or ""
        answer.reasoning_tokens = answer.output_tokens = limit
        answer.status = "incomplete"
        return answer
    answer.call = _tool_call(body, f)
    if answer.call:
        answer.output_tokens = answer.reasoning_tokens + 12
        return answer
    text = _answer(body, f)
    tokens = [w + " " for w in text.split(" ")]
    tokens[-1] = tokens[-1].rstrip()
    room = limit - answer.reasoning_tokens if limit else None
    if room is not None and len(tokens) > room and not f.has("responses.max-output-tokens-ignored"):
        tokens = tokens[:room]
        answer.status = "completed" if f.has("responses.incomplete-as-completed") else "incomplete"
    answer.tokens = tokens
    answer.output_tokens = answer.reasoning_tokens + len(tokens)
    return answer


def _usage(answer: Answer, f: FakeRequest) -> dict[str, Any]:
    body = answer.body
    words = sum(len(_text_of(i.get("content", i.get("output", ""))).split()) for i in _items(body))
    words += len((body.get("instructions") or "").split())
    if f.has("responses.usage-inflated"):
        words += 5000
    spent = answer.reasoning_tokens
    if f.has("responses.reasoning-tokens-over"):
        spent += answer.output_tokens + 1
    prompt, cached = billed_prompt(words + 3, f, "responses")
    usage: dict[str, Any] = {
        "input_tokens": prompt,
        "input_tokens_details": {"cached_tokens": words + 10 if f.has("responses.usage-cached-over") else cached},
        "output_tokens": answer.output_tokens,
        "output_tokens_details": {"reasoning_tokens": spent},
        "total_tokens": prompt + answer.output_tokens + (5 if f.has("responses.usage-sum-wrong") else 0),
    }
    if f.has("responses.usage-extra"):
        usage.update({"prompt_tokens": 0, "completion_tokens": 0})
    if f.has("responses.usage-details-missing"):
        del usage["output_tokens_details"]
    if f.has("responses.usage-zero"):
        usage.update({"input_tokens": 0, "output_tokens": 0, "total_tokens": 0})
    return usage


def _ids(f: FakeRequest) -> dict[str, str]:
    foreign = f.has("responses.item-ids-foreign")
    return {"response": "chatcmpl-fake0001" if f.has("responses.id-chatcmpl") else "resp_fake0001",
            "message": "item_fake0001" if foreign else "msg_fake0001",
            "reasoning": "reasoning_fake0001" if foreign else "rs_fake0001"}


def _output(answer: Answer, f: FakeRequest, *, final: bool = True) -> list[dict[str, Any]]:
    ids = _ids(f)
    output: list[dict[str, Any]] = []
    if answer.thought is not None:
        summary = [{"type": "summary_text", "text": answer.thought}] if answer.thought else []
        item: dict[str, Any] = {"id": ids["reasoning"], "type": "reasoning", "summary": summary}
        if ENCRYPTED_INCLUDE in (answer.body.get("include") or []) and not f.has("responses.encrypted-dropped"):
            item["encrypted_content"] = ENCRYPTED
        output.append(item)
    if answer.call:
        output.append(dict(answer.call))
    elif answer.tokens or answer.status == "completed":
        part: dict[str, Any] = {"type": "output_text", "text": "".join(answer.tokens), "annotations": [],
                                "logprobs": []}
        if f.has("responses.annotations-missing"):
            del part["annotations"]
        output.append({"id": ids["message"], "type": "message", "status": answer.status,
                       "role": "user" if f.has("responses.role-wrong") else "assistant", "content": [part]})
    if f.has("responses.no-message"):
        output = [i for i in output if i["type"] != "message"]
    if f.has("responses.message-no-status"):  # an output message's status is required (ResponseOutputMessage)
        for item in output:
            if item["type"] == "message":
                del item["status"]
    return output


def _response(answer: Answer, f: FakeRequest, *, status: str | None = None, usage: bool = True,
              output: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body = answer.body
    status = status or answer.status
    if f.has("responses.status-in-progress") and status != "in_progress":
        status = "in_progress"
    data: dict[str, Any] = {
        "id": _ids(f)["response"],
        "object": "chat.completion" if f.has("responses.object-wrong") else "response",
        "created_at": int(time.time()),
        "status": status,
        "error": None,
        "incomplete_details": {"reason": "max_output_tokens"} if status == "incomplete" else None,
        "instructions": body.get("instructions"),
        "max_output_tokens": body.get("max_output_tokens"),
        "model": "gpt-4o-mini-alias" if f.has("responses.model-alias") else body.get("model") or MODEL,
        "output": _output(answer, f) if output is None else output,
        "parallel_tool_calls": True,
        "previous_response_id": None,
        "reasoning": {"effort": (body.get("reasoning") or {}).get("effort"),
                      "summary": (body.get("reasoning") or {}).get("summary")},
        "store": True,
        "temperature": 1.0,
        "text": {"format": {"type": "text"}},
        "tool_choice": body.get("tool_choice", "auto"),
        "tools": body.get("tools", []),
        "top_p": 1.0,
        "truncation": "disabled",
        "usage": _usage(answer, f) if usage else None,
        "user": None,
        "metadata": body.get("metadata") or {},
    }
    if f.has("responses.content-filters"):
        data["content_filters"] = [{"blocked": False, "source_type": "prompt", "content_filter_results": {}}]
    if f.has("responses.usage-missing"):
        del data["usage"]
    return data


# -- state (issue 22): stored responses, previous_response_id, background, retrieve and delete ----

# Responses created with `store: true`, `background` or `previous_response_id`, by their own id: the
# conversation so far (input and output items) and, for a background one, the polls it has had.
STORED: dict[str, dict[str, Any]] = {}
_STORE_LOCK = threading.Lock()
_SERIAL = itertools.count(1)


def _stateful(body: dict[str, Any], f: FakeRequest) -> tuple[dict[str, Any], Reply | None]:
    """The request as the model answers it: after the stored conversation its previous_response_id
    names (unless `responses.previous-response-forgotten`), or refused (`…-refused`, an unknown id,
    an output item sent back with its id under `responses.replay-rejected`, a compaction item under
    `responses.compaction-refused`); only the last item under `responses.history-dropped`."""
    items = _items(body)
    # As the official API: a reasoning item sent back with store false needs its encrypted content.
    bare = next((i for i in items if i.get("type") == "reasoning" and not i.get("encrypted_content")), None)
    if bare is not None and body.get("store") is False:
        return body, openai_error(404, f"Item with id '{bare.get('id')}' not found. Items are not persisted when "
                                  "`store` is set to false.", "invalid_request_error", param="input")
    if f.has("responses.replay-rejected"):
        sent_back = next((i for i in items if i.get("type") == "message" and i.get("role") == "assistant"
                          and i.get("id")), None)
        if sent_back is not None:
            return body, openai_error(400, f"Item with id '{sent_back['id']}' not found. Items are not persisted "
                                      "when `store` is set to false.", "invalid_request_error", param="input")
    compaction = next((i for i in items if i.get("type") == "compaction"), None)
    if compaction is not None and f.has("responses.compaction-refused"):  # a relay validating an older schema
        return body, openai_error(400, "Invalid value: 'compaction'. Supported values are: 'message', ...",
                                  "invalid_request_error", param="input[0].type")
    if f.has("responses.history-dropped") and len(items) > 1:
        body = {**body, "input": items[-1:]}
    previous = body.get("previous_response_id")
    if previous is not None and f.has("responses.previous-response-forgotten"):  # dropped on the way
        return {k: v for k, v in body.items() if k != "previous_response_id"}, None
    if previous is None:
        return body, None
    if f.has("responses.previous-response-refused"):
        return body, openai_error(400, "Unsupported parameter: 'previous_response_id'.", "invalid_request_error",
                                  param="previous_response_id")
    with _STORE_LOCK:
        stored = STORED.get(str(previous))
    if stored is None:
        return body, openai_error(400, f"Previous response with id '{previous}' not found.", "invalid_request_error",
                                  "previous_response_not_found", "previous_response_id")
    return {**body, "input": stored["context"] + items}, None


@route("/v1/responses", reject=_reject)
def responses(f: FakeRequest) -> Reply:
    body = f.json()
    if body.get("stream") and f.has("responses.stream-500"):
        return openai_error(500, "upstream stream failed", "server_error")
    answering, refused = _stateful(body, f)
    if refused:
        return refused
    answer = _produce(answering, f)
    if body.get("stream"):
        return _stream(answer, f)
    data = _response(answer, f)
    data["store"] = body.get("store") is not False
    stateful = body.get("store") is True or body.get("background") or "previous_response_id" in answering
    if stateful:
        data["id"] = f"resp_fake{next(_SERIAL):08x}"
        data["previous_response_id"] = answering.get("previous_response_id")
        data["background"] = bool(body.get("background"))
        with _STORE_LOCK:
            STORED[data["id"]] = {"response": data, "context": _items(answering) + data["output"],
                                  "background": bool(body.get("background")), "polls": 0}
        if body.get("background"):  # answered at once, queued; the model's answer comes to the polls
            data = {**data, "status": "queued", "output": [], "usage": None}
    if f.has("responses.nulls-dropped"):
        data = omit_nulls(data)
    if f.has("responses.content-type-text"):
        return Reply(body=json.dumps(data).encode(), headers={"content-type": "text/plain"})
    return Reply.json(data)


@route_prefix("/v1/responses/")
def stored_response(f: FakeRequest) -> Reply:
    """GET and DELETE /v1/responses/{id}: a stored response, as created (`responses.retrieve-404`:
    never found); a background one in progress on its first poll, completed from its second
    (`responses.background-stuck`: never). A deleted one is gone (`responses.delete-ignored`: it
    stays; `responses.delete-refused`: a relay that routes no DELETE)."""
    if f.headers.get("authorization", "") != f"Bearer {KEY}":
        return openai_error(401, "Incorrect API key provided", "invalid_request_error", "invalid_api_key")
    ident = f.path.split("?")[0].removeprefix("/v1/responses/")
    missing = openai_error(404, f"Response with id '{ident}' not found.", "invalid_request_error")
    with _STORE_LOCK:
        entry = STORED.get(ident)
        if f.method == "DELETE":
            if f.has("responses.delete-refused"):
                return openai_error(404, "no such path", "invalid_request_error")
            if entry is None:
                return missing
            if not f.has("responses.delete-ignored"):
                del STORED[ident]
            return Reply.json({"id": ident, "object": "response", "deleted": True})
        if f.method != "GET":
            return openai_error(405, "method not allowed", "invalid_request_error")
        if entry is None or f.has("responses.retrieve-404"):
            return missing
        data = entry["response"]
        if entry["background"]:
            entry["polls"] += 1
            if entry["polls"] < 2 or f.has("responses.background-stuck"):
                return Reply.json({**data, "status": "in_progress", "output": [], "usage": None})
    return Reply.json(data)


# -- the stream ---------------------------------------------------------------------------------


def _stream(answer: Answer, f: FakeRequest) -> Reply:
    events: list[dict[str, Any]] = []

    def emit(kind: str, **fields: Any) -> dict[str, Any]:
        event = {"type": kind, "sequence_number": len(events), **fields}
        events.append(event)
        return event

    opening = _response(answer, f, status="in_progress", usage=False, output=[])
    emit("response.created", response=opening)
    emit("response.in_progress", response=copy.deepcopy(opening))
    output = _output(answer, f)
    if f.has("responses.stream-empty-text"):
        for item in output:
            for part in item.get("content") or []:
                part["text"] = ""
        answer.tokens = []
    for index, item in enumerate(output):
        if item["type"] == "reasoning":
            emit("response.output_item.added", output_index=index, item={**item, "summary": []})
            for n, part in enumerate(item["summary"]):
                common = {"item_id": item["id"], "output_index": index, "summary_index": n}
                emit("response.reasoning_summary_part.added", **common,
                     part={"type": "summary_text", "text": ""})
                emit("response.reasoning_summary_text.delta", **common, delta=part["text"])
                emit("response.reasoning_summary_text.done", **common, text=part["text"])
                emit("response.reasoning_summary_part.done", **common, part=part)
            emit("response.output_item.done", output_index=index, item=item)
        elif item["type"] == "function_call":
            _stream_call(emit, index, item, f)
        else:
            _stream_message(emit, index, item, answer, f)
    final = _response(answer, f, output=output)
    if f.has("responses.stream-terminal-output-empty"):
        final["output"] = []
    if f.has("responses.stream-usage-missing"):
        final["usage"] = None
    if f.has("responses.stream-usage-zero"):
        final["usage"] = {**final["usage"], "input_tokens": 0, "output_tokens": 0, "total_tokens": 0}
    if f.has("responses.stream-model-alias"):
        final["model"] = "gpt-4o-mini-alias"
        for event in events:
            if isinstance(event.get("response"), dict):
                event["response"]["model"] = "gpt-4o-mini-alias"
    if f.has("responses.stream-id-changes"):
        final["id"] = "resp_other0002"
    if not f.has("responses.stream-no-terminal"):
        emit(f"response.{final['status']}", response=final)
    if f.has("responses.stream-terminal-twice"):
        emit(f"response.{final['status']}", response=final)
    if f.has("responses.stream-error-event"):
        events.insert(2, {"type": "error", "sequence_number": 2, "code": "server_error",
                          "message": "upstream overloaded", "param": None})
        for n, event in enumerate(events):
            event["sequence_number"] = n
    if f.has("responses.stream-sequence-repeat"):
        events[3]["sequence_number"] = events[2]["sequence_number"]
    if f.has("responses.stream-order"):
        first_delta = next(n for n, e in enumerate(events) if e["type"] == "response.output_text.delta")
        events[first_delta - 1], events[first_delta] = events[first_delta], events[first_delta - 1]
        for n in (first_delta - 1, first_delta):
            events[n]["sequence_number"] = n
    if f.has("responses.stream-event-invalid"):
        delta = next(e for e in events if e["type"] == "response.output_text.delta")
        del delta["item_id"]
    if f.has("responses.stream-text-no-logprobs"):  # required by openai-python's text events
        for event in events:
            if event["type"] in ("response.output_text.delta", "response.output_text.done"):
                del event["logprobs"]
    frames = [_frame(e, f) for e in events]
    if f.has("responses.stream-invalid-utf8"):
        frames.insert(3, b"event: response.output_text.delta\ndata: {\"bad\": \"\xff\xfe\"}\n\n")
    if f.has("responses.stream-done"):
        frames.append(sse_data("[DONE]"))
    if f.has("responses.stream-content-type-json"):
        return Reply(chunks=frames, headers={"content-type": "application/json"})
    if f.has("responses.stream-cut"):  # the connection dropped after five events
        return Reply(chunks=frames[:5], headers={"content-type": "text/event-stream"}, reset_after=True)
    return Reply.sse(frames)


def _frame(event: dict[str, Any], f: FakeRequest) -> bytes:
    if f.has("responses.stream-no-event-names"):
        return sse_data(event)
    name = event["type"]
    if f.has("responses.stream-event-name-wrong") and name == "response.output_text.delta":
        name = "response.delta"
    return f"event: {name}\ndata: {json.dumps(event, ensure_ascii=False)}\n\n".encode()


def _stream_message(emit: Any, index: int, item: dict[str, Any], answer: Answer, f: FakeRequest) -> None:
    common = {"item_id": item["id"], "output_index": index}
    emit("response.output_item.added", output_index=index,
         item={**item, "status": "in_progress", "content": []})
    for n, part in enumerate(item["content"]):
        empty = {**part, "text": ""}
        emit("response.content_part.added", **common, content_index=n, part=empty)
        for token in answer.tokens:
            emit("response.output_text.delta", **common, content_index=n, delta=token, logprobs=[])
        text = part["text"] + ("!" if f.has("responses.stream-done-text-differs") else "")
        emit("response.output_text.done", **common, content_index=n, text=text, logprobs=[])
        emit("response.content_part.done", **common, content_index=n, part=part)
    emit("response.output_item.done", output_index=index, item=item)


def _stream_call(emit: Any, index: int, item: dict[str, Any], f: FakeRequest) -> None:
    common = {"item_id": item["id"], "output_index": index}
    emit("response.output_item.added", output_index=index,
         item={**item, "status": "in_progress", "arguments": ""})
    arguments = '{"location": "Par' if f.has("responses.stream-tool-args-broken") else item["arguments"]
    pieces = [arguments[:9], arguments[9:]]
    if f.has("responses.stream-tool-args-after-done"):
        emit("response.function_call_arguments.delta", **common, delta=pieces[0])
        emit("response.function_call_arguments.done", **common, name=item["name"], arguments=arguments)
        emit("response.function_call_arguments.delta", **common, delta=pieces[1])
    else:
        for piece in pieces:
            emit("response.function_call_arguments.delta", **common, delta=piece)
        emit("response.function_call_arguments.done", **common, name=item["name"], arguments=arguments)
    done = {**item, "arguments": "" if f.has("responses.stream-tool-item-done-empty") else arguments}
    item["arguments"] = arguments
    emit("response.output_item.done", output_index=index, item=done)


@route("/v1/responses/input_tokens")
def input_tokens(f: FakeRequest) -> Reply:
    """The input a /v1/responses request with this input would bill (`responses.count-tokens-off`: 40 more)."""
    body, refused = server.openai_request(f, "responses", "")
    if refused:
        return refused
    if not isinstance(body, dict) or spec.load("openai-responses").errors("InputTokenCountRequest", body):
        return _envelope_error(400, "Invalid request", "invalid_request_error", f)
    counted = _usage(Answer(body=body), f)["input_tokens"] + (40 if f.has("responses.count-tokens-off") else 0)
    return Reply.json({"object": "response.input_tokens", "input_tokens": counted})


@route("/v1/responses/compact")
def compact(f: FakeRequest) -> Reply:
    """The conversation compacted: its user messages, then one compaction item (`responses.compact-404`:
    a relay that does not route the endpoint; `responses.compaction-missing`: the user messages only)."""
    if f.has("responses.compact-404"):
        return openai_error(404, "Invalid URL (POST /v1/responses/compact)", "invalid_request_error")
    body, refused = server.openai_request(f, "responses", "")
    if refused:
        return refused
    if not isinstance(body, dict) or spec.load("openai-responses").errors("CompactRequest", body):
        return _envelope_error(400, "Invalid request", "invalid_request_error", f)
    users = [i for i in _items(body) if i.get("role") == "user"]
    kept = [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": _text_of(i.get("content"))}]}
            for i in users]
    compaction = [] if f.has("responses.compaction-missing") else [
        {"id": "cmp_fake0001", "type": "compaction", "encrypted_content": ENCRYPTED}]
    return Reply.json({"id": "resp_fake0002", "object": "response.compaction", "created_at": int(time.time()),
                       "output": [*kept, *compaction], "usage": _usage(Answer(body=body), f)})
