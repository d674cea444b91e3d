"""Contract rules shared by every surface, as plain functions over exchanges and values.

Each raises Fail / Warn (llmconform.verdict) with what was expected and what arrived; the tests in
`tests/<surface>/` compose them into one check per id.
"""

from __future__ import annotations

import json
import re
from typing import Any

from llmconform import spec
from llmconform.exchange import Exchange
from llmconform.report.fingerprint import PERSONAS
from llmconform.verdict import expect, fail, warn

REASONING_MARKUP = re.compile(r"</?\s*(think|thinking|budget:thinking|reasoning|thought)\s*>", re.I)
SNAPSHOT = re.compile(r"^-?(\d{4}-?\d{2}-?\d{2}|\d{4}|latest|v\d+(\.\d+)*)$")


def status_ok(exchange: Exchange) -> None:
    """A 2xx answer; anything else fails with its first bytes."""
    exchange.complete()
    expect(exchange.status is not None and 200 <= exchange.status < 300, "a 2xx answer",
           f"status {exchange.status}: {exchange.excerpt()}", exchange=exchange)


def json_content_type(exchange: Exchange) -> None:
    expect(exchange.content_type == "application/json", "Content-Type application/json",
           exchange.headers.get("content-type", "(none)"), exchange=exchange)


def ok_json(exchange: Exchange) -> dict[str, Any]:
    """The answer of a request that must succeed: 2xx and a JSON object."""
    status_ok(exchange)
    return exchange.json_object()


def error_envelope(exchange: Exchange, surface: str, statuses: tuple[int, ...] | range,
                   what: str) -> dict[str, Any]:
    """The answer is one of `statuses` and its body is the surface's native error envelope."""
    exchange.complete()
    expect(exchange.status in statuses, f"{what}: status {_statuses(statuses)}",
           f"status {exchange.status}: {exchange.excerpt()}", exchange=exchange)
    expect(exchange.content_type == "application/json", f"{what}: an application/json error body",
           f"{exchange.headers.get('content-type', 'no content type')}: {exchange.excerpt()}", exchange=exchange)
    body = exchange.json()
    spec.load(surface).check("ErrorResponse", body, what=f"{what}: the {surface} error envelope")
    return body if isinstance(body, dict) else {}


def rejected(exchange: Exchange, surface: str, what: str) -> dict[str, Any]:
    """Invalid input: a 400 with the native envelope. A 2xx served it and a 5xx crashed on it (F);
    another 4xx, such as a framework's 422, is a rejection clients tolerate (W)."""
    exchange.complete()
    if exchange.status is not None and 200 <= exchange.status < 300:
        fail(f"{what} rejected with 400", f"status {exchange.status} (served): {exchange.excerpt()}",
             exchange=exchange)
    if exchange.status is not None and exchange.status >= 500:
        fail(f"{what} rejected with 400", f"status {exchange.status} (a server error, not a rejection): "
             f"{exchange.excerpt()}", exchange=exchange)
    body = error_envelope(exchange, surface, range(400, 500), what)
    if exchange.status != 400:
        warn(f"{what} rejected with 400, as the official API does", f"status {exchange.status}",
             exchange=exchange)
    return body


def _statuses(statuses: tuple[int, ...] | range) -> str:
    if isinstance(statuses, range):
        return f"{statuses.start}-{statuses.stop - 1}"
    return " or ".join(str(s) for s in statuses)


def no_reasoning_markup(text: str, where: str) -> None:
    match = REASONING_MARKUP.search(text or "")
    if match:
        start = max(match.start() - 20, 0)
        fail(f"no reasoning markup in {where}", f"{match.group(0)!r} in …{text[start:start + 120]}")


def model_echo(requested: Any, answered: Any) -> None:
    """The answered model is the requested one or a dated snapshot of it (W otherwise)."""
    if not isinstance(answered, str) or not answered:
        fail("a model name in the answer", answered)
    if answered == requested or (isinstance(requested, str) and answered.startswith(requested)
                                 and SNAPSHOT.match(answered[len(requested):])):
        return
    warn(f"model {requested!r} (or a dated snapshot of it) echoed", answered, requested=requested,
         answered=answered)


def usage_numbers(usage: Any, fields: tuple[str, ...], total: str | None, parts: tuple[str, ...]) -> dict[str, int]:
    """Non-negative integers, and the total equal to the sum of its parts."""
    expect(isinstance(usage, dict), "a usage object", usage)
    numbers = {}
    for name in fields:
        value = usage.get(name)
        expect(isinstance(value, int) and not isinstance(value, bool) and value >= 0,
               f"usage.{name} a non-negative integer", value)
        numbers[name] = value
    if total:
        expect(numbers[total] == sum(numbers[p] for p in parts),
               f"usage.{total} = {' + '.join(f'usage.{p}' for p in parts)}",
               {k: numbers[k] for k in (total, *parts)})
    return numbers


def within_limit(produced: int | None, limit: int, name: str) -> None:
    expect(isinstance(produced, int), f"output tokens reported in usage (to hold against {name})", produced)
    expect(produced is not None and produced <= limit, f"output tokens <= {name} = {limit}", produced)


def unknown_parameters(surface: str, schema: str, body: Any) -> None:
    """Parameters the API does not define: a typo a provider silently ignores (W)."""
    if not isinstance(body, dict):
        return
    known = spec.load(surface).properties(schema)
    unknown = sorted(set(body) - known)
    if unknown:
        warn(f"only parameters {schema} defines", f"unknown parameter(s) {', '.join(unknown)}", unknown=unknown)


def undeclared_fields(surface: str, schema: str, value: Any, what: str) -> None:
    """Fields beyond the official shape (relay extensions): a backend fingerprint (W)."""
    if not isinstance(value, dict):
        return
    extra = sorted(set(value) - spec.load(surface).properties(schema))
    if extra:
        warn(f"only the fields {schema} declares in {what}", f"extra field(s) {', '.join(extra)}", extra=extra)


def no_persona(text: str) -> None:
    """An agent persona nobody asked for: the provider injected a system prompt (W)."""
    match = PERSONAS.search(text or "")
    if match:
        warn("an answer without an injected agent persona", match.group(0))


def id_prefix(value: Any, prefixes: tuple[str, ...], what: str) -> None:
    """Ids shaped as the official API shapes them; another API's prefix betrays the backend (W)."""
    expect(isinstance(value, str) and value, f"{what} a non-empty string", value)
    if not str(value).startswith(prefixes):
        warn(f"{what} starting with {' or '.join(prefixes)}", value)


def error_kind(value: Any, status: int | None, kinds: dict[int, str], what: str, **context: Any) -> None:
    """An error's kind (Anthropic `error.type`, Gemini `error.status`) is the one the API pairs with
    the HTTP status; statuses the table does not list are not judged."""
    wanted = kinds.get(status) if status is not None else None
    if wanted is not None:
        expect(value == wanted, f"{what} {wanted!r} for status {status}", value, **context)


HIDDEN_PROMPT_FLOOR = 200


def input_tokens_plausible(request_body: Any, reported: Any) -> None:
    """Input tokens far above what the request needs betray a prompt the provider added (W).

    A generous bound, so that chat templates and tokenizers never trip it: five times a third of
    the request's JSON length, and at least 200. An agent's injected system prompt is thousands.
    """
    if not isinstance(reported, int) or isinstance(reported, bool):
        return  # the usage checks report a missing or mistyped count
    estimate = len(json.dumps(request_body, ensure_ascii=False)) // 3
    bound = max(HIDDEN_PROMPT_FLOOR, 5 * estimate)
    if reported > bound:
        warn(f"input tokens near what the request needs (at most {bound} for a {estimate}-token estimate)",
             f"{reported} input tokens: a hidden system prompt?", reported=reported, bound=bound)
