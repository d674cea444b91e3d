"""The event grammar of an OpenAI Responses stream: which events may follow which, inside which
output item, in what order — a state machine of its own, apart from the surface's readers."""

from __future__ import annotations

from typing import Any

from llmconform import spec
from llmconform.surfaces import sub

# The stream's event types by role (openapi: ResponseStreamEvent's x-llmconform-events).
EVENTS = spec.load("openai-responses").vocabulary("ResponseStreamEvent")
TERMINAL = EVENTS.all("terminal")
TEXT_DELTA = EVENTS["text-delta"]
_CREATED, _QUEUED, _IN_PROGRESS = EVENTS["created"], EVENTS["queued"], EVENTS["in-progress"]
_ITEM_ADDED, _ITEM_DONE = EVENTS["item-added"], EVENTS["item-done"]
_PART_ADDED, _PART_DONE = EVENTS["part-added"], EVENTS["part-done"]
_ARGS_DONE = EVENTS["arguments-done"]
# The events that close a content part's text.
_TEXT_DONE = (EVENTS["text-done"], EVENTS["refusal-done"])
_IN_ITEM = EVENTS.table("in-item")
_PART_EVENTS = EVENTS.all("in-part")
_GRAMMAR = {_CREATED, _QUEUED, _IN_PROGRESS, _ITEM_ADDED, _ITEM_DONE, *TERMINAL,
            *(e for events in _IN_ITEM.values() for e in events)}


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
    if kinds[:1] != [_CREATED]:
        return f"{_CREATED} first, got {kinds[0]} (event {events[0][0]})"
    position = 2 if kinds[1:2] == [_IN_PROGRESS] else 3 if kinds[1:3] == [_QUEUED, _IN_PROGRESS] else None
    if position is None:
        return f"{_IN_PROGRESS} right after {_CREATED}, got {kinds[1:3]}"
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
        if kind in (_CREATED, _QUEUED, _IN_PROGRESS):
            return f"{where} after the stream had started"
        if kind == _ITEM_ADDED:
            if item is not None:
                return f"{where} while output item {item.get('id')} is still open"
            if _index(p) not in (None, next_index):
                return f"{where} with output_index {p.get('output_index')}, expected {next_index}"
            item = sub(p, "item")
            part, part_text_done, args_done = None, False, False
            continue
        if item is None:
            return f"{where} outside an output item (no output_item.added before it)"
        if kind == _ITEM_DONE:
            if _index(p) not in (None, next_index):
                return f"{where} with output_index {p.get('output_index')}, expected {next_index}"
            if part is not None:
                return f"{where} while content part {part} is still open (no content_part.done)"
            if item.get("type") == "function_call" and not args_done:
                return f"{where} before {_ARGS_DONE}"
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
            if kind == _PART_ADDED:
                if part is not None:
                    return f"{where} while content part {part} is still open"
                part, part_text_done = p.get("content_index"), False
            elif kind == _PART_DONE:
                if part is None or p.get("content_index") != part:
                    return f"{where} for content part {p.get('content_index')}, which was never added"
                if not part_text_done:
                    return f"{where} before {_TEXT_DONE[0]} (or {_TEXT_DONE[1]}) of its part"
                part = None
            elif kind in _PART_EVENTS:
                if part is None or p.get("content_index") != part:
                    return f"{where} outside content part {p.get('content_index')} (no content_part.added)"
                if part_text_done:
                    return f"{where} after the part's text was done"
                part_text_done = kind in _TEXT_DONE
        elif item.get("type") == "function_call":
            if args_done:
                return f"{where} after {_ARGS_DONE}"
            args_done = kind == _ARGS_DONE
    if item is not None:
        return f"output item {item.get('id')} never done, and no terminal event"
    return "no terminal event (response.completed, .incomplete or .failed): the stream was cut"


# -- dependent probes ---------------------------------------------------------------------------
