"""openai-responses: POST /v1/responses.

Helpers the checks share: the text of a Response (every `output_text` part of its message items),
the streamed text (the joined `response.output_text.delta` events), and the dependent probes (the
function_call answered by a function_call_output). The stream's event grammar is responses_stream.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from llmconform import checks, factory, spec
from llmconform.exchange import Exchange, Request
from llmconform.surfaces import Dependent, Steer, Surface, billing_builders, common_builders, ends_with, register, sub
from llmconform.surfaces.responses_stream import EVENTS, TERMINAL, TEXT_DELTA
from llmconform.verdict import Error, ExtraFields, expect, warn

if TYPE_CHECKING:
    from llmconform.exchange import Exchange
    from llmconform.sse import Event
    from llmconform.surfaces import Probing

NAME = "openai-responses"
PATH = "/v1/responses"
TOOL_OUTPUT = '{"location": "Paris", "temperature_c": 18, "conditions": "sunny"}'


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


def answered_text(exchange: Exchange, what: str) -> str:
    """The visible text of an answer that must succeed: a response whose output items hold text, not
    a limit spent on reasoning (the request is described as `what` in the verdicts)."""
    data = checks.ok_json(exchange)
    answer_shape(data, what)
    limit_spent_on_reasoning(data, exchange.request.output_limit)
    found = output_text(data)
    expect(found.strip(), f"a non-empty answer to {what}", data.get("output"))
    return found


def usage(data: Any) -> dict[str, Any]:
    value = data.get("usage") if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def reasoning_tokens(data: Any) -> Any:
    details = usage(data).get("output_tokens_details")
    return details.get("reasoning_tokens") if isinstance(details, dict) else None


def reasoning_within_output(data: Any) -> int:
    """`output_tokens_details.reasoning_tokens`, held to being a non-negative integer no larger
    than `output_tokens` (reasoning is part of the output), the rule every answer's usage keeps."""
    spent, output = reasoning_tokens(data), usage(data).get("output_tokens")
    expect(isinstance(spent, int) and spent >= 0,
           "usage.output_tokens_details.reasoning_tokens a non-negative integer", data.get("usage"))
    expect(isinstance(output, int) and spent <= output, "reasoning_tokens <= output_tokens",
           {"reasoning_tokens": spent, "output_tokens": output})
    return int(spent)


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
        warn(f"only the fields the official {schema} has in {what}", received, context=ExtraFields(extra=tuple(extra)))


def item_id_prefixes() -> dict[str, str]:
    """The official id prefix of each output item type, in the order OutputItem lists them: each
    branch whose `type` is a const and whose `id` declares `x-llmconform-id-prefix`."""
    definitions = spec.load(NAME)
    found: dict[str, str] = {}
    for branch in definitions.node("OutputItem").get("oneOf", []):
        name = str(branch.get("$ref", "")).rsplit("/", 1)[-1]
        kind = definitions.node(name, "type").get("const")
        try:
            prefixes = definitions.id_prefixes(name) if "id" in definitions.properties(name) else ()
        except KeyError:
            prefixes = ()
        if isinstance(kind, str) and len(prefixes) == 1:
            found[kind] = prefixes[0]
    return found


def _who_adds(prop: dict[str, Any]) -> str:
    lines = str(prop.get("description", "")).strip().splitlines() or [""]
    return lines[0].removeprefix("Relay extension").lstrip(" ,:;—-")[:100]


# -- a stream -----------------------------------------------------------------------------------


def event_text(data: Any) -> str:
    """The visible text one stream event carries: the delta of response.output_text.delta."""
    if isinstance(data, dict) and data.get("type") == TEXT_DELTA and isinstance(data.get("delta"), str):
        return data["delta"]
    return ""


def stream_ended(events: list[Event]) -> bool:
    """A Responses stream is over once it sent a terminal event (response.completed, .incomplete,
    .failed) or an error event: closed before any of them, it was cut."""
    return ends_with(events, EVENTS.all("ends"))


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
        elif kind == EVENTS["text-done"]:
            part(p).done_text = p.get("text")
        elif kind == EVENTS["part-done"] and isinstance(p.get("part"), dict) \
                and p["part"].get("type") == "output_text":
            part(p).part_done_text = p["part"].get("text")
        elif kind == EVENTS["part-added"] and isinstance(p.get("part"), dict) \
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
        if kind == EVENTS["item-added"] and item.get("type") == "function_call":
            call(item.get("id"))["added"] = item
        elif kind == EVENTS["arguments-delta"] and isinstance(p.get("delta"), str):
            call(p.get("item_id"))["deltas"].append(p["delta"])
        elif kind == EVENTS["arguments-done"]:
            call(p.get("item_id"))["done"] = p.get("arguments")
        elif kind == EVENTS["item-done"] and item.get("type") == "function_call":
            call(item.get("id"))["item_done"] = item
    return calls


# -- the forced tool call -------------------------------------------------------------------------
# Answered with text instead of the call, the forced-call check fails (whatever the model); the
# other checks reading the call are left undecided.

def forced_calls(exchange: Exchange) -> list[dict[str, Any]]:
    """The function_call items of the answer to a forced tool call."""
    data = checks.ok_json(exchange)
    calls = output_items(data, "function_call")
    checks.need(calls, "a function_call item in output for the forced tool",
                [i.get("type") for i in output_items(data)] or data.get("output"), owner="tools/forced-call",
                exchange=exchange)
    return calls

def forced_call_names(exchange: Exchange) -> list[Any]:
    return [c.get("name") for c in forced_calls(exchange)]


def streamed_forced_calls(exchange: Exchange) -> tuple[list[dict[str, Any]], dict[Any, dict[str, Any]]]:
    """(the events' payloads, at least one; the function calls rebuilt by item id) of a streamed
    forced tool call."""
    payloads = [data for _, data in exchange.data_events() if isinstance(data, dict)]
    expect(payloads, "at least one event", exchange.excerpt())
    calls = streamed_calls(payloads)
    checks.need(calls, "a streamed function_call item for the forced tool", [p.get("type") for p in payloads][:12],
                owner="stream-tools/forced-call", exchange=exchange)
    return payloads, calls

def streamed_call_names(exchange: Exchange) -> list[Any]:
    return [(c["added"] or c["item_done"] or {}).get("name") for c in streamed_forced_calls(exchange)[1].values()]




def _as_items(value: Any) -> list[Any]:
    """`input` as a list of items (a string input is one user message)."""
    if isinstance(value, str):
        return [{"role": "user", "content": value}]
    return list(value) if isinstance(value, list) else []


INPUT_TOKENS_PATH = "/v1/responses/input_tokens"


def _billing_count(target: Probing) -> Request:
    """billing-plain's input counted: the fields of it InputTokenCountRequest takes."""
    plain = target.request(NAME, "billing-plain")
    taken = spec.load(NAME).properties("InputTokenCountRequest")
    return factory.request(NAME, "billing-count", model=target.model(NAME), operation=INPUT_TOKENS_PATH,
                           body={k: v for k, v in plain.body.items() if k in taken})


def _spec_conversation(target: Probing) -> Request:
    """The spec's own function-call-output conversation, sent as the forced-call probe is."""
    # The spec's entry as written (no profile's request, no reasoning setting added to it).
    static = factory.body_of(NAME, PATH, "function-call-output", target.model(NAME), least_reasoning=False)
    return replace(target.request(NAME, "tools-forced"), probe="function-call-output", body=static)


def _function_call_output(first: Request, forced: Exchange) -> Request | None:
    """The forced call answered: the original input, the function_call item the provider returned,
    and a function_call_output with its call_id (none without a usable call: the forced-call check
    says why, and the spec's own conversation is sent instead)."""
    try:
        calls = output_items(json.loads(forced.body), "function_call")
    except (ValueError, UnicodeDecodeError):
        calls = []
    if not calls or not isinstance(calls[0].get("call_id"), str) or not calls[0]["call_id"]:
        return None
    call = calls[0]
    # The item without its id: passed back with it, a reasoning model also wants its reasoning item.
    item = {"type": "function_call", "call_id": call["call_id"], "name": call.get("name") or "get_weather",
            "arguments": call.get("arguments") if isinstance(call.get("arguments"), str) else "{}"}
    body = {k: v for k, v in first.body.items() if k != "tool_choice"}
    body["input"] = [*_as_items(first.body.get("input")), item,
                     {"type": "function_call_output", "call_id": call["call_id"], "output": TOOL_OUTPUT}]
    return replace(first, probe="function-call-output", body=body)


# -- issue 22: reasoning replayed statelessly, and what Codex sends ---------------------------------

COMPACT_PATH = "/v1/responses/compact"
REPLAY_FOLLOW_UP = "What is that number plus 1? Answer with the number only."
# Codex names itself in every request (openai/codex codex-rs/core/src/default_client.rs,
# DEFAULT_ORIGINATOR "codex_cli_rs"); a relay must let the header through.
CODEX_HEADERS = (("originator", "codex_cli_rs"),)


def _reasoning_replay(first: Request, answered: Exchange) -> Request:
    """store false: the whole history sent again — the first input, every output item as it came back
    (reasoning items with their encrypted_content), and a new user turn. Without an answer to replay
    the first input alone is sent with the new turn (the check reading it is then undecided)."""
    try:
        items = output_items(json.loads(answered.body)) if answered.status == 200 else []
    except (ValueError, UnicodeDecodeError):
        items = []
    replayed = [i for i in items if i.get("type") in ("reasoning", "message")]
    body = dict(first.body)
    body["input"] = [*_as_items(first.body.get("input")), *replayed, {"role": "user", "content": REPLAY_FOLLOW_UP}]
    return replace(first, probe="reasoning-replay", body=body)


def _codex(target: Probing) -> Request:
    """Codex's request (the spec's `codex` probe, or the profile's documented one), with the header
    Codex sends beside it."""
    return factory.request(NAME, "codex", model=target.model(NAME), operation=PATH,
                           config=target.surface_config(NAME), headers=CODEX_HEADERS)


def _compact(target: Probing) -> Request:
    return factory.request(NAME, "compact", model=target.model(NAME), operation=COMPACT_PATH,
                           config=target.surface_config(NAME), headers=CODEX_HEADERS)


SURFACE = register(Surface(
    name=NAME, path=PATH,
    builders={**common_builders(NAME),
              "function-call-output": Dependent("tools-forced", _function_call_output, _spec_conversation),
              "reasoning-replay": Dependent("reasoning-encrypted", _reasoning_replay),
              "codex": _codex, "compact": _compact,
              **billing_builders(NAME, _billing_count)},
    answer="the response", text=output_text, reasoning="reasoning", text_field="output_text",
    answered_text=answered_text, event_text=event_text, stream_end=stream_ended,
    forced_call_names=forced_call_names, streamed_call_names=streamed_call_names,
    steers=(Steer("instructions", "`instructions`", "a request with instructions", "pong",
                  "the answer to follow the instructions (reply pong)"),
            Steer("input-messages", "`input` as a list of messages (a developer message, then a user message of "
                  "input_text parts)", "a message-list input", "pong",
                  "the answer to follow the developer message (reply pong)")),
    sse=True, own=frozenset({"stream/text-nonempty"}),
))
