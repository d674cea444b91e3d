"""Official-shape examples against the real shape checks (issue #18, the specs' half).

Each example is written from the official definitions the specs in `openapi/` were reconciled with
(openapi/README.md: openai-python `api_reference/openapi.transformed.yml` and `src/openai/types/`,
anthropic-sdk-python `src/anthropic/types/`, googleapis `generativelanguage/v1beta` and
python-genai `types.py`): one per event type, enum value and optional field a check reads. Every
shape check must pass each; each official MUST, broken once, must fail its check. The checks are
the functions in `tests/`, called on an exchange built from the example (no server, no pytest run).
"""

from __future__ import annotations

import copy
import importlib.util
import json
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from llmconform import checks, spec, sse
from llmconform.exchange import Exchange, Request
from llmconform.verdict import Error, Fail, Warn

ROOT = Path(__file__).resolve().parents[1]


def _module(relative: str) -> ModuleType:
    """A check module of `tests/`, loaded by path under a name of its own."""
    name = "official_shapes_" + relative.replace("/", "_").removesuffix(".py")
    found = importlib.util.spec_from_file_location(name, ROOT / relative)
    assert found and found.loader
    module = importlib.util.module_from_spec(found)
    found.loader.exec_module(module)
    return module


# The check modules' markers are the llmconform plugin's, not registered in the self-test's session.
warnings.filterwarnings("ignore", "Unknown pytest.mark", pytest.PytestUnknownMarkWarning)
RESPONSES_STREAM = _module("tests/openai_responses/test_stream.py")
COMMON_STREAM = _module("tests/common/test_stream.py")
COMMON_RESPONSE = _module("tests/common/test_response.py")
ANTHROPIC_STREAM = _module("tests/anthropic_messages/test_stream.py")
UNKNOWN_PARAMS = {surface: _module(f"tests/{surface.replace('-', '_')}/test_request.py")
                  for surface in ("openai-responses", "openai-chat", "anthropic-messages", "gemini")}
PATHS = {"openai-responses": "/v1/responses", "openai-chat": "/v1/chat/completions",
         "anthropic-messages": "/v1/messages", "gemini": "/v1beta/models/gemini-2.5-flash:generateContent"}


def _stream(surface: str, events: list[dict[str, Any]], *, named: bool = True, done: bool = False) -> Exchange:
    frames = [(f"event: {e['type']}\n" if named else "") + f"data: {json.dumps(e)}\n\n" for e in events]
    raw = ("".join(frames) + ("data: [DONE]\n\n" if done else "")).encode()
    parsed, framing = sse.parse(raw)
    request = Request(surface, "stream", "POST", PATHS[surface], body={"model": "gpt-5.2", "stream": True})
    return Exchange(request, "http://127.0.0.1/", {}, status=200, headers={"content-type": "text/event-stream"},
                    body=raw, events=parsed, framing=framing)


def _plain(surface: str, body: dict[str, Any], request: dict[str, Any] | None = None) -> Exchange:
    sent = Request(surface, "basic", "POST", PATHS[surface], body=request or {"model": "m"})
    return Exchange(sent, "http://127.0.0.1/", {}, status=200, headers={"content-type": "application/json"},
                    body=json.dumps(body).encode())


def _verdict(check: Any, *args: Any) -> str:
    try:
        check(*args)
    except Fail as found:
        return f"fail: {found}"
    except Warn as found:
        return f"warn: {found}"
    return "pass"


# -- openai-responses ---------------------------------------------------------------------------
# ServiceTierResponses; a lifecycle event carries the response, so each value is held on every one.
SERVICE_TIERS = ["auto", "default", "flex", "scale", "priority", "fast", "ultrafast", None]


def _response(status: str, output: list[dict[str, Any]], *, tier: str | None = "default",
              usage: bool = True) -> dict[str, Any]:
    """A Response as the official definition has it (openai-openapi Response)."""
    return {"id": "resp_1", "object": "response", "created_at": 1772077478, "status": status, "error": None,
            "incomplete_details": None, "instructions": None, "max_output_tokens": None, "model": "gpt-5.2",
            "output": output, "parallel_tool_calls": True, "previous_response_id": None,
            "reasoning": {"effort": "max", "summary": None}, "service_tier": tier, "store": True,
            "temperature": 1.0, "text": {"format": {"type": "text"}, "verbosity": "medium"},
            "tool_choice": {"type": "shell"}, "tools": [{"type": "web_search"}, {"type": "shell"}], "top_p": 1.0,
            "truncation": "disabled", "user": None, "metadata": {},
            "usage": {"input_tokens": 20, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": 9,
                      "output_tokens_details": {"reasoning_tokens": 4}, "total_tokens": 29} if usage else None}


MESSAGE = {"id": "msg_1", "type": "message", "role": "assistant", "status": "completed", "phase": "final_answer",
           "content": [{"type": "output_text", "text": "Paris is sunny.", "logprobs": [],
                        "annotations": [{"type": "url_citation", "url": "https://example.com", "title": "w",
                                         "start_index": 0, "end_index": 5}]}]}
# Hosted-tool items and the events each streams between output_item.added and .done
# (openai-python ResponseStreamEvent): (done item, events without type-independent fields).
HOSTED: list[tuple[dict[str, Any], list[dict[str, Any]]]] = [
    ({"id": "ws_1", "type": "web_search_call", "status": "completed",
      "action": {"type": "search", "query": "weather Paris"}},
     [{"type": "response.web_search_call.in_progress"}, {"type": "response.web_search_call.searching"},
      {"type": "response.web_search_call.completed"}]),
    ({"id": "fs_1", "type": "file_search_call", "status": "completed", "queries": ["paris"], "results": None},
     [{"type": "response.file_search_call.in_progress"}, {"type": "response.file_search_call.searching"},
      {"type": "response.file_search_call.completed"}]),
    ({"id": "ci_1", "type": "code_interpreter_call", "status": "completed", "code": "print(1)",
      "container_id": "cntr_1", "outputs": None},
     [{"type": "response.code_interpreter_call.in_progress"},
      {"type": "response.code_interpreter_call_code.delta", "delta": "print("},
      {"type": "response.code_interpreter_call_code.done", "code": "print(1)"},
      {"type": "response.code_interpreter_call.interpreting"}, {"type": "response.code_interpreter_call.completed"}]),
    ({"id": "ig_1", "type": "image_generation_call", "status": "completed", "result": "aGk="},
     [{"type": "response.image_generation_call.in_progress"}, {"type": "response.image_generation_call.generating"},
      {"type": "response.image_generation_call.partial_image", "partial_image_index": 0, "partial_image_b64": "aGk="},
      {"type": "response.image_generation_call.completed"}]),
    ({"id": "mcpl_1", "type": "mcp_list_tools", "server_label": "docs", "tools": []},
     [{"type": "response.mcp_list_tools.in_progress"}, {"type": "response.mcp_list_tools.completed"}]),
    ({"id": "mcpl_2", "type": "mcp_list_tools", "server_label": "down", "tools": [], "error": "unreachable"},
     [{"type": "response.mcp_list_tools.in_progress"}, {"type": "response.mcp_list_tools.failed"}]),
    ({"id": "mcp_1", "type": "mcp_call", "server_label": "docs", "name": "search", "arguments": "{}"},
     [{"type": "response.mcp_call.in_progress"}, {"type": "response.mcp_call_arguments.delta", "delta": "{"},
      {"type": "response.mcp_call_arguments.done", "arguments": "{}"}, {"type": "response.mcp_call.completed"}]),
    ({"id": "mcp_2", "type": "mcp_call", "server_label": "docs", "name": "search", "arguments": "{}",
      "error": "boom"},
     [{"type": "response.mcp_call.in_progress"}, {"type": "response.mcp_call.failed"}]),
    ({"id": "ctc_1", "type": "custom_tool_call", "call_id": "call_2", "name": "grep", "input": "x"},
     [{"type": "response.custom_tool_call_input.delta", "delta": "x"},
      {"type": "response.custom_tool_call_input.done", "input": "x"}]),
    ({"id": "sh_1", "type": "shell_call", "call_id": "call_3", "status": "completed",
      "action": {"commands": ["ls"]}},
     [{"type": "response.shell_call_command.added", "command_index": 0, "command": ""},
      {"type": "response.shell_call_command.delta", "command_index": 0, "delta": "ls"},
      {"type": "response.shell_call_command.done", "command_index": 0, "command": "ls"},
      {"type": "response.shell_call_output_content.delta", "command_index": 0,
       "delta": {"stdout": "a\n"}},
      {"type": "response.shell_call_output_content.done", "command_index": 0,
       "output": [{"stdout": "a\n", "stderr": "", "outcome": {"type": "exit", "exit_code": 0}}]}]),
]


def _official_stream(tier: str | None = "default") -> list[dict[str, Any]]:
    """A stream with every official event type: reasoning, each hosted tool, a function call, the
    message (with an annotation, a refusal-free text part), audio, then response.completed."""
    events: list[dict[str, Any]] = []
    output: list[dict[str, Any]] = []

    def emit(kind: str, **fields: Any) -> None:
        events.append({"type": kind, "sequence_number": len(events), **fields})

    def item(done: dict[str, Any], inner: list[dict[str, Any]]) -> None:
        index = len(output)
        emit("response.output_item.added", output_index=index, item={**done, "status": "in_progress"}
             if "status" in done else done)
        for event in inner:
            fields = {k: v for k, v in event.items() if k != "type"}
            if not event["type"].startswith("response.shell_call_command."):  # they name no item_id
                fields["item_id"] = done["id"]
            emit(event["type"], output_index=index, **fields)
        emit("response.output_item.done", output_index=index, item=done)
        output.append(done)

    opening = _response("in_progress", [], tier=tier, usage=False)
    emit("response.created", response=opening)
    emit("response.queued", response={**opening, "status": "queued"})
    emit("response.in_progress", response=opening)
    rs = {"id": "rs_1", "type": "reasoning", "summary": [{"type": "summary_text", "text": "Think"}],
          "content": [{"type": "reasoning_text", "text": "Hm"}]}
    part = {"summary_index": 0}
    item(rs, [{"type": "response.reasoning_summary_part.added", **part, "part": {"type": "summary_text", "text": ""}},
              {"type": "response.reasoning_summary_text.delta", **part, "delta": "Think"},
              {"type": "response.reasoning_summary_text.done", **part, "text": "Think"},
              {"type": "response.reasoning_summary_part.done", **part, "part": rs["summary"][0]},
              {"type": "response.reasoning_text.delta", "content_index": 0, "delta": "Hm"},
              {"type": "response.reasoning_text.done", "content_index": 0, "text": "Hm"}])
    for done, inner in HOSTED:
        item(done, inner)
    call = {"id": "fc_1", "type": "function_call", "status": "completed", "call_id": "call_1",
            "name": "get_weather", "arguments": '{"location":"Paris"}'}
    item(call, [{"type": "response.function_call_arguments.delta", "delta": '{"location":'},
                {"type": "response.function_call_arguments.delta", "delta": '"Paris"}'},
                {"type": "response.function_call_arguments.done", "name": "get_weather",
                 "arguments": call["arguments"]}])
    text = MESSAGE["content"][0]
    at = {"content_index": 0}
    item(MESSAGE, [{"type": "response.content_part.added", **at,
                    "part": {"type": "output_text", "text": "", "annotations": [], "logprobs": []}},
                   {"type": "response.output_text.delta", **at, "delta": "Paris ", "logprobs": []},
                   {"type": "response.output_text.delta", **at, "delta": "is sunny.", "logprobs": [],
                    "obfuscation": "xq"},
                   {"type": "response.output_text.annotation.added", **at, "annotation_index": 0,
                    "annotation": text["annotations"][0]},
                   {"type": "response.output_text.done", **at, "text": text["text"], "logprobs": []},
                   {"type": "response.content_part.done", **at, "part": text}])
    refusal = {"id": "msg_2", "type": "message", "role": "assistant", "status": "completed",
               "content": [{"type": "refusal", "refusal": "No."}]}
    item(refusal, [{"type": "response.content_part.added", **at, "part": {"type": "refusal", "refusal": ""}},
                   {"type": "response.refusal.delta", **at, "delta": "No."},
                   {"type": "response.refusal.done", **at, "refusal": "No."},
                   {"type": "response.content_part.done", **at, "part": refusal["content"][0]}])
    # Audio events name the response, not an item (they sit outside the item grammar).
    emit("response.audio.transcript.delta", delta="Paris")
    emit("response.audio.transcript.done")
    emit("response.audio.delta", delta="UklGRg==")
    emit("response.audio.done")
    emit("response.completed", response=_response("completed", output, tier=tier))
    return events


STREAM_CHECKS = ["test_event_schema", "test_event_names", "test_sequence_numbers", "test_order", "test_terminal",
                 "test_text_joins", "test_terminal_output", "test_text_nonempty", "test_constant_ids", "test_usage",
                 "test_no_done", "test_model_echo"]


def test_the_stream_holds_every_official_event_type():
    """The example is what it claims: one event of each of the 58 types of the official union."""
    kinds = {e["type"] for e in _official_stream()}
    official = set(spec.load("openai-responses").mapping("ResponseStreamEvent")) - {"error", "response.failed",
                                                                                     "response.incomplete"}
    assert official - kinds == set(), official - kinds
    assert len(spec.load("openai-responses").mapping("ResponseStreamEvent")) == 58


@pytest.mark.parametrize("tier", SERVICE_TIERS)
@pytest.mark.parametrize("check", STREAM_CHECKS)
def test_official_responses_stream_passes(check, tier):
    """Every Responses stream check passes the official stream, whatever official service tier the
    lifecycle events report."""
    exchange = _stream("openai-responses", _official_stream(tier))
    assert _verdict(getattr(RESPONSES_STREAM, check), exchange) == "pass"


def _broken(kind: str, drop: str, where: str = "") -> list[dict[str, Any]]:
    events = copy.deepcopy(_official_stream())
    event = next(e for e in events if e["type"] == kind and (not where or e.get("item", {}).get("type") == where))
    (event["item"] if where else event).pop(drop)
    return events


@pytest.mark.parametrize(("events", "phrase"), [
    # openai-python: ResponseFunctionCallArgumentsDoneEvent.name, ResponseTextDeltaEvent.logprobs,
    # ResponseTextDoneEvent.logprobs, ResponseOutputMessage.status are required.
    (_broken("response.function_call_arguments.done", "name"), "'name' is a required property"),
    (_broken("response.output_text.delta", "logprobs"), "'logprobs' is a required property"),
    (_broken("response.output_text.done", "logprobs"), "'logprobs' is a required property"),
    (_broken("response.output_item.done", "status", where="message"), "response.output_item.done"),
    (_broken("response.web_search_call.searching", "item_id"), "'item_id' is a required property"),
    (_broken("response.shell_call_command.done", "command"), "'command' is a required property"),
    ([{**e, "response": {**e["response"], "service_tier": "turbo"}} if "response" in e else e
      for e in _official_stream()], "turbo"),
    ([*_official_stream()[:-1], {"type": "response.web_search.progress", "sequence_number": 998},
      _official_stream()[-1] | {"sequence_number": 999}], "response.web_search.progress"),
])
def test_official_responses_stream_broken_once_fails(events, phrase):
    """An official MUST broken once fails event-schema (an unknown type stays a failure, as before)."""
    found = _verdict(RESPONSES_STREAM.test_event_schema, _stream("openai-responses", events))
    assert found.startswith("fail") and phrase in found, found


@pytest.mark.parametrize("tier", SERVICE_TIERS)
@pytest.mark.parametrize("tool_choice", ["auto", {"type": "shell"}, {"type": "apply_patch"},
                                         {"type": "programmatic_tool_calling"}, {"type": "custom", "name": "grep"},
                                         {"type": "mcp", "server_label": "docs"}])
def test_official_response_body_passes(tier, tool_choice):
    """The plain answer's schema check passes official service tiers, reasoning.effort max and the
    2025–26 tool_choice types, echoed on the Response."""
    body = _response("completed", [MESSAGE], tier=tier) | {"tool_choice": tool_choice}
    assert _verdict(COMMON_RESPONSE.test_schema, "openai-responses", _plain("openai-responses", body)) == "pass"


@pytest.mark.parametrize(("change", "phrase"), [
    ({"tools": None}, "tools"),  # required by the OpenAPI Response and openai-python's type
    ({"output": [dict(MESSAGE, status=None)]}, "$.output[0]"),
    ({"reasoning": {"effort": "maximal"}}, "maximal"),
])
def test_official_response_body_broken_once_fails(change, phrase):
    body = {k: v for k, v in (_response("completed", [MESSAGE]) | change).items() if v is not None}
    if "output" in change:
        body["output"] = [{k: v for k, v in MESSAGE.items() if k != "status"}]
    found = _verdict(COMMON_RESPONSE.test_schema, "openai-responses", _plain("openai-responses", body))
    assert found.startswith("fail") and phrase in found, found


# -- request/unknown-params: every official request field is known ----------------------------
OFFICIAL_REQUESTS = {
    "openai-responses": {"model": "m", "input": "hi", "service_tier": "ultrafast", "reasoning": {"effort": "max"},
                         "tool_choice": {"type": "programmatic_tool_calling"}, "prompt_cache_key": "k",
                         "prompt_cache_retention": "24h", "prompt_cache_options": {"mode": "explicit", "ttl": "30m"},
                         "safety_identifier": "u1", "moderation": {"model": "omni-moderation-latest"},
                         "context_management": [{"type": "compaction", "compact_threshold": 1000}],
                         "include": ["web_search_call.results"], "max_output_tokens": 16},
    "openai-chat": {"model": "m", "messages": [{"role": "user", "content": "hi"}], "verbosity": "low",
                    "prompt_cache_key": "k", "prompt_cache_retention": "in_memory", "safety_identifier": "u1",
                    "moderation": {"model": "omni-moderation-latest"}, "reasoning_effort": "max",
                    "service_tier": "fast", "prompt_cache_options": {"ttl": "30m"},
                    "tools": [{"type": "custom", "custom": {"name": "grep"}}],
                    "tool_choice": {"type": "custom", "custom": {"name": "grep"}}},
    "anthropic-messages": {"model": "m", "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}],
                           "inference_geo": "us", "service_tier": "standard_only", "speed": "fast",
                           "output_format": {"type": "json_schema", "schema": {}}, "fallbacks": []},
    "gemini": {"contents": [{"parts": [{"text": "hi"}]}], "serviceTier": "flex",
               "generationConfig": {"thinkingConfig": {"thinkingLevel": "LOW"}}},
}


@pytest.mark.parametrize("surface", sorted(OFFICIAL_REQUESTS))
def test_official_request_fields_are_not_typos(surface):
    """request/unknown-params warns only about names the official API lacks (openai-openapi
    CreateResponse / CreateChatCompletionRequest, anthropic MessageCreateParams, genai serviceTier)."""
    exchange = _plain(surface, {}, OFFICIAL_REQUESTS[surface])
    assert _verdict(UNKNOWN_PARAMS[surface].test_unknown_params, exchange) == "pass"


def test_user_profile_id_is_a_header_not_a_body_field():
    """anthropic-sdk-python sends user_profile_id as the `anthropic-user-profile-id` header: in a body it
    is a parameter the API does not define (W)."""
    body = OFFICIAL_REQUESTS["anthropic-messages"] | {"user_profile_id": "p1"}
    found = _verdict(UNKNOWN_PARAMS["anthropic-messages"].test_unknown_params, _plain("anthropic-messages", {}, body))
    assert found.startswith("warn") and "user_profile_id" in found, found


# -- openai-chat -------------------------------------------------------------------------------
def _chunks(*, custom: bool = False) -> list[dict[str, Any]]:
    base = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1772077478, "model": "gpt-5.2",
            "service_tier": "priority", "system_fingerprint": None, "obfuscation": "ab"}
    return [base | {"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None,
                                 "logprobs": None}]},
            base | {"choices": [{"index": 0, "delta": {"content": "Hi"}, "finish_reason": None}]},
            base | {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}]


def test_official_chat_chunks_pass():
    exchange = _stream("openai-chat", _chunks(), named=False, done=True)
    assert _verdict(COMMON_STREAM.test_event_schema, "openai-chat", "chunk-schema", "ChatCompletionChunk",
                    exchange) == "pass"


def test_chat_chunk_without_finish_reason_fails():
    """CreateChatCompletionStreamResponse: choices[].finish_reason is required (null until the end)."""
    chunks = _chunks()
    del chunks[1]["choices"][0]["finish_reason"]
    found = _verdict(COMMON_STREAM.test_event_schema, "openai-chat", "chunk-schema", "ChatCompletionChunk",
                     _stream("openai-chat", chunks, named=False, done=True))
    assert found.startswith("fail") and "'finish_reason' is a required property" in found, found


CHAT = {"id": "chatcmpl-1", "object": "chat.completion", "created": 1772077478, "model": "gpt-5.2",
        "service_tier": "fast", "choices": [{"index": 0, "finish_reason": "tool_calls", "logprobs": None, "message": {
            "role": "assistant", "content": None, "refusal": None, "annotations": [],
            "tool_calls": [{"id": "call_1", "type": "custom", "custom": {"name": "grep", "input": "x"}},
                           {"id": "call_2", "type": "function",
                            "function": {"name": "get_weather", "arguments": "{}"}}]}}],
        "usage": {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12}}


def test_official_chat_custom_tool_call_passes():
    """ChatCompletionMessageToolCalls: a call is of type function or custom."""
    assert _verdict(COMMON_RESPONSE.test_schema, "openai-chat", _plain("openai-chat", CHAT)) == "pass"


def test_chat_custom_tool_call_without_input_fails():
    body = copy.deepcopy(CHAT)
    del body["choices"][0]["message"]["tool_calls"][0]["custom"]["input"]
    found = _verdict(COMMON_RESPONSE.test_schema, "openai-chat", _plain("openai-chat", body))
    assert found.startswith("fail"), found


# -- anthropic-messages ------------------------------------------------------------------------
BLOCKS = [{"type": "container_upload", "file_id": "file_1"},
          {"type": "mcp_tool_use", "id": "mcptoolu_1", "name": "search", "server_name": "docs", "input": {}},
          {"type": "mcp_tool_result", "tool_use_id": "mcptoolu_1", "is_error": False,
           "content": [{"type": "text", "text": "ok"}]},
          {"type": "compaction", "content": "earlier turns, summarised"},
          {"type": "fallback", "from": {"model": "claude-a"}, "to": {"model": "claude-b"},
           "trigger": {"type": "refusal"}},
          {"type": "text", "text": "Done."}]
MESSAGE_ANTHROPIC = {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-x", "content": BLOCKS,
                     "stop_reason": "end_turn", "stop_sequence": None,
                     "usage": {"input_tokens": 10, "output_tokens": 5, "service_tier": "standard"}}


def test_official_anthropic_blocks_pass():
    """content_block.py (container_upload) and the beta blocks (mcp_tool_use, mcp_tool_result,
    compaction, fallback) are content blocks of a message."""
    exchange = _plain("anthropic-messages", MESSAGE_ANTHROPIC)
    assert _verdict(COMMON_RESPONSE.test_schema, "anthropic-messages", exchange) == "pass"


@pytest.mark.parametrize(("block", "drop"), [(0, "file_id"), (1, "server_name"), (2, "is_error"), (4, "trigger")])
def test_anthropic_block_broken_once_fails(block, drop):
    body = copy.deepcopy(MESSAGE_ANTHROPIC)
    del body["content"][block][drop]
    found = _verdict(COMMON_RESPONSE.test_schema, "anthropic-messages", _plain("anthropic-messages", body))
    assert found.startswith("fail"), found


def _anthropic_stream() -> list[dict[str, Any]]:
    start = dict(MESSAGE_ANTHROPIC, content=[], stop_reason=None)
    return [{"type": "message_start", "message": start},
            {"type": "content_block_start", "index": 0, "content_block": {"type": "compaction", "content": None}},
            {"type": "content_block_delta", "index": 0, "delta": {"type": "compaction_delta", "content": "sum"}},
            {"type": "content_block_stop", "index": 0},
            {"type": "content_block_start", "index": 1, "content_block": dict(BLOCKS[1])},
            {"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": "{}"}},
            {"type": "content_block_stop", "index": 1},
            {"type": "content_block_start", "index": 2, "content_block": {"type": "text", "text": ""}},
            {"type": "content_block_delta", "index": 2, "delta": {"type": "text_delta", "text": "Done."}},
            {"type": "content_block_stop", "index": 2},
            {"type": "message_delta", "delta": {"stop_reason": "compaction", "stop_sequence": None},
             "usage": {"output_tokens": 5}},
            {"type": "message_stop"}]


@pytest.mark.parametrize("check", ["test_event_schema", "test_delta_types"])
def test_official_anthropic_stream_passes(check):
    """The beta compaction block streams compaction_delta, an MCP tool use input_json_delta; the beta
    stop reason `compaction` ends the message."""
    assert _verdict(getattr(ANTHROPIC_STREAM, check), _stream("anthropic-messages", _anthropic_stream())) == "pass"


def test_anthropic_compaction_delta_in_a_text_block_fails():
    events = _anthropic_stream()
    events[8]["delta"] = {"type": "compaction_delta", "content": "x"}
    found = _verdict(ANTHROPIC_STREAM.test_delta_types, _stream("anthropic-messages", events))
    assert found.startswith("fail") and "compaction_delta" in found, found


# -- gemini --------------------------------------------------------------------------------------
# Every answer of selftest/official/gemini (written from googleapis generativelanguage/v1beta and
# python-genai types.py) against the spec's schemas, and single breaks of their official rules
# against the checks that read them.
GEMINI_RESPONSE = _module("tests/gemini/test_response.py")
GEMINI_STREAM = _module("tests/gemini/test_stream.py")
GEMINI_TOOLS = _module("tests/gemini/test_tools.py")
GEMINI_USAGE = _module("tests/gemini/test_usage.py")
GEMINI_OFFICIAL = ROOT / "selftest" / "official" / "gemini"
GEMINI_GENERATE = "/v1beta/models/fake-model:generateContent"
GEMINI_STREAM_PATH = "/v1beta/models/fake-model:streamGenerateContent?alt=sse"
BASIC_BODY = {"contents": [{"role": "user", "parts": [{"text": "In one sentence, what is the capital of France?"}]}],
              "generationConfig": {"maxOutputTokens": 64, "temperature": 0}}


def _gemini_example(name: str) -> dict[str, Any]:
    return json.loads((GEMINI_OFFICIAL / f"{name}.json").read_text(encoding="utf-8"))


def _gemini_bodies() -> list[tuple[str, str, Any]]:
    """(example, schema, body) for every body the Gemini examples answer: each stream piece apart."""
    found: list[tuple[str, str, Any]] = []
    for path in sorted(GEMINI_OFFICIAL.glob("*.json")):
        example = json.loads(path.read_text(encoding="utf-8"))
        answer = example.get("answer")
        bodies = [data for _, data in example["events"]] if "events" in example else \
            answer if isinstance(answer, list) else [answer]
        for body in bodies:
            schema = "ErrorResponse" if "error" in body else "ListModelsResponse" if "models" in body else \
                "Model" if "name" in body else "CountTokensResponse" if "totalTokens" in body else \
                "GenerateContentResponse"
            found.append((path.stem, schema, body))
    return found


def _gemini_plain(body: Any, request: dict[str, Any] | None = None, probe: str = "basic") -> Exchange:
    sent = Request("gemini", probe, "POST", GEMINI_GENERATE, body=request or BASIC_BODY)
    return Exchange(sent, "http://127.0.0.1/", {}, status=200, headers={"content-type": "application/json"},
                    body=json.dumps(body).encode())


def _gemini_stream(pieces: list[dict[str, Any]]) -> Exchange:
    raw = "".join(f"data: {json.dumps(p)}\r\n\r\n" for p in pieces).encode()
    parsed, framing = sse.parse(raw)
    sent = Request("gemini", "stream", "POST", GEMINI_STREAM_PATH, body=BASIC_BODY)
    return Exchange(sent, "http://127.0.0.1/", {}, status=200, headers={"content-type": "text/event-stream"},
                    body=raw, events=parsed, framing=framing)


@pytest.mark.parametrize(("example", "schema", "body"), _gemini_bodies(),
                         ids=[f"{e}-{i}" for i, (e, _, _) in enumerate(_gemini_bodies())])
def test_official_gemini_bodies_match_the_spec(example, schema, body):
    assert spec.load("gemini").errors(schema, body) == [], example


GROUNDED = _gemini_example("basic-grounded-every-field")["answer"]
CODE = _gemini_example("field-safety-settings-code-execution")["answer"]
BLOCKED = _gemini_example("basic-prompt-blocked")["answer"]
WITHHELD = _gemini_example("basic-recitation-cited")["answer"]


def test_official_gemini_answers_pass_the_checks():
    for body in (GROUNDED, CODE):
        exchange = _gemini_plain(body)
        for check in (GEMINI_RESPONSE.test_role_model, GEMINI_RESPONSE.test_finish_reason,
                      GEMINI_RESPONSE.test_candidates, GEMINI_RESPONSE.test_response_id,
                      GEMINI_USAGE.test_numbers, GEMINI_USAGE.test_arithmetic, GEMINI_USAGE.test_within_limit):
            assert _verdict(check, exchange) == "pass", (check.__name__, _verdict(check, exchange))
        assert _verdict(COMMON_RESPONSE.test_schema, "gemini", exchange) == "pass"


def _set(path: str, value: Any) -> Any:
    """A change to one field of an answer: `path` dotted, list indices as numbers; None deletes it."""
    def change(body: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = body
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        if value is None:
            del node[int(last) if last.isdigit() else last]
        else:
            node[int(last) if last.isdigit() else last] = value
    return change


SCHEMA = ("schema", None)
# (answer, change, the check that must fail, a phrase of its message): each breaks one official rule.
GEMINI_BREAKS: list[tuple[str, Any, Any, str]] = [
    ("grounded", _set("candidates.0.finishReason", "stop"), GEMINI_RESPONSE.test_finish_reason, "finishReason"),
    ("grounded", _set("candidates.0.finishReason", "END_TURN"), SCHEMA, "finishReason"),
    ("grounded", _set("candidates.0.content.role", "assistant"), GEMINI_RESPONSE.test_role_model, "role"),
    ("grounded", _set("candidates.0.safetyRatings.0.category", "HATE_SPEECH"), SCHEMA, "category"),
    ("grounded", _set("candidates.0.safetyRatings.0.probability", "negligible"), SCHEMA, "probability"),
    ("grounded", _set("candidates.0.safetyRatings.0.probability", None), SCHEMA, "probability"),
    ("grounded", _set("candidates.0.safetyRatings.0.blocked", "false"), SCHEMA, "blocked"),
    ("grounded", _set("usageMetadata.promptTokensDetails.0.modality", "text"), SCHEMA, "modality"),
    ("grounded", _set("usageMetadata.totalTokenCount", 18), GEMINI_USAGE.test_arithmetic, "totalTokenCount"),
    ("grounded", _set("usageMetadata.candidatesTokenCount", "8"), GEMINI_USAGE.test_numbers, "candidatesTokenCount"),
    ("grounded", _set("usageMetadata.candidatesTokenCount", 80), GEMINI_USAGE.test_within_limit, "80"),
    ("grounded", _set("candidates.0.urlContextMetadata.urlMetadata.0.urlRetrievalStatus", "SUCCESS"), SCHEMA,
     "urlRetrievalStatus"),
    ("grounded", _set("candidates.0.groundingMetadata.webSearchQueries", "capital of France"), SCHEMA,
     "webSearchQueries"),
    ("grounded", _set("candidates.0.citationMetadata.citationSources.0.startIndex", "4"), SCHEMA, "startIndex"),
    ("grounded", _set("candidates.0.content.parts.0.thought", "true"), SCHEMA, "thought"),
    ("grounded", _set("candidates.0.index", 1), GEMINI_RESPONSE.test_candidates, "indices"),
    # Part.data is a oneof (content.proto): text and a functionCall in one part break it.
    ("grounded", _set("candidates.0.content.parts.0.functionCall", {"name": "get_weather", "args": {}}), SCHEMA,
     "functionCall"),
    ("grounded", _set("responseId", ""), GEMINI_RESPONSE.test_response_id, "responseId"),
    ("code", _set("candidates.0.content.parts.0.executableCode.language", "python"), SCHEMA, "language"),
    ("code", _set("candidates.0.content.parts.0.executableCode.code", None), SCHEMA, "code"),
    ("code", _set("candidates.0.content.parts.1.codeExecutionResult.outcome", "OK"), SCHEMA, "outcome"),
    ("blocked", _set("promptFeedback.blockReason", "safety"), SCHEMA, "blockReason"),
    ("withheld", _set("candidates.0.finishReason", "Recitation"), GEMINI_RESPONSE.test_finish_reason,
     "finishReason"),
]
ANSWERS = {"grounded": GROUNDED, "code": CODE, "blocked": BLOCKED, "withheld": WITHHELD}


@pytest.mark.parametrize(("answer", "change", "check", "phrase"), GEMINI_BREAKS,
                         ids=[f"{a}-{i}" for i, (a, _, _, _) in enumerate(GEMINI_BREAKS)])
def test_gemini_answer_broken_once_fails(answer, change, check, phrase):
    body = copy.deepcopy(ANSWERS[answer])
    change(body)
    exchange = _gemini_plain(body)
    found = _verdict(COMMON_RESPONSE.test_schema, "gemini", exchange) if check == SCHEMA else _verdict(check, exchange)
    expected = "warn" if check is GEMINI_RESPONSE.test_response_id else "fail"
    assert found.startswith(expected) and phrase in found, found


def test_gemini_malformed_call_is_undecided_not_failed():
    """MALFORMED_FUNCTION_CALL with no parts (generative_service.proto Candidate.FinishReason) leaves
    the forced call's checks undecided; a `functionCall.args` sent as a JSON string still fails."""
    malformed = _gemini_example("tools-forced-malformed-call")["answer"]
    forced = {**BASIC_BODY, "tools": [{"functionDeclarations": [{"name": "get_weather"}]}],
              "toolConfig": {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["get_weather"]}}}
    exchange = _gemini_plain(malformed, forced, "tools-forced")
    assert _raises_error(GEMINI_TOOLS.test_forced_call, exchange)
    called = _gemini_example("thinking-tools-call-with-id")["answer"]
    assert _verdict(GEMINI_TOOLS.test_function_call_part, _gemini_plain(called, forced, "tools-forced")) == "pass"
    broken = copy.deepcopy(called)
    broken["candidates"][0]["content"]["parts"][1]["functionCall"]["args"] = '{"location": "Paris"}'
    found = _verdict(GEMINI_TOOLS.test_function_call_part, _gemini_plain(broken, forced, "tools-forced"))
    assert found.startswith("fail") and "args" in found, found


def _raises_error(check: Any, *args: Any) -> bool:
    try:
        check(*args)
    except Error:
        return True
    return False


def test_official_gemini_errors_are_the_envelope():
    """Google's error bodies (404 NOT_FOUND, 400 INVALID_ARGUMENT with BadRequest and ErrorInfo, 429
    RESOURCE_EXHAUSTED with QuotaFailure, Help and RetryInfo) are the envelope, departures none; a
    `details` item without its `@type` (google.protobuf.Any's JSON mapping) departs (W: python-genai
    still reads the error), one without `status` is not the envelope (F)."""
    bodies = [body for _, schema, body in _gemini_bodies() if schema == "ErrorResponse"]
    assert len(bodies) >= 3
    for body in bodies:
        assert checks.envelope_departures("gemini", body, "an error") == [], body
    untyped = copy.deepcopy(bodies[0])
    untyped["error"]["details"] = [{"reason": "API_KEY_INVALID", "domain": "googleapis.com"}]
    assert any("@type" in d for d in checks.envelope_departures("gemini", untyped, "an error"))
    unnamed = copy.deepcopy(bodies[0])
    del unnamed["error"]["status"]
    with pytest.raises(Fail):
        checks.envelope_departures("gemini", unnamed, "an error")


def _official_stream_pieces() -> list[dict[str, Any]]:
    return [data for _, data in _gemini_example("stream-last-empty-text-usage")["events"]]


def test_official_gemini_stream_passes():
    exchange = _gemini_stream(_official_stream_pieces())
    for check in (GEMINI_STREAM.test_final_event, GEMINI_STREAM.test_increments, GEMINI_STREAM.test_response_id,
                  GEMINI_STREAM.test_role_model, GEMINI_STREAM.test_usage, GEMINI_STREAM.test_early_finish_reason):
        assert _verdict(check, exchange) == "pass", (check.__name__, _verdict(check, exchange))
    assert _verdict(COMMON_STREAM.test_event_schema, "gemini", "event-schema", "GenerateContentResponse",
                    exchange) == "pass"


def _stream_break(index: int, path: str, value: Any) -> list[dict[str, Any]]:
    pieces = copy.deepcopy(_official_stream_pieces())
    _set(path, value)(pieces[index])
    return pieces


GEMINI_STREAM_BREAKS = [
    # Every piece of a stream is one response: its responseId names it (python-genai types.py
    # GenerateContentResponse.response_id, "used to identify each response"; no MUST: a warning).
    (_stream_break(1, "responseId", "another-id"), GEMINI_STREAM.test_response_id, "warn", "responseId"),
    (_stream_break(2, "candidates.0.finishReason", None), GEMINI_STREAM.test_final_event, "fail", "finishReason"),
    (_stream_break(2, "candidates.0.finishReason", "stop"), GEMINI_STREAM.test_final_event, "fail", "finishReason"),
    (_stream_break(1, "candidates.0.content.parts.0.text", "The capital of France is Paris."),
     GEMINI_STREAM.test_increments, "fail", "repeats"),
    (_stream_break(1, "candidates.0.content.role", "assistant"), GEMINI_STREAM.test_role_model, "fail", "role"),
    (_stream_break(2, "usageMetadata.totalTokenCount", 10), GEMINI_STREAM.test_usage, "fail", "totalTokenCount"),
]


@pytest.mark.parametrize(("pieces", "check", "verdict", "phrase"), GEMINI_STREAM_BREAKS,
                         ids=[f"stream-{i}" for i in range(len(GEMINI_STREAM_BREAKS))])
def test_gemini_stream_broken_once_fails(pieces, check, verdict, phrase):
    found = _verdict(check, _gemini_stream(pieces))
    assert found.startswith(verdict) and phrase in found, found


def test_gemini_stream_enum_misspelt_fails_the_event_schema():
    pieces = _stream_break(0, "candidates.0.safetyRatings.1.category", "HARM_CATEGORY_HATESPEECH")
    found = _verdict(COMMON_STREAM.test_event_schema, "gemini", "event-schema", "GenerateContentResponse",
                     _gemini_stream(pieces))
    assert found.startswith("fail") and "category" in found, found


# -- every shape names its source ----------------------------------------------------------------
SURFACES = ["anthropic-messages", "embeddings", "gemini", "models", "openai-audio", "openai-chat", "openai-images",
            "openai-responses", "openai-videos", "relay-midjourney", "relay-suno", "relay-video", "rerank"]


@pytest.mark.parametrize("surface", SURFACES)
def test_every_schema_and_operation_names_its_official_source(surface):
    """Each schema and operation carries `x-llmconform-source`, naming a definition the spec's root
    `x-llmconform-sources` lists with its repository, path, commit and date."""
    definitions = spec.load(surface)
    sources = definitions.sources
    assert sources, f"{surface}: no x-llmconform-sources"
    for key, where in sources.items():
        assert all((where.repository, where.path, where.commit, where.date)), (key, where)
        assert len(where.commit) == 40, (key, where.commit)
    named = {f"schema {n}": definitions.schema_source(n) for n in definitions.schemas}
    named |= {f"operation {o.definition.get('operationId')}": o.source for o in definitions.operations()}
    for what, source in named.items():
        assert isinstance(source, str) and source, f"{surface} {what}: no x-llmconform-source"
        keys = {s.split(":", 1)[0].split("#", 1)[0].strip() for s in source.split("; ")}
        assert keys <= set(sources) | {"seeds"}, f"{surface} {what}: {source} names no listed source"
