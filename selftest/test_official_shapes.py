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
from llmconform.verdict import Error, Fail, Undelivered, Warn

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


def _summary_part_done(status: str) -> list[dict[str, Any]]:
    events = copy.deepcopy(_official_stream())
    next(e for e in events if e["type"] == "response.reasoning_summary_part.done")["status"] = status
    return events


def test_an_interrupted_summary_part_passes_and_an_unknown_status_fails():
    """openai-python api_reference at e43b4224: ResponseReasoningSummaryPartDoneEvent.status is
    `incomplete` when generation was interrupted (omitted otherwise), and nothing else."""
    interrupted = _stream("openai-responses", _summary_part_done("incomplete"))
    assert [_verdict(getattr(RESPONSES_STREAM, check), interrupted) for check in STREAM_CHECKS] == \
        ["pass"] * len(STREAM_CHECKS)
    found = _verdict(RESPONSES_STREAM.test_event_schema, _stream("openai-responses", _summary_part_done("done")))
    assert found.startswith("fail") and "'incomplete'" in found, found


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


# Output items of the official OutputItem union (openai-python src/openai/types/responses/
# response_output_item.py), as a completed Response carries them beside the message.
OUTPUT_ITEMS: dict[str, dict[str, Any]] = {
    "web-search-search": {"id": "ws_1", "type": "web_search_call", "status": "completed",
                          "action": {"type": "search", "query": "paris", "queries": ["paris"],
                                     "sources": [{"type": "url", "url": "https://example.com"}]}},
    "web-search-open-page": {"id": "ws_2", "type": "web_search_call", "status": "completed",
                             "action": {"type": "open_page", "url": "https://example.com"}},
    "web-search-find": {"id": "ws_3", "type": "web_search_call", "status": "completed",
                        "action": {"type": "find_in_page", "pattern": "Paris", "url": "https://example.com"}},
    # Recorded from the live API by openai/openai-openapi#556 (gpt-5.5, max_output_tokens 32): status
    # incomplete (not yet in the spec's enum at the recorded commit) and no action.
    "web-search-incomplete-recorded": {"id": "ws_4", "type": "web_search_call", "status": "incomplete"},
    "file-search-results": {"id": "fs_1", "type": "file_search_call", "status": "completed", "queries": ["paris"],
                            "results": [{"file_id": "file-1", "filename": "atlas.pdf", "score": 0.9,
                                         "text": "Paris", "attributes": {"region": "eu"}}]},
    "image-generation": {"id": "ig_1", "type": "image_generation_call", "status": "completed", "result": "aGk=",
                         "background": "opaque", "output_format": "png", "quality": "low", "size": "1024x1024",
                         "revised_prompt": "a red square"},
    "code-interpreter-outputs": {"id": "ci_1", "type": "code_interpreter_call", "status": "completed",
                                 "container_id": "cntr_1", "code": "print(1)",
                                 "outputs": [{"type": "logs", "logs": "1\n"},
                                             {"type": "image", "url": "https://example.com/p.png"}]},
    "computer-call": {"id": "cu_1", "type": "computer_call", "call_id": "call_c", "status": "completed",
                      "pending_safety_checks": [], "action": {"type": "click", "button": "left", "x": 1, "y": 2}},
    "mcp-list-tools": {"id": "mcpl_1", "type": "mcp_list_tools", "server_label": "docs", "error": None,
                       "tools": [{"name": "search", "input_schema": {"type": "object"}, "annotations": None,
                                  "description": None}]},
    "mcp-call": {"id": "mcp_1", "type": "mcp_call", "status": "completed", "server_label": "docs", "name": "search",
                 "arguments": "{}", "output": "ok", "error": None, "approval_request_id": None},
    "mcp-approval-request": {"id": "mcpr_1", "type": "mcp_approval_request", "server_label": "docs",
                             "name": "search", "arguments": "{}"},
    "custom-tool-call": {"id": "ctc_1", "type": "custom_tool_call", "call_id": "call_g", "name": "grep",
                         "input": "paris"},
    "local-shell-call": {"id": "lsh_1", "type": "local_shell_call", "call_id": "call_l", "status": "completed",
                         "action": {"type": "exec", "command": ["ls"], "env": {}}},
    "shell-call": {"id": "sh_1", "type": "shell_call", "call_id": "call_s", "status": "completed",
                   "action": {"commands": ["ls"], "max_output_length": None, "timeout_ms": None},
                   "environment": None},
    "apply-patch-call": {"id": "apc_1", "type": "apply_patch_call", "call_id": "call_p", "status": "completed",
                         "operation": {"type": "update_file", "path": "a.py", "diff": "@@ -1 +1 @@\n-a\n+b\n"}},
    "program": {"id": "prog_1", "type": "program", "call_id": "call_r", "code": "return 42", "fingerprint": "fp_1"},
    "program-output": {"id": "prog_out_1", "type": "program_output", "call_id": "call_r", "result": "42",
                       "status": "completed"},
    "reasoning-encrypted": {"id": "rs_1", "type": "reasoning", "encrypted_content": "gAAAAAB",
                            "summary": [{"type": "summary_text", "text": "**Thinking**"},
                                        {"type": "summary_text", "text": "Done."}]},
    "compaction": {"id": "cmp_1", "type": "compaction", "encrypted_content": "gAAAAAB"},
    "refusal-message": {"id": "msg_r", "type": "message", "role": "assistant", "status": "completed",
                        "content": [{"type": "refusal", "refusal": "I can't help with that."}]},
    "annotated-message": {"id": "msg_a", "type": "message", "role": "assistant", "status": "completed",
                          "content": [{"type": "output_text", "text": "Paris.", "logprobs": [], "annotations": [
                              {"type": "file_citation", "file_id": "file-1", "filename": "atlas.pdf", "index": 0},
                              {"type": "container_file_citation", "container_id": "cntr_1", "file_id": "cfile_1",
                               "filename": "a.txt", "start_index": 0, "end_index": 5},
                              {"type": "file_path", "file_id": "file-2", "index": 1}]}]},
}


@pytest.mark.parametrize("item", sorted(OUTPUT_ITEMS))
def test_official_response_items_pass(item):
    """Every official output item type (hosted tools, reasoning with encrypted_content, refusals,
    annotations) passes the plain answer's schema beside the message."""
    body = _response("completed", [OUTPUT_ITEMS[item], MESSAGE])
    assert _verdict(COMMON_RESPONSE.test_schema, "openai-responses", _plain("openai-responses", body)) == "pass"


@pytest.mark.parametrize(("status", "fields"), [
    ("incomplete", {"incomplete_details": {"reason": "max_output_tokens"}}),
    ("incomplete", {"incomplete_details": {"reason": "content_filter"}}),
    ("failed", {"error": {"code": "server_error", "message": "The model failed to generate a response."}}),
    ("failed", {"error": {"code": "rate_limit_exceeded", "message": "Slow down."}}),
    ("cancelled", {}),
    ("queued", {"usage": None}),
])
def test_official_response_statuses_pass(status, fields):
    """Response.status with its incomplete_details or error (ResponseError {code, message})."""
    body = _response(status, [MESSAGE] if status != "queued" else []) | fields
    assert _verdict(COMMON_RESPONSE.test_schema, "openai-responses", _plain("openai-responses", body)) == "pass"


@pytest.mark.parametrize(("fields", "phrase"), [
    ({"error": {"code": "server_error"}}, "'message' is a required property"),
    ({"incomplete_details": {"reason": "too_long"}}, "too_long"),
    ({"status": "done"}, "done"),
])
def test_official_response_status_broken_once_fails(fields, phrase):
    body = _response("failed", [MESSAGE]) | fields
    found = _verdict(COMMON_RESPONSE.test_schema, "openai-responses", _plain("openai-responses", body))
    assert found.startswith("fail") and phrase in found, found


def _ending(last: dict[str, Any]) -> list[dict[str, Any]]:
    """A stream that opens and ends with `last` (a failure: response.failed or an error event)."""
    opening = _response("in_progress", [], usage=False)
    return [{"type": "response.created", "sequence_number": 0, "response": opening},
            {"type": "response.in_progress", "sequence_number": 1, "response": opening},
            {"sequence_number": 2, **last}]


FAILED = {"type": "response.failed", "response": _response("failed", [], usage=False) | {
    "error": {"code": "server_error", "message": "The model failed."}}}
# The documented flat error event (ResponseErrorEvent), and the nested one the live API sends
# (openai-dotnet#881, Effect-TS/effect#7262) and openai-python's _streaming.py raises as APIError.
ERROR_FLAT = {"type": "error", "code": "server_error", "message": "Something went wrong", "param": None}
ERROR_NESTED = {"type": "error", "error": {"type": "insufficient_quota", "code": "credit_balance_exhausted",
                                           "message": "You have no credits remaining.", "param": None}}


@pytest.mark.parametrize("last", [FAILED, ERROR_FLAT, ERROR_NESTED], ids=["failed", "error-flat", "error-nested"])
def test_official_responses_failure_events_match_the_schema(last):
    """response.failed and both official shapes of the `error` event are events of the union (the
    stream checks still judge a failure after a 200 as the provider's)."""
    found = _verdict(RESPONSES_STREAM.test_event_schema, _stream("openai-responses", _ending(last)))
    assert found == "pass", found


@pytest.mark.parametrize(("last", "phrase"), [
    ({"type": "error", "code": "server_error", "param": None}, "error"),
    ({"type": "error", "error": {"code": "server_error"}}, "'message' is a required property"),
    ({"type": "response.failed"}, "'response' is a required property"),
])
def test_official_responses_failure_events_broken_once_fail(last, phrase):
    found = _verdict(RESPONSES_STREAM.test_event_schema, _stream("openai-responses", _ending(last)))
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


CHAT_STREAM = _module("tests/openai_chat/test_stream.py")
# Recorded token logprobs (openai-python .inline-snapshot/external/83b060bae42e*.bin, gpt-4o-2024-08-06).
TOKEN = {"token": "Foo", "logprob": -0.0025094282, "bytes": [70, 111, 111],
         "top_logprobs": [{"token": "Foo", "logprob": -0.0025094282, "bytes": [70, 111, 111]}]}
# ChatCompletionResponseMessage as the official definition has it, one optional field at a time:
# (message fields, choice fields).
CHAT_MESSAGES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "audio": ({"content": None, "audio": {"id": "audio_1", "expires_at": 1772081078, "data": "UklGRg==",
                                          "transcript": "Hello!"}}, {}),
    "function-call": ({"content": None, "function_call": {"name": "get_weather", "arguments": "{}"}},
                      {"finish_reason": "function_call"}),
    "url-citation": ({"annotations": [{"type": "url_citation", "url_citation": {
        "start_index": 0, "end_index": 5, "url": "https://example.com", "title": "Example"}}]}, {}),
    "refusal": ({"content": None, "refusal": "I'm very sorry, but I can't assist with that."}, {}),
    "logprobs": ({}, {"logprobs": {"content": [TOKEN], "refusal": None}}),
    "content-filter": ({}, {"finish_reason": "content_filter"}),
    "length": ({}, {"finish_reason": "length"}),
}


def _completion(message: dict[str, Any], choice: dict[str, Any], tier: str | None = "default") -> dict[str, Any]:
    message, choice = copy.deepcopy(message), copy.deepcopy(choice)
    return {"id": "chatcmpl-1", "object": "chat.completion", "created": 1772077478, "model": "gpt-4o-2024-08-06",
            "service_tier": tier, "system_fingerprint": "fp_1",
            "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                         "message": {"role": "assistant", "content": "Hello!", "refusal": None, "annotations": [],
                                     **message}, **choice}],
            "usage": {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12,
                      "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
                      "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                                    "accepted_prediction_tokens": 1,
                                                    "rejected_prediction_tokens": 2}}}


@pytest.mark.parametrize("tier", ["auto", "default", "flex", "scale", "priority", "fast", None])
@pytest.mark.parametrize("variant", sorted(CHAT_MESSAGES))
def test_official_chat_message_variants_pass(variant, tier):
    """ChatCompletionResponseMessage's optional fields (audio, the deprecated function_call,
    url_citation annotations, refusal) and a choice's logprobs and finish reasons pass the schema."""
    body = _completion(*CHAT_MESSAGES[variant], tier=tier)
    assert _verdict(COMMON_RESPONSE.test_schema, "openai-chat", _plain("openai-chat", body)) == "pass"


@pytest.mark.parametrize(("variant", "path", "drop"), [
    # openai-openapi ChatCompletionResponseMessage.audio {id, expires_at, data, transcript},
    # .function_call {name, arguments}, .annotations[].url_citation {start_index, end_index, url, title},
    # ChatCompletionTokenLogprob {token, logprob, bytes, top_logprobs} and its top_logprobs[] {token, logprob, bytes}.
    ("audio", ("message", "audio"), "transcript"),
    ("function-call", ("message", "function_call"), "arguments"),
    ("url-citation", ("message", "annotations", 0, "url_citation"), "url"),
    ("logprobs", ("logprobs", "content", 0), "logprob"),
    ("logprobs", ("logprobs", "content", 0, "top_logprobs", 0), "bytes"),
])
def test_chat_message_broken_once_fails(variant, path, drop):
    body = _completion(*CHAT_MESSAGES[variant])
    node: Any = body["choices"][0]
    for key in path:
        node = node[key]
    del node[drop]
    found = _verdict(COMMON_RESPONSE.test_schema, "openai-chat", _plain("openai-chat", body))
    assert found.startswith("fail") and f"'{drop}' is a required property" in found, found


def test_chat_service_tier_outside_the_official_enum_fails():
    """ServiceTier: auto, default, flex, scale, priority, fast or null, on the answer and on a chunk."""
    found = _verdict(COMMON_RESPONSE.test_schema, "openai-chat",
                     _plain("openai-chat", _completion({}, {}, tier="turbo")))
    assert found.startswith("fail") and "turbo" in found, found
    chunks = _chunks()
    chunks[1]["service_tier"] = "turbo"
    found = _verdict(COMMON_STREAM.test_event_schema, "openai-chat", "chunk-schema", "ChatCompletionChunk",
                     _stream("openai-chat", chunks, named=False, done=True))
    assert found.startswith("fail") and "turbo" in found, found


def test_responses_url_citation_without_url_fails():
    """UrlCitationBody: type, url, title, start_index and end_index are required."""
    body = _response("completed", [copy.deepcopy(MESSAGE)])
    del body["output"][0]["content"][0]["annotations"][0]["url"]
    found = _verdict(COMMON_RESPONSE.test_schema, "openai-responses", _plain("openai-responses", body))
    # (the item matches no member of the OutputItem union: the message names the closest one's error)
    assert found.startswith("fail") and "$.output[0]" in found, found


def _recorded_chunks() -> list[dict[str, Any]]:
    """The recorded logprobs stream under include_usage (openai-python .inline-snapshot/external/
    83b060bae42e*.bin): logprobs objects on the content chunks, a last chunk with choices [] and usage;
    preceded by Azure OpenAI's prompt-filter chunk (choices [], model "")."""
    base = {"id": "chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c", "object": "chat.completion.chunk",
            "created": 1727346173, "model": "gpt-4o-2024-08-06", "system_fingerprint": "fp_5050236cbd"}
    token = copy.deepcopy(TOKEN)
    azure = base | {"model": "", "choices": [], "prompt_filter_results": [
        {"prompt_index": 0, "content_filter_results": {"hate": {"filtered": False, "severity": "safe"}}}]}
    return [azure,
            base | {"choices": [{"index": 0, "delta": {"role": "assistant", "content": "", "refusal": None},
                                 "logprobs": {"content": [], "refusal": None}, "finish_reason": None}]},
            base | {"choices": [{"index": 0, "delta": {"content": "Foo"},
                                 "logprobs": {"content": [token], "refusal": None}, "finish_reason": None}]},
            base | {"choices": [{"index": 0, "delta": {}, "logprobs": None, "finish_reason": "stop"}]},
            base | {"choices": [], "usage": {"prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11,
                                             "completion_tokens_details": {"reasoning_tokens": 0}}}]


def _chat_stream(chunks: list[dict[str, Any]]) -> Exchange:
    exchange = _stream("openai-chat", chunks, named=False, done=True)
    return Exchange(Request("openai-chat", "stream-usage", "POST", PATHS["openai-chat"],
                            body={"model": "gpt-4o", "stream": True, "stream_options": {"include_usage": True}}),
                    exchange.url, {}, status=200, headers=exchange.headers, body=exchange.body,
                    events=exchange.events, framing=exchange.framing)


@pytest.mark.parametrize("check", ["chunk-schema", "constant-fields", "model-echo", "done-sentinel"])
def test_official_chat_recorded_stream_passes(check):
    exchange = _chat_stream(_recorded_chunks())
    if check == "chunk-schema":
        found = _verdict(COMMON_STREAM.test_event_schema, "openai-chat", "chunk-schema", "ChatCompletionChunk",
                         exchange)
    else:
        found = _verdict(getattr(CHAT_STREAM, "test_" + check.replace("-", "_")), exchange)
    assert found == "pass", found


def test_azure_first_chunk_as_sent_breaks_official_rules():
    """Azure OpenAI's own first chunk also sends id "", created 0 and object "": the official chunk
    has object `chat.completion.chunk` and "each chunk has the same ID / timestamp" — a FAIL."""
    chunks = _recorded_chunks()
    chunks[0] |= {"object": ""}
    found = _verdict(COMMON_STREAM.test_event_schema, "openai-chat", "chunk-schema", "ChatCompletionChunk",
                     _chat_stream(chunks))
    assert found.startswith("fail") and "chat.completion.chunk" in found, found
    chunks = _recorded_chunks()
    chunks[0] |= {"id": "x", "created": 0}
    found = _verdict(CHAT_STREAM.test_constant_fields, _chat_stream(chunks))
    assert found.startswith("fail") and "one id" in found, found


def test_azure_first_chunk_as_sent_is_one_fail():
    """Azure's filter chunk as sent (object "", id "", created 0) is one root cause: chunk-schema
    FAILs it (above); constant-fields compares only the chunks that say they are chunks."""
    chunks = _recorded_chunks()
    chunks[0] |= {"object": "", "id": "", "created": 0}
    assert _verdict(CHAT_STREAM.test_constant_fields, _chat_stream(chunks)) == "pass"
    # Every chunk of another object: nothing to compare, and chunk-schema owns it.
    chunks = [c | {"object": "chat.completion"} for c in _recorded_chunks()]
    with pytest.raises(Undelivered) as undecided:
        CHAT_STREAM.test_constant_fields(_chat_stream(chunks))
    assert undecided.value.owner == "stream/chunk-schema", undecided.value.owner


def test_official_chat_function_call_deltas_pass():
    """ChatCompletionStreamResponseDelta.function_call (deprecated): the name, then argument pieces,
    ending with finish_reason function_call."""
    chunks = _chunks()
    chunks[1]["choices"][0]["delta"] = {"function_call": {"name": "get_weather", "arguments": ""}}
    chunks.insert(2, chunks[1] | {"choices": [{"index": 0, "delta": {"function_call": {"arguments": "{}"}},
                                               "finish_reason": None}]})
    chunks[-1]["choices"][0]["finish_reason"] = "function_call"
    found = _verdict(COMMON_STREAM.test_event_schema, "openai-chat", "chunk-schema", "ChatCompletionChunk",
                     _stream("openai-chat", chunks, named=False, done=True))
    assert found == "pass", found


def test_chat_stream_token_logprob_broken_once_fails():
    chunks = _recorded_chunks()
    del chunks[2]["choices"][0]["logprobs"]["content"][0]["token"]
    found = _verdict(COMMON_STREAM.test_event_schema, "openai-chat", "chunk-schema", "ChatCompletionChunk",
                     _chat_stream(chunks))
    assert found.startswith("fail") and "'token' is a required property" in found, found


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
# Server tools, citations, containers and every stop reason (anthropic-sdk-python src/anthropic/types/
# content_block.py and the *_block.py of each member, text_citation.py, container.py, stop_reason.py,
# refusal_stop_details.py, usage.py, cache_creation.py, server_tool_usage.py; 009b0353, 2026-08-07).
ANTHROPIC_RESPONSE = _module("tests/anthropic_messages/test_response.py")
ANTHROPIC_USAGE = _module("tests/anthropic_messages/test_usage.py")
WEB_CITATION = {"type": "web_search_result_location", "cited_text": "Paris is sunny today.",
                "encrypted_index": "Eo8BCioIAhgBIiQ4ODk4YTFkYy0yMTNkLTRhNmYtOTljYi03ZTBlNTUzZDc0NWISDCMi",
                "title": "Paris weather", "url": "https://example.com/paris"}
SERVER_BLOCKS = [
    {"type": "server_tool_use", "id": "srvtoolu_01WYG3ziw53XMcoyKL4XcZmE", "name": "web_search",
     "input": {"query": "weather Paris"}, "caller": {"type": "direct"}},
    {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_01WYG3ziw53XMcoyKL4XcZmE", "caller": {"type": "direct"},
     "content": [{"type": "web_search_result", "title": "Paris weather", "url": "https://example.com/paris",
                  "encrypted_content": "EqgfCioIARgBIiQ3YTAwMjY1Mi1mZjM5LTQ1NGUtODgxNC1kNjNjNTk1ZWI3Y2I",
                  "page_age": "December 5, 2026"}]},
    {"type": "text", "text": "Paris is sunny today.", "citations": [WEB_CITATION]},
    {"type": "server_tool_use", "id": "srvtoolu_02", "name": "web_fetch", "input": {"url": "https://example.com/a"}},
    {"type": "web_fetch_tool_result", "tool_use_id": "srvtoolu_02",
     "content": {"type": "web_fetch_result", "url": "https://example.com/a", "retrieved_at": "2026-12-05T10:00:00Z",
                 "content": {"type": "document", "title": "A", "citations": {"enabled": True},
                             "source": {"type": "text", "media_type": "text/plain", "data": "Hello."}}}},
    {"type": "web_fetch_tool_result", "tool_use_id": "srvtoolu_02b",
     "content": {"type": "web_fetch_tool_result_error", "error_code": "url_not_accessible"}},
    {"type": "text", "text": "The page says hello.",
     "citations": [{"type": "char_location", "cited_text": "Hello.", "document_index": 0, "document_title": "A",
                    "start_char_index": 0, "end_char_index": 6, "file_id": None}]},
    {"type": "server_tool_use", "id": "srvtoolu_03", "name": "code_execution", "input": {"code": "print(1)"}},
    {"type": "code_execution_tool_result", "tool_use_id": "srvtoolu_03",
     "content": {"type": "code_execution_result", "stdout": "1\n", "stderr": "", "return_code": 0, "content": []}},
    {"type": "server_tool_use", "id": "srvtoolu_04", "name": "bash_code_execution", "input": {"command": "ls"}},
    {"type": "bash_code_execution_tool_result", "tool_use_id": "srvtoolu_04",
     "content": {"type": "bash_code_execution_result", "stdout": "a.txt\n", "stderr": "", "return_code": 0,
                 "content": [{"type": "bash_code_execution_output", "file_id": "file_011CNha8iCJcU1wXNR6q4V8w"}]}},
    {"type": "server_tool_use", "id": "srvtoolu_05", "name": "text_editor_code_execution",
     "input": {"command": "view", "path": "a.txt"}},
    {"type": "text_editor_code_execution_tool_result", "tool_use_id": "srvtoolu_05",
     "content": {"type": "text_editor_code_execution_view_result", "content": "hi", "file_type": "text",
                 "num_lines": 1, "start_line": 1, "total_lines": 1}},
    {"type": "server_tool_use", "id": "srvtoolu_06", "name": "tool_search_tool_regex", "input": {"query": "weather"}},
    {"type": "tool_search_tool_result", "tool_use_id": "srvtoolu_06",
     "content": {"type": "tool_search_tool_search_result",
                 "tool_references": [{"type": "tool_reference", "tool_name": "get_weather"}]}},
    {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_07",
     "content": {"type": "web_search_tool_result_error", "error_code": "max_uses_exceeded"}},
    {"type": "tool_use", "id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "name": "list_files", "input": {},
     "caller": {"type": "code_execution_20250825", "tool_id": "srvtoolu_03"}},
    # types/beta/beta_advisor_tool_result_block.py (beta_content_block.py's union).
    {"type": "server_tool_use", "id": "srvtoolu_08", "name": "advisor", "input": {}},
    {"type": "advisor_tool_result", "tool_use_id": "srvtoolu_08",
     "content": {"type": "advisor_result", "text": "Check the units first.", "stop_reason": "end_turn"}},
]
SERVER_MESSAGE = {
    "id": "msg_01", "type": "message", "role": "assistant", "model": "m", "content": SERVER_BLOCKS,
    "stop_reason": "pause_turn", "stop_sequence": None, "stop_details": None,
    "container": {"id": "container_011CNha8iCJcU1wXNR6q4V8w", "expires_at": "2026-12-05T11:00:00Z"},
    "usage": {"input_tokens": 2310, "cache_creation_input_tokens": 1500, "cache_read_input_tokens": 0,
              "cache_creation": {"ephemeral_5m_input_tokens": 500, "ephemeral_1h_input_tokens": 1000},
              "output_tokens": 412, "server_tool_use": {"web_search_requests": 1, "web_fetch_requests": 1},
              "service_tier": "priority", "inference_geo": "us"}}
REFUSAL_DETAILS = {"type": "refusal", "category": "cyber", "explanation": "This request was refused due to policy."}


def _message(**change: Any) -> dict[str, Any]:
    return copy.deepcopy(SERVER_MESSAGE) | change


@pytest.mark.parametrize("check", [(COMMON_RESPONSE.test_schema, "anthropic-messages"),
                                   ANTHROPIC_RESPONSE.test_stop_reason, ANTHROPIC_USAGE.test_numbers,
                                   ANTHROPIC_USAGE.test_details_consistent])
def test_official_anthropic_server_tools_pass(check):
    """Each server tool's use and result (web search with encrypted content, web fetch, code
    execution, bash, text editor, tool search, a tool's error), citations, a tool_use called from
    code execution with input {}, container, pause_turn and usage by TTL and server tool."""
    body = _plain("anthropic-messages", SERVER_MESSAGE, {"model": "m", "max_tokens": 1024})
    found = _verdict(*check, body) if isinstance(check, tuple) else _verdict(check, body)
    assert found == "pass", found


# stop_reason.py: every official stop reason, with its stop_sequence and stop_details.
@pytest.mark.parametrize(("reason", "fields"), [
    ("end_turn", {}), ("max_tokens", {}), ("stop_sequence", {"stop_sequence": "4"}), ("tool_use", {}),
    ("pause_turn", {}), ("refusal", {"stop_details": REFUSAL_DETAILS}),
    ("refusal", {"stop_details": {"type": "refusal", "category": None, "explanation": None}}),
    ("model_context_window_exceeded", {})])
def test_official_anthropic_stop_reasons_pass(reason, fields):
    body = _plain("anthropic-messages", _message(stop_reason=reason, **fields))
    assert _verdict(COMMON_RESPONSE.test_schema, "anthropic-messages", body) == "pass"
    assert _verdict(ANTHROPIC_RESPONSE.test_stop_reason, body) == "pass"


def _without(path: tuple[Any, ...], key: str) -> dict[str, Any]:
    body = _message()
    node: Any = body
    for step in path:
        node = node[step]
    del node[key]
    return body


@pytest.mark.parametrize(("body", "phrase"), [
    # Every server tool result requires `content` (web_search_tool_result_block.py and the others).
    (_without(("content", 1), "content"), "$.content[1]"),
    (_without(("content", 8), "content"), "$.content[8]"),
    # container.py: id and expires_at required.
    (_without(("container",), "expires_at"), "'expires_at' is a required property"),
    # text_citation.py: every citation names the text it cites.
    (_without(("content", 2, "citations", 0), "cited_text"), "'cited_text' is a required property"),
    # refusal_stop_details.py: type refusal.
    (_message(stop_reason="refusal", stop_details={"category": "cyber", "explanation": None}),
     "'type' is a required property"),
    # cache_creation.py: both TTL counts required.
    (_without(("usage", "cache_creation"), "ephemeral_1h_input_tokens"),
     "'ephemeral_1h_input_tokens' is a required property"),
])
def test_official_anthropic_message_broken_once_fails(body, phrase):
    found = _verdict(COMMON_RESPONSE.test_schema, "anthropic-messages", _plain("anthropic-messages", body))
    assert found.startswith("fail") and phrase in found, found


def _anthropic_exchange(events: list[tuple[str, dict[str, Any]]]) -> Exchange:
    """A Messages stream of (event name, data) as the API sends it, to a request with max_tokens."""
    raw = "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events).encode()
    parsed, framing = sse.parse(raw)
    request = Request("anthropic-messages", "stream", "POST", PATHS["anthropic-messages"],
                      body={"model": "m", "max_tokens": 1024, "stream": True, "messages": []})
    return Exchange(request, "http://127.0.0.1/", {}, status=200, headers={"content-type": "text/event-stream"},
                    body=raw, events=parsed, framing=framing)


def _server_tool_stream() -> list[tuple[str, dict[str, Any]]]:
    """A web search streamed (anthropic-sdk-python tests/fixtures/fable-fallback/stream-a-toolrefusal.sse):
    thinking with its signature_delta, the server_tool_use input in input_json_delta (the first
    empty), the result whole in content_block_start, a text block with a citations_delta, and a
    message_delta with cumulative usage and server tool counts."""
    start = _message(content=[], stop_reason=None, container=None)
    start["usage"] = {"input_tokens": 2310, "output_tokens": 1}
    result = SERVER_BLOCKS[1]
    events: list[tuple[str, dict[str, Any]]] = [("message_start", {"type": "message_start", "message": start}),
                                                ("ping", {"type": "ping"})]

    def block(index: int, opened: dict[str, Any], deltas: list[dict[str, Any]]) -> None:
        events.append(("content_block_start", {"type": "content_block_start", "index": index,
                                               "content_block": opened}))
        events.extend(("content_block_delta", {"type": "content_block_delta", "index": index, "delta": d})
                      for d in deltas)
        events.append(("content_block_stop", {"type": "content_block_stop", "index": index}))

    block(0, {"type": "thinking", "thinking": "", "signature": ""},
          [{"type": "thinking_delta", "thinking": "Search."}, {"type": "thinking_delta", "thinking": ""},
           {"type": "signature_delta", "signature": "EqQBCkYIBxgCKkB"}])
    block(1, {"type": "server_tool_use", "id": result["tool_use_id"], "name": "web_search", "input": {}},
          [{"type": "input_json_delta", "partial_json": ""},
           {"type": "input_json_delta", "partial_json": "{\"query\": \"weather Paris\"}"}])
    block(2, result, [])
    block(3, {"type": "text", "text": ""}, [{"type": "citations_delta", "citation": WEB_CITATION},
                                            {"type": "text_delta", "text": "Paris is sunny today."}])
    events.append(("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn",
                                                                        "stop_sequence": None, "container": None},
                                     "usage": {"input_tokens": 2310, "cache_creation_input_tokens": 0,
                                               "cache_read_input_tokens": 0, "output_tokens": 96,
                                               "server_tool_use": {"web_search_requests": 1,
                                                                   "web_fetch_requests": 0}}}))
    events.append(("message_stop", {"type": "message_stop"}))
    return events


ANTHROPIC_STREAM_CHECKS = ["test_event_schema", "test_event_names", "test_message_start", "test_block_order",
                           "test_delta_types", "test_message_delta", "test_message_stop", "test_no_error_event",
                           "test_usage", "test_model_echo"]


@pytest.mark.parametrize("check", ANTHROPIC_STREAM_CHECKS)
def test_official_anthropic_server_tool_stream_passes(check):
    assert _verdict(getattr(ANTHROPIC_STREAM, check), _anthropic_exchange(_server_tool_stream())) == "pass"


def test_anthropic_message_delta_null_counts_pass():
    """message_delta_usage.py: input_tokens and the cache counts are Optional — null where the API has
    none to repeat; message_start's input count stands."""
    events = _server_tool_stream()
    final = next(d for _, d in events if d.get("type") == "message_delta")
    final["usage"] |= {"input_tokens": None, "cache_creation_input_tokens": None, "cache_read_input_tokens": None,
                       "server_tool_use": None, "output_tokens": 8}
    exchange = _anthropic_exchange(events)
    for check in ("test_usage_consistent", "test_usage", "test_event_schema"):
        assert _verdict(getattr(ANTHROPIC_STREAM, check), exchange) == "pass", check


def test_anthropic_citations_delta_without_cited_text_fails():
    """citations_delta.py: the citation is a TextCitation, which names the text it cites."""
    events = _server_tool_stream()
    delta = next(d for _, d in events if d.get("delta", {}).get("type") == "citations_delta")
    del delta["delta"]["citation"]["cited_text"]
    found = _verdict(ANTHROPIC_STREAM.test_event_schema, _anthropic_exchange(events))
    assert found.startswith("fail") and "cited_text" in found, found


def _changed(kind: str, change: dict[str, Any], where: str = "") -> list[tuple[str, dict[str, Any]]]:
    events = _server_tool_stream()
    data = next(d for _, d in events if d.get("type") == kind)
    (data[where] if where else data).update(change)
    return events


@pytest.mark.parametrize(("check", "events", "phrase"), [
    # message.py stop_reason: "null in the message_start event and non-null otherwise".
    ("test_message_start", _changed("message_start", {"stop_reason": "end_turn"}, "message"), "stop_reason null"),
    # message.py stop_sequence: the matched custom stop sequence; none matched beside end_turn.
    ("test_message_delta", _changed("message_delta", {"stop_sequence": "4"}, "delta"), "stop_sequence null"),
])
def test_anthropic_stream_broken_once_fails(check, events, phrase):
    found = _verdict(getattr(ANTHROPIC_STREAM, check), _anthropic_exchange(events))
    assert found.startswith("fail") and phrase in found, found


def test_anthropic_stream_stop_sequence_passes():
    events = _changed("message_delta", {"stop_reason": "stop_sequence", "stop_sequence": "4"}, "delta")
    assert _verdict(ANTHROPIC_STREAM.test_message_delta, _anthropic_exchange(events)) == "pass"


def _fallback_stream() -> list[tuple[str, dict[str, Any]]]:
    """anthropic-sdk-python tests/lib/streaming/fixtures/fallback_response.txt and
    fallback_credit_response.txt: a beta fallback block opened and closed with no delta, then the
    text on the fallback model; message_delta's usage carries fallback_credit."""
    start = _message(content=[], stop_reason=None, container=None, usage={"input_tokens": 25, "output_tokens": 1})
    opened = {"type": "fallback", "from": {"model": "claude-opus-4-7"}, "to": {"model": "claude-sonnet-4-5"},
              "trigger": {"type": "refusal", "category": None}}
    return [("message_start", {"type": "message_start", "message": start}),
            ("content_block_start", {"type": "content_block_start", "index": 0, "content_block": opened}),
            ("content_block_stop", {"type": "content_block_stop", "index": 0}),
            ("content_block_start", {"type": "content_block_start", "index": 1,
                                     "content_block": {"type": "text", "text": ""}}),
            ("content_block_delta", {"type": "content_block_delta", "index": 1,
                                     "delta": {"type": "text_delta", "text": "Hello there!"}}),
            ("content_block_stop", {"type": "content_block_stop", "index": 1}),
            ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                               "usage": {"output_tokens": 8, "fallback_credit": {"status": {"type": "redeemed"}}}}),
            ("message_stop", {"type": "message_stop"})]


@pytest.mark.parametrize("check", [c for c in ANTHROPIC_STREAM_CHECKS if c != "test_model_echo"])
def test_official_anthropic_fallback_stream_passes(check):
    assert _verdict(getattr(ANTHROPIC_STREAM, check), _anthropic_exchange(_fallback_stream())) == "pass"


def _outcome(check: Any, *args: Any) -> str:
    try:
        return _verdict(check, *args)
    except Error as undecided:
        return f"error: {undecided}"


OVERLOADED = ("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})


@pytest.mark.parametrize("check", ["test_block_order", "test_message_delta", "test_message_stop",
                                   "test_no_error_event", "test_usage", "test_usage_consistent"])
def test_anthropic_stream_ended_by_overloaded_error_is_undecided(check):
    """The official API may end a begun stream with an overloaded_error event (Anthropic docs,
    Streaming Messages, Error events): the grammar's checks are undecided, never FAIL or WARN."""
    events = [*_server_tool_stream()[:6], OVERLOADED]
    found = _outcome(getattr(ANTHROPIC_STREAM, check), _anthropic_exchange(events))
    assert found.startswith("error") and "ended the stream with an error event" in found, found


@pytest.mark.parametrize("events", [
    # An error event the stream goes on after is none of the API's ends (the fake's
    # messages.stream-error-event), nor is a client error after the 200.
    [*_server_tool_stream()[:2], OVERLOADED, *_server_tool_stream()[2:]],
    [*_server_tool_stream()[:6], ("error", {"type": "error", "error": {"type": "invalid_request_error",
                                                                       "message": "max_tokens: Field required"}})],
])
def test_anthropic_other_error_events_still_judged(events):
    """The check still finds these (a SHOULD: its failure is reported as a WARN)."""
    found = _outcome(ANTHROPIC_STREAM.test_no_error_event, _anthropic_exchange(events))
    assert found.startswith("fail") and "no error event after status 200" in found, found



# A refusal (stop_reason refusal, refusal_stop_details.py; the SDK's refusal_response.txt fixture) leaves
# the checks that look for a tool call or thinking undecided; the same answer without it still fails.
COMMON_TOOLS = _module("tests/common/test_tools.py")
ANTHROPIC_THINKING = _module("tests/anthropic_messages/test_thinking.py")
ANTHROPIC_STREAM_THINKING = _module("tests/anthropic_messages/test_stream_thinking.py")


def _refusal_stream(reason: str = "refusal") -> Exchange:
    start = _message(content=[], stop_reason=None, container=None, usage={"input_tokens": 20, "output_tokens": 1})
    details = {"stop_details": REFUSAL_DETAILS} if reason == "refusal" else {}
    return _anthropic_exchange([
        ("message_start", {"type": "message_start", "message": start}),
        ("content_block_start", {"type": "content_block_start", "index": 0,
                                 "content_block": {"type": "text", "text": ""}}),
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        ("message_delta", {"type": "message_delta", "delta": {"stop_reason": reason, "stop_sequence": None, **details},
                           "usage": {"output_tokens": 0}}),
        ("message_stop", {"type": "message_stop"})])


def _refusal_message(reason: str = "refusal") -> Exchange:
    details = {"stop_details": REFUSAL_DETAILS} if reason == "refusal" else {}
    return _plain("anthropic-messages", _message(content=[], stop_reason=reason, container=None, **details))


@pytest.mark.parametrize(("check", "args"), [
    (COMMON_TOOLS.test_forced_call, ("anthropic-messages", "message")),
    (COMMON_TOOLS.test_streamed_forced_call, ("anthropic-messages", "stream")),
    (ANTHROPIC_THINKING.test_block_order, ("message",)),
    (ANTHROPIC_STREAM_THINKING.test_block_order, ("stream",)),
    (ANTHROPIC_RESPONSE.test_text_block, ("message",)),
])
def test_anthropic_refusal_is_undecided(check, args):
    def exchange(reason: str) -> tuple[Any, ...]:
        built = {"message": _refusal_message(reason), "stream": _refusal_stream(reason)}
        return tuple(built.get(a, a) for a in args)

    refused = _outcome(check, *exchange("refusal"))
    assert refused.startswith("error") and "refused by the API" in refused, refused
    assert _outcome(check, *exchange("end_turn")).startswith("fail")


# -- models, Anthropic's list ----------------------------------------------------------------------
# anthropic-sdk-python src/anthropic/types/model_info.py (id, type model, display_name, created_at
# RFC 3339 — "an epoch value if the release date is unknown" —, capabilities, max_input_tokens,
# max_tokens) and the page's has_more, first_id, last_id (pagination.py SyncPage); 009b0353, 2026-08-07.
CAPABILITIES = {"batch": {"supported": True}, "citations": {"supported": True}, "code_execution": {"supported": True},
                "image_input": {"supported": True}, "pdf_input": {"supported": True},
                "structured_outputs": {"supported": True},
                "thinking": {"supported": True, "types": {"enabled": {"supported": True},
                                                          "adaptive": {"supported": False}}}}
ANTHROPIC_MODELS = {"data": [
    {"type": "model", "id": "claude-sonnet-4-5-20250929", "display_name": "Claude Sonnet 4.5",
     "created_at": "2025-09-29T00:00:00Z", "max_input_tokens": 200000, "max_tokens": 64000,
     "capabilities": CAPABILITIES},
    {"type": "model", "id": "claude-3-haiku-20240307", "display_name": "Claude Haiku 3",
     "created_at": "1970-01-01T00:00:00.000000+00:00"}],
    "has_more": True, "first_id": "claude-sonnet-4-5-20250929", "last_id": "claude-3-haiku-20240307"}


def _model_list_verdict(body: Any) -> str:
    return _verdict(spec.load("models").check, "AnthropicModelList", body)


def test_official_anthropic_model_list_passes():
    assert _model_list_verdict(ANTHROPIC_MODELS) == "pass"
    assert _model_list_verdict({"data": [], "has_more": False, "first_id": None, "last_id": None}) == "pass"


@pytest.mark.parametrize(("where", "change"), [
    (None, {"has_more": None}), (0, {"display_name": None}), (0, {"created_at": 1759104000}),
    (0, {"type": "Model"})])
def test_anthropic_model_list_broken_once_fails(where, change):
    body = copy.deepcopy(ANTHROPIC_MODELS)
    node = body if where is None else body["data"][where]
    for key, value in change.items():
        if value is None:
            del node[key]
        else:
            node[key] = value
    assert _model_list_verdict(body).startswith("fail")


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
