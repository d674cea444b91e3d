"""openai-responses: POST /v1/responses.

Helpers the checks share: the text of a Response (every `output_text` part of its message items),
the streamed text (the joined `response.output_text.delta` events), the grammar a stream must
follow, and the dependent probes (the function_call answered by a function_call_output).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from llmconform import spec
from llmconform.exchange import STREAM_ENDS, Request
from llmconform.surfaces import Surface, common_builders, register, sub
from llmconform.verdict import Error, expect, warn

if TYPE_CHECKING:
    from llmconform.sse import Event
    from llmconform.surfaces import Probing

NAME = "openai-responses"
PATH = "/v1/responses"
TOOL_OUTPUT = '{"location": "Paris", "temperature_c": 18, "conditions": "sunny"}'

TERMINAL = ("response.completed", "response.incomplete", "response.failed")
TEXT_DELTA = "response.output_text.delta"

# -- a Response body --------------------------------------------------------------------------


def output_items(data: Any, kind: str | None = None) -> list[dict[str, Any]]:
    """The output items of a Response (of one `type` when given)."""
    output = data.get("output") if isinstance(data, dict) else None
    items = [i for i in output if isinstance(i, dict)] if isinstance(output, list) else []
    return [i for i in items if kind is None or i.get("type") == kind]


def text_parts(item: Any) -> list[dict[str, Any]]:
    """The `output_text` parts of one message item."""
    content = item.get("content") if isinstance(item, dict) else None
    parts = content if isinstance(content, list) else []
    return [p for p in parts if isinstance(p, dict) and p.get("type") == "output_text"]


def output_text(data: Any) -> str:
    """The visible answer: every output_text part of every message item, joined (what the SDKs
    call `response.output_text`)."""
    return "".join(p["text"] for item in output_items(data, "message") for p in text_parts(item)
                   if isinstance(p.get("text"), str))


def answer_shape(data: Any, what: str) -> None:
    """What a check that reads the answer's output needs: a `response` object whose output items
    each match their schema. The rest of the shape is response/schema's to judge, once."""
    expect(isinstance(data, dict) and data.get("object") == "response",
           f"a response object answering {what}", data.get("object") if isinstance(data, dict) else data)
    expect(isinstance(data.get("output"), list), f"an output array in the answer to {what}",
           data.get("output"))
    for n, item in enumerate(data["output"]):
        spec.load(NAME).check("OutputItem", item, what=f"output item {n} of the answer to {what}")


def usage(data: Any) -> dict[str, Any]:
    value = data.get("usage") if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def reasoning_tokens(data: Any) -> Any:
    details = usage(data).get("output_tokens_details")
    return details.get("reasoning_tokens") if isinstance(details, dict) else None


def reasoning_text(item: Any) -> str:
    """The readable text a reasoning item carries (its summary and content parts)."""
    if not isinstance(item, dict):
        return ""
    parts = [*(item.get("summary") or []), *(item.get("content") or [])]
    return "".join(p["text"] for p in parts if isinstance(p, dict) and isinstance(p.get("text"), str))


def cut_by_limit(data: Any) -> bool:
    """status `incomplete` because max_output_tokens stopped the model."""
    details = data.get("incomplete_details") if isinstance(data, dict) else None
    return (data.get("status") == "incomplete" and isinstance(details, dict)
            and details.get("reason") == "max_output_tokens")


def limit_spent_on_reasoning(data: Any, limit: int | None) -> None:
    """Leave a check undecided (error, never pass or fail) when a reasoning model spent the whole
    max_output_tokens on reasoning and stopped before writing any text: conforming, but there is
    no text to check. Call it before asserting on the text of a probe."""
    if not cut_by_limit(data) or output_text(data).strip():
        return
    spent, output = reasoning_tokens(data), usage(data).get("output_tokens")
    raise Error("limit spent on reasoning",
                f"status incomplete (max_output_tokens = {limit}) with no text: the model spent "
                f"{spent if isinstance(spent, int) else 'its'} of {output if output is not None else '?'} "
                "output tokens on reasoning. That is conforming, but leaves nothing to check here; give this "
                "probe a larger max_output_tokens in the profile's `requests`.",
                status=data.get("status"), reasoning_tokens=spent, output_tokens=output)



def extension_fields(schema: str, value: Any, what: str) -> None:
    """Fields beyond the official shape (W): undeclared ones, and those the spec declares only as
    a relay extension (their description starts "Relay extension", the openapi/ convention)."""
    if not isinstance(value, dict):
        return
    properties = spec.load(NAME).schemas.get(schema, {}).get("properties", {})
    official = {name for name, prop in properties.items()
                if not str(prop.get("description", "")).startswith("Relay extension")}
    extra = sorted(set(value) - official)
    if extra:
        known = [f"{n} ({_who_adds(properties[n])})" for n in extra if n in properties]
        received = f"extra field(s) {', '.join(extra)}"
        if known:
            received += f"; relay extension(s): {'; '.join(known)}"
        warn(f"only the fields the official {schema} has in {what}", received, extra=extra)


def _who_adds(prop: dict[str, Any]) -> str:
    lines = str(prop.get("description", "")).strip().splitlines() or [""]
    return lines[0].removeprefix("Relay extension").lstrip(" ,:;—-")[:100]


# -- a stream -----------------------------------------------------------------------------------


def event_text(data: Any) -> str:
    """The visible text one stream event carries: the delta of response.output_text.delta."""
    if isinstance(data, dict) and data.get("type") == TEXT_DELTA and isinstance(data.get("delta"), str):
        return data["delta"]
    return ""


def usage_counts(data: Any) -> tuple[int | None, int | None]:
    """(input_tokens, output_tokens) of a Response body, or of the response a terminal event carries."""
    if not isinstance(data, dict):
        return None, None
    found = usage(data) or usage(data.get("response"))
    if not found:
        return None, None
    return found.get("input_tokens"), found.get("output_tokens")


def stream_ended(events: list[Event]) -> bool:
    """A Responses stream is over once it sent a terminal event (response.completed, .incomplete,
    .failed) or an error event: closed before any of them, it was cut."""
    for event in events:
        data = event.json()
        kind = data.get("type") if isinstance(data, dict) else None
        if kind in (*TERMINAL, "error") or event.event == "error":
            return True
    return False


def streamed_text(payloads: list[dict[str, Any]]) -> str:
    return "".join(event_text(p) for p in payloads)


def terminal(payloads: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The last terminal event (response.completed / .incomplete / .failed), if any."""
    found = [p for p in payloads if p.get("type") in TERMINAL]
    return found[-1] if found else None


def terminal_response(payloads: list[dict[str, Any]]) -> dict[str, Any]:
    event = terminal(payloads)
    response = event.get("response") if event else None
    return response if isinstance(response, dict) else {}


@dataclass
class StreamedPart:
    """One content part of one message item, as the stream built it."""

    item_id: Any
    output_index: Any
    content_index: Any
    deltas: list[str] = field(default_factory=list)
    done_text: Any = None  # response.output_text.done text
    part_done_text: Any = None  # response.content_part.done part.text

    @property
    def joined(self) -> str:
        return "".join(self.deltas)


def streamed_parts(payloads: list[dict[str, Any]]) -> dict[tuple[Any, Any], StreamedPart]:
    """The output_text parts a stream built, by (item_id, content_index)."""
    parts: dict[tuple[Any, Any], StreamedPart] = {}

    def part(p: dict[str, Any]) -> StreamedPart:
        key = (p.get("item_id"), p.get("content_index"))
        if key not in parts:
            parts[key] = StreamedPart(p.get("item_id"), p.get("output_index"), p.get("content_index"))
        return parts[key]

    for p in payloads:
        kind = p.get("type")
        if kind == TEXT_DELTA and isinstance(p.get("delta"), str):
            part(p).deltas.append(p["delta"])
        elif kind == "response.output_text.done":
            part(p).done_text = p.get("text")
        elif kind == "response.content_part.done" and isinstance(p.get("part"), dict) \
                and p["part"].get("type") == "output_text":
            part(p).part_done_text = p["part"].get("text")
        elif kind == "response.content_part.added" and isinstance(p.get("part"), dict) \
                and p["part"].get("type") == "output_text":
            part(p)
    return parts


def streamed_calls(payloads: list[dict[str, Any]]) -> dict[Any, dict[str, Any]]:
    """Function calls a stream built, by item id: the added item, the argument deltas, the
    `.done` arguments and the output_item.done item."""
    calls: dict[Any, dict[str, Any]] = {}

    def call(item_id: Any) -> dict[str, Any]:
        return calls.setdefault(item_id, {"added": None, "deltas": [], "done": None, "item_done": None})

    for p in payloads:
        kind = p.get("type")
        item = sub(p, "item")
        if kind == "response.output_item.added" and item.get("type") == "function_call":
            call(item.get("id"))["added"] = item
        elif kind == "response.function_call_arguments.delta" and isinstance(p.get("delta"), str):
            call(p.get("item_id"))["deltas"].append(p["delta"])
        elif kind == "response.function_call_arguments.done":
            call(p.get("item_id"))["done"] = p.get("arguments")
        elif kind == "response.output_item.done" and item.get("type") == "function_call":
            call(item.get("id"))["item_done"] = item
    return calls


# The events allowed inside an output item of each type, between output_item.added and .done.
_IN_ITEM = {
    "message": ("response.content_part.added", "response.content_part.done", TEXT_DELTA,
                "response.output_text.done", "response.output_text.annotation.added",
                "response.refusal.delta", "response.refusal.done"),
    "function_call": ("response.function_call_arguments.delta", "response.function_call_arguments.done"),
    "reasoning": ("response.reasoning_summary_part.added", "response.reasoning_summary_part.done",
                  "response.reasoning_summary_text.delta", "response.reasoning_summary_text.done",
                  "response.reasoning_text.delta", "response.reasoning_text.done",
                  "response.content_part.added", "response.content_part.done"),
}
_PART_EVENTS = (TEXT_DELTA, "response.output_text.done", "response.output_text.annotation.added",
                "response.refusal.delta", "response.refusal.done")
_GRAMMAR = {"response.created", "response.queued", "response.in_progress", "response.output_item.added",
            "response.output_item.done", *TERMINAL, *(e for events in _IN_ITEM.values() for e in events)}


def _index(p: dict[str, Any]) -> Any:
    """The output_index an event names; None when it names none (a shape fault event-schema judges,
    not an order fault)."""
    return p.get("output_index")


def grammar_problem(payloads: list[dict[str, Any]]) -> str | None:
    """The first place a stream departs from the Responses event grammar, or None.

    response.created → (response.queued) → response.in_progress → for each output item, in
    output_index order: output_item.added → its own events → output_item.done; a message's
    content part: content_part.added → output_text.delta* → output_text.done → content_part.done;
    a function call: function_call_arguments.delta* → function_call_arguments.done → then one
    terminal event (response.completed | .incomplete | .failed), last. Events outside this
    vocabulary (`error`, unknown types) and missing indexes are left to the checks that judge them.
    """
    events = [(n, p) for n, p in enumerate(payloads) if p.get("type") in _GRAMMAR]
    kinds = [p.get("type") for _, p in events]
    if not kinds:
        return "no Responses lifecycle event at all"
    opening = ["response.created", "response.in_progress"]
    if kinds[:1] != opening[:1]:
        return f"response.created first, got {kinds[0]} (event {events[0][0]})"
    position = 2 if kinds[1:2] == ["response.in_progress"] else 3 if kinds[1:3] == [
        "response.queued", "response.in_progress"] else None
    if position is None:
        return f"response.in_progress right after response.created, got {kinds[1:3]}"
    item: dict[str, Any] | None = None
    next_index = 0
    part: Any = None  # content_index of the open content part
    part_text_done = False
    args_done = False
    for n, p in events[position:]:
        kind = p.get("type")
        where = f"event {n} ({kind})"
        if kind in TERMINAL:
            if item is not None:
                return f"{where} while output item {item.get('id')} is still open (no output_item.done)"
            if n != events[-1][0]:
                return f"{where} is not the last event: {events[-1][1].get('type')} follows"
            return None
        if kind in ("response.created", "response.queued", "response.in_progress"):
            return f"{where} after the stream had started"
        if kind == "response.output_item.added":
            if item is not None:
                return f"{where} while output item {item.get('id')} is still open"
            if _index(p) not in (None, next_index):
                return f"{where} with output_index {p.get('output_index')}, expected {next_index}"
            item = sub(p, "item")
            part, part_text_done, args_done = None, False, False
            continue
        if item is None:
            return f"{where} outside an output item (no output_item.added before it)"
        if kind == "response.output_item.done":
            if _index(p) not in (None, next_index):
                return f"{where} with output_index {p.get('output_index')}, expected {next_index}"
            if part is not None:
                return f"{where} while content part {part} is still open (no content_part.done)"
            if item.get("type") == "function_call" and not args_done:
                return f"{where} before response.function_call_arguments.done"
            item, next_index = None, next_index + 1
            continue
        allowed = _IN_ITEM.get(str(item.get("type")))
        if allowed is not None and kind not in allowed:
            return f"{where} inside a {item.get('type')} item"
        if _index(p) not in (None, next_index):
            return f"{where} with output_index {p.get('output_index')} inside item {next_index}"
        if "item_id" in p and "id" in item and p.get("item_id") != item.get("id"):
            return f"{where} for item {p.get('item_id')} inside item {item.get('id')}"
        if item.get("type") == "message":
            if kind == "response.content_part.added":
                if part is not None:
                    return f"{where} while content part {part} is still open"
                part, part_text_done = p.get("content_index"), False
            elif kind == "response.content_part.done":
                if part is None or p.get("content_index") != part:
                    return f"{where} for content part {p.get('content_index')}, which was never added"
                if not part_text_done:
                    return f"{where} before response.output_text.done (or refusal.done) of its part"
                part = None
            elif kind in _PART_EVENTS:
                if part is None or p.get("content_index") != part:
                    return f"{where} outside content part {p.get('content_index')} (no content_part.added)"
                if part_text_done:
                    return f"{where} after the part's text was done"
                part_text_done = kind in ("response.output_text.done", "response.refusal.done")
        elif item.get("type") == "function_call":
            if args_done:
                return f"{where} after response.function_call_arguments.done"
            args_done = kind == "response.function_call_arguments.done"
    if item is not None:
        return f"output item {item.get('id')} never done, and no terminal event"
    return "no terminal event (response.completed, .incomplete or .failed): the stream was cut"


# -- dependent probes ---------------------------------------------------------------------------


def _as_items(value: Any) -> list[Any]:
    """`input` as a list of items (a string input is one user message)."""
    if isinstance(value, str):
        return [{"role": "user", "content": value}]
    return list(value) if isinstance(value, list) else []


def _function_call_output(target: Probing) -> Request:
    """The forced call answered: the original input, the function_call item the provider returned,
    and a function_call_output with its call_id."""
    forced = target.probe(NAME, "tools-forced")
    first = target.request(NAME, "tools-forced")
    try:
        calls = output_items(json.loads(forced.body), "function_call")
    except (ValueError, UnicodeDecodeError):
        calls = []
    if not calls or not isinstance(calls[0].get("call_id"), str) or not calls[0]["call_id"]:
        # No usable call came back (the forced-call check says why): the spec's own conversation.
        static = spec.load(NAME).operation(PATH).probes["function-call-output"]["value"]
        return replace(first, probe="function-call-output", body=spec.fill_model(static, target.model(NAME)))
    call = calls[0]
    # The item without its id: passed back with it, a reasoning model also wants its reasoning item.
    item = {"type": "function_call", "call_id": call["call_id"], "name": call.get("name") or "get_weather",
            "arguments": call.get("arguments") if isinstance(call.get("arguments"), str) else "{}"}
    body = {k: v for k, v in first.body.items() if k != "tool_choice"}
    body["input"] = [*_as_items(first.body.get("input")), item,
                     {"type": "function_call_output", "call_id": call["call_id"], "output": TOOL_OUTPUT}]
    return replace(first, probe="function-call-output", body=body)


STREAM_ENDS[NAME] = stream_ended
SURFACE = register(Surface(
    name=NAME, path=PATH,
    builders={**common_builders(NAME, PATH), "function-call-output": _function_call_output,},
    event_text=event_text, usage_counts=usage_counts,
))
