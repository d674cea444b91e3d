"""openai-chat: POST /v1/chat/completions."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from llmconform import checks, spec
from llmconform.exchange import Exchange, Request
from llmconform.sse import Event
from llmconform.surfaces import Dependent, Steer, Surface, billing_builders, common_builders, register, sub
from llmconform.verdict import Error, expect

NAME = "openai-chat"
PATH = "/v1/chat/completions"
TOOL_RESULT = '{"location": "Paris", "temperature_c": 18, "conditions": "cloudy"}'


def choices(data: Any) -> list[dict[str, Any]]:
    """The choice objects of a completion or chunk (anything else in the list is left out)."""
    choices = data.get("choices") if isinstance(data, dict) else None
    return [c for c in choices if isinstance(c, dict)] if isinstance(choices, list) else []


def message(data: Any, index: int = 0) -> dict[str, Any]:
    for choice in choices(data):
        if choice.get("index", 0) == index and isinstance(choice.get("message"), dict):
            return choice["message"]
    return {}


def content(data: Any, index: int = 0) -> str:
    value = message(data, index).get("content")
    return value if isinstance(value, str) else ""


def answered_text(exchange: Exchange, what: str) -> str:
    """The visible text of an answer that must be whole: a ChatCompletion with non-empty text, not a
    limit spent on reasoning (the request is described as `what` in the verdicts)."""
    data = checks.ok_json(exchange)
    spec.load(NAME).check("ChatCompletion", data, what=f"the answer to {what}")
    limit_spent_on_reasoning(data, exchange.request.output_limit)
    found = content(data)
    expect(found.strip(), "a non-empty answer", data)
    return found


def refusal_given(data: Any, what: str) -> None:
    """Leave a check of the content undecided (error) when the model refused: content null or empty
    and `message.refusal` a non-empty string. openai-python api_reference/openapi.transformed.yml
    ChatCompletionResponseMessage.refusal and the Structured Outputs guide: a refusal comes in
    `refusal`, not as content (its recorded test_parse_pydantic_model_refusal answer). Conforming,
    but there is no content to hold to the request."""
    given = message(data).get("refusal")
    if isinstance(given, str) and given.strip() and not content(data).strip():
        raise Error("the model refused", f"{what}: content null and message.refusal {given[:120]!r}: conforming "
                    "(a refusal is not content), but leaves nothing to check here", refusal=given[:200])


def call_finish_reasons(request_body: dict[str, Any]) -> tuple[str, ...]:
    """The finish_reasons that end a choice which called a tool: `tool_calls`, and `stop` too when
    tool_choice names a function — what the official API answers to a named tool_choice (its
    function-calling guide; vLLM keeps that parity, vllm-project/vllm#49496), where `tool_calls`
    is the reason the definition gives (openai-python api_reference/openapi.transformed.yml
    CreateChatCompletionResponse.choices[].finish_reason)."""
    choice = request_body.get("tool_choice")
    named = isinstance(choice, dict) and choice.get("type") == "function"
    return ("tool_calls", "stop") if named else ("tool_calls",)


def reasoning_tokens(data: Any) -> Any:
    """usage.completion_tokens_details.reasoning_tokens of a completion or a usage chunk."""
    return sub(sub(data, "usage"), "completion_tokens_details").get("reasoning_tokens")


def limit_spent_on_reasoning(data: Any, limit: int | None, visible: str | None = None,
                             reason: Any = None) -> None:
    """Leave a check undecided (error, never pass or fail) when a reasoning model spent the whole
    output limit on reasoning: finish_reason `length`, no content, and
    usage.completion_tokens_details.reasoning_tokens above 0 (openai-python
    src/openai/types/completion_usage.py: reasoning tokens are part of completion_tokens, which
    max_completion_tokens bounds). Conforming, but there is no text to check. `data` is the
    completion, or a stream's usage chunk with `visible` its joined text and `reason` its finish_reason."""
    reason = finish_reason_of(data) if reason is None else reason
    found = content(data) if visible is None else visible
    spent = reasoning_tokens(data)
    if reason != "length" or found.strip() or not (isinstance(spent, int) and spent > 0):
        return
    raise Error("limit spent on reasoning",
                f"finish_reason length (output limit = {limit}) with no content: the model spent {spent} "
                "tokens on reasoning. That is conforming, but leaves nothing to check here; give this probe a "
                "larger max_completion_tokens in the profile's `requests`.", finish_reason=reason,
                reasoning_tokens=spent)


def finish_reason_of(data: Any, index: int = 0) -> Any:
    for choice in choices(data):
        if choice.get("index", 0) == index:
            return choice.get("finish_reason")
    return None


def streamed_limit_spent_on_reasoning(exchange: Exchange) -> None:
    """limit_spent_on_reasoning over a stream: its joined text, its finish_reason, and what says the
    tokens went to reasoning — the usage chunk's reasoning_tokens (stream_options.include_usage), or
    else the reasoning deltas it streamed (`reasoning_content` / `reasoning`, as the reasoning
    checks read them)."""
    chunks = exchange.data_objects()
    reasons = [c.get("finish_reason") for chunk in chunks for c in choices(chunk) if c.get("finish_reason")]
    used = [chunk for chunk in chunks if isinstance(chunk, dict) and isinstance(chunk.get("usage"), dict)]
    visible = "".join(event_text(chunk) for chunk in chunks)
    if used:
        limit_spent_on_reasoning(used[-1], exchange.request.output_limit, visible, reasons[-1] if reasons else "")
        return
    reasoned = sum(len(str(sub(c, "delta").get(key) or "")) for chunk in chunks for c in choices(chunk)
                   for key in ("reasoning_content", "reasoning"))
    if reasoned and reasons and reasons[-1] == "length" and not visible.strip():
        raise Error("limit spent on reasoning",
                    f"finish_reason length (output limit = {exchange.request.output_limit}) after {reasoned} "
                    "characters of reasoning and no content: conforming, but leaves nothing to check here; give "
                    "this probe a larger max_completion_tokens in the profile's `requests`.", finish_reason="length")


def event_text(data: Any) -> str:
    return "".join(c["delta"]["content"] for c in choices(data)
                   if isinstance(c.get("delta"), dict) and isinstance(c["delta"].get("content"), str))


def stream_ended(events: list[Event]) -> bool:
    """A chat stream is over once it sent [DONE], a finish_reason, or an error: closed before any
    of them, it was cut (what is missing after them is the checks' to judge)."""
    for event in events:
        data = event.json()
        if event.data == "[DONE]" or (isinstance(data, dict) and "error" in data):
            return True
        if any(c.get("finish_reason") for c in choices(data)):
            return True
    return False


def empty_stream(chunks: list[dict[str, Any]]) -> str:
    """What an ended stream lacks when it carried no answer at all (only its role chunk, then
    [DONE]): no finish_reason, no content, no tool call; empty when it carried any of them."""
    for chunk in chunks:
        for choice in choices(chunk):
            delta = sub(choice, "delta")
            if choice.get("finish_reason") or delta.get("content") or delta.get("tool_calls") \
                    or delta.get("reasoning_content"):
                return ""
    return (f"{len(chunks)} chunk(s) with no finish_reason, no content and no tool call "
            "(the role chunk, then [DONE]): the stream ended without an answer")


def streamed_tool_calls(chunks: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Tool calls rebuilt from their deltas, by index: id, type, name and joined arguments."""
    calls: dict[int, dict[str, Any]] = {}
    for chunk in chunks:
        for choice in choices(chunk):
            delta = sub(choice, "delta")
            for item in delta.get("tool_calls") or []:
                if not isinstance(item, dict):
                    continue
                call = calls.setdefault(item.get("index", -1), {"id": None, "type": None, "name": None,
                                                                 "arguments": "", "first": item})
                call["id"] = call["id"] or item.get("id")
                call["type"] = call["type"] or item.get("type")
                function = sub(item, "function")
                call["name"] = call["name"] or function.get("name")
                if isinstance(function.get("arguments"), str):
                    call["arguments"] += function["arguments"]
    return calls


# -- the forced tool call -------------------------------------------------------------------------
# Answered with text instead of the call, the forced-call check fails (whatever the model); the
# other checks reading the call are left undecided.

def forced_calls(exchange: Exchange) -> list[Any]:
    """message.tool_calls of the answer to a forced tool call."""
    msg = message(checks.ok_json(exchange))
    calls = msg.get("tool_calls")
    checks.need(isinstance(calls, list) and calls, "message.tool_calls with the forced call", msg,
                owner="tools/forced-call", exchange=exchange)
    return list(calls) if isinstance(calls, list) else []

def forced_call_names(exchange: Exchange) -> list[Any]:
    return [sub(c, "function").get("name") for c in forced_calls(exchange)]


def streamed_forced_calls(exchange: Exchange) -> tuple[list[dict[str, Any]], dict[int, dict[str, Any]]]:
    """(the chunks, the tool calls rebuilt by index) of a streamed forced tool call."""
    chunks = exchange.data_objects()
    calls = streamed_tool_calls(chunks)
    if not calls:
        # A stream that ended ([DONE]) carrying nothing is not an answer that ignored the forced
        # tool: the row names what is missing, so the cause is not blamed on tool_choice.
        empty = empty_stream(chunks)
        checks.need(not empty, "a stream that carries an answer (a finish_reason, content or a tool call)", empty,
                    owner="stream-tools/forced-call", exchange=exchange)
    checks.need(calls, "tool_calls deltas for the forced call", exchange.excerpt(),
                owner="stream-tools/forced-call", exchange=exchange)
    return chunks, calls

def streamed_call_names(exchange: Exchange) -> list[Any]:
    return [call["name"] or sub(call["first"], "function").get("name")
            for call in streamed_forced_calls(exchange)[1].values()]





def _tools_result(first: Request, forced: Exchange) -> Request:
    """The forced tool call answered: assistant turn with its tool_calls, then a role:tool turn."""
    try:
        assistant = message(json.loads(forced.body))
    except ValueError:
        assistant = {}
    calls = [c for c in assistant.get("tool_calls") or [] if isinstance(c, dict)]
    call_id = calls[0].get("id") if calls else "call_llmconform_0"
    turn = {"role": "assistant", "content": None,
            "tool_calls": calls or [{"id": call_id, "type": "function",
                                     "function": {"name": "get_weather", "arguments": '{"location":"Paris"}'}}]}
    body = dict(first.body)
    body.pop("tool_choice", None)
    body["messages"] = [*first.body["messages"], turn,
                        {"role": "tool", "tool_call_id": call_id, "content": TOOL_RESULT}]
    return replace(first, probe="tools-result", body=body)


SURFACE = register(Surface(
    name=NAME, path=PATH,
    builders={**common_builders(NAME), "tools-result": Dependent("tools-forced", _tools_result),
              **billing_builders(NAME)},
    answer="the chat completion", text=content, reasoning="reasoning", text_field="message.content",
    answered_text=answered_text, event_text=event_text, stream_end=stream_ended,
    spent_on_reasoning=streamed_limit_spent_on_reasoning, event_schema=("chunk-schema", "ChatCompletionChunk"),
    forced_call_names=forced_call_names, streamed_call_names=streamed_call_names,
    steers=(Steer("system", "A system message", "a system + user conversation", "banana",
                  "the answer to follow the system prompt (say BANANA)"),),
    chat_like=True, sse=True,
))
