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
from llmconform.fingerprint import PERSONAS
from llmconform.verdict import (
    ExtraFields,
    Fail,
    SchemaViolation,
    Undelivered,
    UnknownParameters,
    Warn,
    expect,
    fail,
    skip,
    warn,
)

# The library a check in tests/ may import, and nothing else (selftest/test_layers.py holds tests/ to
# it): module -> the names it may take from it, "*" for every public one. The rest (the target, the
# client, the plugin, rows) is the suite's machinery, free to change under the checks.
CHECK_API: dict[str, tuple[str, ...]] = {
    "llmconform.checks": ("*",),
    "llmconform.spec": ("*",),
    "llmconform.surfaces": ("*",),
    "llmconform.surfaces.*": ("*",),
    "llmconform.verdict": ("expect", "fail", "warn", "skip", "Error", "Fail", "Warn", "Skip", "SchemaViolation",
                           "ExtraFields", "UnknownParameters"),
    "llmconform.exchange": ("Exchange", "Sequence"),  # a sequence probe's fixture: its steps' exchanges
    "llmconform.fixtures": ("for_surface", "probe", "fixture_name", "measure", "native_error", "native_rejected",
                            "invalid_cases", "effect_cases", "priced"),
    "llmconform.sdk": ("*",),
    "llmconform.fuzz": ("run_phase",),
}

REASONING_MARKUP = re.compile(r"</?\s*(think|thinking|budget:thinking|reasoning|thought)\s*>", re.I)
SNAPSHOT = re.compile(r"^-?(\d{4}-?\d{2}-?\d{2}|\d{4}|latest|v\d+(\.\d+)*)$")


def status_ok(exchange: Exchange) -> None:
    """A complete 2xx answer. Anything else is the exchange's outcome (refused, cut, timed out),
    owned by one check: the others reading this exchange are left undecided, naming it."""
    exchange.answered()


def need(condition: object, expected: str, received: Any = None, *, owner: str, exchange: Exchange,
         **context: Any) -> None:
    """What the rule reads is there (a tool call to inspect, a usage chunk to add up). When it is
    not, `owner` (a check id below the surface, e.g. `tools/forced-call`) fails for it, once; any
    other check that needs it is left undecided and names the owner."""
    if condition:
        return
    request = exchange.request
    raise Undelivered(expected, received, cause=f"{request.surface}|need|{request.probe}|{expected}",
                      summary=f"the {request.surface} {request.probe} answer lacks {expected}", owner=owner,
                      exchange=exchange, **context)


def json_content_type(exchange: Exchange) -> None:
    expect(exchange.content_type == "application/json", "Content-Type application/json",
           exchange.headers.get("content-type", "(none)"), exchange=exchange)


def ok_json(exchange: Exchange) -> dict[str, Any]:
    """The answer of a request that must succeed: 2xx and a JSON object."""
    status_ok(exchange)
    return exchange.json_object()


def envelope_departures(surface: str, body: Any, what: str, schema: str = "ErrorResponse") -> list[str]:
    """The one rule for an error body on a surface, as its spec declares it: `schema` is the
    official envelope. A body that is not the envelope at all fails; one that departs from it in
    ways the official SDKs still read (the spec's `<schema>Tolerated`: an integer `code`, no
    `param`) returns those departures, for a warning."""
    definitions = spec.load(surface)
    problems = definitions.errors(schema, body)
    if not problems:
        return []
    tolerated = f"{schema}Tolerated"
    if tolerated in definitions.schemas and not definitions.errors(tolerated, body):
        return problems
    raise Fail(f"{what}: the {surface} error envelope ({schema})", "; ".join(problems),
               context=SchemaViolation(schema=schema, violations=tuple(problems)))


def error_envelope(exchange: Exchange, surface: str, statuses: tuple[int, ...] | range, what: str, *,
                   departures: list[str] | None = None, schema: str = "ErrorResponse") -> dict[str, Any]:
    """The answer is one of `statuses` and its body is the surface's native error envelope. Departures
    the SDKs tolerate warn here, or are added to `departures` for the caller to report."""
    exchange.complete()
    if exchange.status not in statuses:
        _server_error(exchange, f"{what}: status {_statuses(statuses)}")
    expect(exchange.status in statuses, f"{what}: status {_statuses(statuses)}",
           f"status {exchange.status}: {exchange.excerpt()}", exchange=exchange)
    expect(exchange.content_type == "application/json", f"{what}: an application/json error body",
           f"{exchange.headers.get('content-type', 'no content type')}: {exchange.excerpt()}", exchange=exchange)
    body = exchange.json()
    found = envelope_departures(surface, body, what, schema)
    if found:
        message = f"the official {surface} error envelope (code a string or null, param present)"
        if departures is None:
            raise Warn(f"{what}: {message}", "; ".join(found), context=SchemaViolation(violations=tuple(found)),
                       exchange=exchange)
        departures += found
    return body if isinstance(body, dict) else {}


def _server_error(exchange: Exchange, expected: str) -> None:
    """A 5xx where a refusal was expected is an answer-level outcome: the same 500 to a request that
    should have succeeded is one problem with it. Two refusal probes crashing alike stay two (each
    is its own rule): the cause names the probe after `#`, which the merge of root causes reads."""
    if exchange.status is None or exchange.status < 500:
        return
    undelivered = exchange.undelivered(expected, f"status {exchange.status} (a server error, not a rejection): "
                                       f"{exchange.excerpt()}", exchange.outcome)
    undelivered.cause += f"#{exchange.request.probe}"
    raise undelivered


def rejected(exchange: Exchange, surface: str, what: str, *, schema: str = "ErrorResponse") -> dict[str, Any]:
    """Invalid input: a 400 with the native envelope. A 2xx served it and a 5xx crashed on it (F);
    another 4xx, such as a framework's 422, is a rejection clients tolerate (W), as is an envelope
    that departs from the official one in ways the SDKs read."""
    exchange.complete()
    if exchange.status is not None and 200 <= exchange.status < 300:
        fail(f"{what} rejected with 400", f"status {exchange.status} (served): {exchange.excerpt()}",
             exchange=exchange)
    _server_error(exchange, f"{what} rejected with 400")
    departures: list[str] = []
    body = error_envelope(exchange, surface, range(400, 500), what, departures=departures, schema=schema)
    if exchange.status != 400:
        departures.insert(0, f"status {exchange.status}")
    if departures:
        warn(f"{what} rejected with 400 and the official envelope, as the official API does",
             "; ".join(departures), exchange=exchange)
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
    """The answered model is the requested one, a dated snapshot of it, or what an official alias
    resolves to (W otherwise)."""
    if not isinstance(answered, str) or not answered:
        fail("a model name in the answer", answered)
    if answered == requested or (isinstance(requested, str) and (
            (answered.startswith(requested) and SNAPSHOT.match(answered[len(requested):]))
            or resolves(requested, answered))):
        return
    warn(f"model {requested!r} (or a dated snapshot of it) echoed", answered, requested=requested,
         answered=answered)


def resolves(alias: str, answered: str) -> bool:
    """Whether `answered` is what an official moving alias names. The official APIs answer an alias
    with the model it points to today: `claude-3-5-sonnet-latest` → `claude-3-5-sonnet-20241022` and
    `claude-sonnet-4-0` → `claude-sonnet-4-20250514` (Anthropic docs, Models overview, model aliases);
    `gemini-flash-latest` → `gemini-2.5-flash-preview-09-2025` (Gemini API docs, Models, latest
    aliases). Which version is current is not machine-readable, so every word of the alias but
    `latest` (a trailing `-0`: the major version alone) must be in the answered name: the same family,
    any version of it."""
    if alias.endswith("-latest"):
        words = alias.removesuffix("-latest").split("-")
    elif alias.endswith("-0"):
        words = alias.removesuffix("-0").split("-")
    else:
        return False
    return bool(words) and set(words) <= set(answered.split("-"))


def follows(answer: str, word: str, expected: str) -> None:
    """A prompt that asks for `word` (a system prompt, the earlier turns) steers the answer: W when
    the answer ignores it — accepted is not honoured, and a small model may still miss it."""
    if word not in answer.lower():
        warn(expected, answer)


def effect_shown(exchange: Exchange, answer: str, effect: dict[str, Any], field: str) -> None:
    """A field's (or a content part's) effect shows in an answer that came back: the answer repeats
    a word the content carried (`says`), is a JSON object holding a key (`json-key`), carries a
    value at a path (`present`: dotted, list indexes as numbers), or echoes the request's value of
    a field (`echo`). W when it does not — accepted is not honoured, but a weak model may miss a
    fact, so the evidence never makes it a FAIL."""
    ignored = f"{field} accepted but without its effect"
    if "says" in effect:
        word = str(effect["says"])
        if word.lower() not in answer.lower():
            warn(f"the answer to repeat {word!r} ({field} reached the model)", f"{ignored}? {answer[:200]!r}",
                 exchange=exchange)
    if "json-key" in effect:
        key = str(effect["json-key"])
        try:
            parsed = json.loads(answer)
        except ValueError:
            parsed = None
        if not (isinstance(parsed, dict) and key in parsed):
            warn(f"a JSON object with the key {key!r} ({field})", f"{ignored}? {answer[:200]!r}", exchange=exchange)
    data = exchange.json() if {"present", "echo"} & set(effect) else None
    if "present" in effect:
        found: Any = data
        for step in str(effect["present"]).split("."):
            found = (found[int(step)] if isinstance(found, list) and step.isdigit() and int(step) < len(found)
                     else found.get(step) if isinstance(found, dict) else None)
        if found in (None, [], {}, ""):
            warn(f"{effect['present']} in the answer ({field})", f"{ignored}: {found!r}", exchange=exchange)
    if "echo" in effect:
        name = str(effect["echo"])
        sent = exchange.request.body.get(name) if isinstance(exchange.request.body, dict) else None
        echoed = data.get(name) if isinstance(data, dict) else None
        if echoed != sent:
            warn(f"{name} echoed as sent ({sent!r})", f"{ignored}: {echoed!r}", exchange=exchange)


def unique_ids(ids: list[Any], what: str) -> None:
    """Ids a client matches answers by (tool call ids, listed ids): non-empty strings, none twice."""
    expect(all(isinstance(i, str) and i for i in ids) and len(set(ids)) == len(ids), f"non-empty unique {what}", ids)


def usage_object(exchange: Exchange, surface: str) -> dict[str, Any]:
    """The usage object of a 200 answer, at the field its spec names first (`x-llmconform-usage`
    `at`: `usage`, Gemini's `usageMetadata`)."""
    field = spec.usage(surface).at[0]
    found = spec.dig(ok_json(exchange), field)
    expect(isinstance(found, dict), f"a {field} object", found)
    return dict(found)


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


# Unix seconds stay below 1e11 until the year 5138; a time in milliseconds is above 1e12 since 2001.
MILLISECONDS_FROM = 10**11


def unix_seconds(value: Any, what: str) -> None:
    """A timestamp the official API gives in Unix seconds is an integer in seconds, not milliseconds
    (a relay that writes JavaScript's Date.now() shows dates 1000 times later)."""
    expect(isinstance(value, int) and not isinstance(value, bool), f"{what} an integer (Unix seconds)", value)
    expect(value < MILLISECONDS_FROM, f"{what} in Unix seconds (below {MILLISECONDS_FROM:.0e}; this is milliseconds)",
           value)


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
        warn(f"only parameters {schema} defines", f"unknown parameter(s) {', '.join(unknown)}",
             context=UnknownParameters(unknown=tuple(unknown)))


def undeclared_fields(surface: str, schema: str, value: Any, what: str) -> None:
    """Fields beyond the official shape (relay extensions): a backend fingerprint (W)."""
    if not isinstance(value, dict):
        return
    extra = sorted(set(value) - spec.load(surface).properties(schema))
    if extra:
        warn(f"only the fields {schema} declares in {what}", f"extra field(s) {', '.join(extra)}",
             context=ExtraFields(extra=tuple(extra)))


def nulls_kept(surface: str, schema: str, body: Any) -> None:
    """Warn when `body` leaves out keys the official definition requires although they may be null
    (a relay dropping nulls on re-serialisation): no SDK breaks, but the answer is not the API's."""
    absent = spec.load(surface).absent_nullable(schema, body)
    if absent:
        warn("every key the official definition requires present, null where it has no value",
             f"absent: {', '.join(absent[:8])}", schema=schema, absent=absent)


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


def error_kind(body: Any, status: int | None, surface: str, what: str, *, schema: str = "ErrorResponse",
               exchange: Exchange | None = None) -> None:
    """An error's kind (Anthropic `error.type`, Gemini `error.status`) is one the API pairs with
    the HTTP status, as the surface's error schema declares (`x-llmconform-by-status`); statuses
    the table does not list are not judged."""
    path, table = spec.load(surface).by_status(schema)
    wanted = table.get(status) if status is not None else None
    if wanted:
        shown = repr(wanted[0]) if len(wanted) == 1 else " or ".join(wanted)
        value = spec.dig(body, path)
        expect(value in wanted, f"{what}: {path} {shown} for status {status}", value, exchange=exchange)


def official_id(value: Any, surface: str, schema: str, what: str, field: str = "id") -> None:
    """`id_prefix` with the prefixes the spec gives the id (`x-llmconform-id-prefix`)."""
    id_prefix(value, spec.load(surface).id_prefixes(schema, field), what)


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


def stream_answered(exchange: Exchange) -> None:
    """A stream request answered 200 with `text/event-stream`, judged on what arrived first (status
    and headers): a stream cut later still met this rule. Refused, or answered with something else
    than a stream, is the exchange's outcome, owned here once."""
    exchange.require()
    outcome = exchange.outcome
    if exchange.status is None:
        raise exchange.undelivered("an answer", outcome.text, outcome)
    if not 200 <= exchange.status < 300:
        raise exchange.undelivered("status 200", f"{exchange.status}: {exchange.excerpt()}", outcome)
    received = f"{exchange.headers.get('content-type', '(none)')}: {exchange.excerpt()}"
    if not exchange.is_event_stream:
        if outcome.kind == "not-a-stream":
            raise exchange.undelivered("Content-Type text/event-stream", received, outcome)
        fail("Content-Type text/event-stream", received, exchange=exchange)
    expect(exchange.status == 200, "status 200", f"{exchange.status}: {exchange.excerpt()}", exchange=exchange)


def stream_utf8(exchange: Exchange) -> None:
    """Valid UTF-8 throughout. Bad bytes among those that arrived break the rule whatever came
    after; with none, the rule needs the whole stream."""
    exchange.require()
    offset = exchange.framing.invalid_utf8_at if exchange.framing else None
    expect(offset is None, "valid UTF-8 throughout", f"invalid UTF-8 at byte {offset}", exchange=exchange)
    exchange.stream_events()


# -- usage against what was answered -------------------------------------------------------------

_PIECES = re.compile(r"[A-Za-z]+|\d|[^\sA-Za-z\d]")
ESTIMATE_SLACK = 0.5  # ±50 %: tokenizers differ, the estimate is rough
ESTIMATE_FLOOR = 4  # and a few tokens either way (end-of-turn, a template's markers)


def estimate_tokens(text: str) -> int:
    """A tokenizer-free estimate of the tokens of a text: a Latin word per six letters, every digit,
    punctuation mark and non-Latin character one — near what BPE tokenizers give, for any model."""
    count = 0
    for piece in _PIECES.findall(text or ""):
        count += -(-len(piece) // 6) if piece.isascii() and piece.isalpha() else 1
    return count


def usage_consistent(input_tokens: Any, output_tokens: Any, text: str, *, reasoning_tokens: Any = None,
                     where: str = "usage", thinking_shown_in_part: bool = False) -> None:
    """The one rule for usage against the answer, streamed or not: input tokens above 0 for a
    prompt sent, output tokens above 0 when text came back (F); output tokens within ±50 % of the
    text's estimate, reasoning tokens aside (W: a heuristic, as token counts are). With
    `thinking_shown_in_part` (Anthropic's thinking: Claude 4 models return a summary of the thinking,
    or a redacted block, and bill the full thinking — Anthropic docs, Extended thinking, summarized
    thinking: "the billed output token count will not match the count of tokens you see"), only the
    lower bound holds."""
    expect(isinstance(input_tokens, int) and not isinstance(input_tokens, bool) and input_tokens > 0,
           f"{where}: input tokens above 0 for the prompt that was sent", input_tokens)
    if not (text or "").strip():
        return
    expect(isinstance(output_tokens, int) and not isinstance(output_tokens, bool) and output_tokens > 0,
           f"{where}: output tokens above 0 beside the text that came back", f"{output_tokens} beside {text[:80]!r}")
    assert isinstance(output_tokens, int)
    visible = output_tokens - (reasoning_tokens if isinstance(reasoning_tokens, int) else 0)
    estimate = estimate_tokens(text)
    low = int(estimate * (1 - ESTIMATE_SLACK)) - ESTIMATE_FLOOR
    high = int(estimate * (1 + ESTIMATE_SLACK)) + ESTIMATE_FLOOR if not thinking_shown_in_part else visible
    if not low <= visible <= high:
        warn(f"{where}: output tokens near the text's estimate ({low}..{high} for about {estimate})",
             f"{visible} output tokens for {len(text)} characters: {text[:60]!r}", estimate=estimate,
             reported=visible)


# -- every error answer of a surface -------------------------------------------------------------

_FUZZ_PROBES = ("positive:", "negative:", "example:")
INTERNALS = re.compile("|".join((
    r"Traceback \(most recent call last\)",
    r"File \"[^\"]+\", line \d+",
    r"\bat [\w.$<>]+\([\w$]+\.(?:java|kt|scala|cs):\d+\)",
    r"goroutine \d+ \[\w+",
    r"\bpanic: ",
    r"Exception in thread \"",
    r"(?:^|[\s\"'(=])(?:/usr|/home|/opt|/var|/srv|/app|/root|/tmp)/[\w.\-]+/[\w./\-]+",
    r"[A-Za-z]:\\\\?[\w.\-]+\\\\?[\w.\-]+",
    r"(?:site-packages|dist-packages|node_modules)/[\w./\-]+",
    r"\b[\w\-/]+\.(?:py|js|ts|go|rb|php|java|rs|cpp|cc)(?::\d+|\", line \d+)",
    r"'\w+' object (?:has no attribute|is not (?:iterable|subscriptable|callable))",
    r"\w+\(\) (?:missing \d+ required positional argument|got an unexpected keyword argument)",
)))


def error_answers(exchanges: list[Exchange], surface: str, *, judged: bool) -> list[Exchange]:
    """The answers with an error status (4xx/5xx) a run got on a surface: with `judged`, all of
    them; without, only those no other check holds to the envelope (probes that must be refused and
    the schemathesis cases judge their own)."""
    found = []
    for exchange in exchanges:
        request = exchange.request
        if request.surface != surface or exchange.status is None or exchange.status < 400:
            continue
        if not judged and (request.refusal_expected or request.probe.startswith(_FUZZ_PROBES)):
            continue
        found.append(exchange)
    return found


def native_envelopes(exchanges: list[Exchange], surface: str, schema: str = "ErrorResponse") -> None:
    """Every error answer carries the surface's native envelope, whatever its status (F: a 404 of
    `{"detail": …}`; W: a departure the SDKs read, as the one envelope rule says)."""
    # None at all is the rule met: every request that should have succeeded did.
    departures: list[str] = []
    for exchange in exchanges:
        where = f"status {exchange.status} to {exchange.request.probe}"
        if exchange.content_type != "application/json":
            fail(f"{where}: an application/json body with the {surface} error envelope",
                 f"{exchange.headers.get('content-type', 'no content type')}: {exchange.excerpt()}", exchange=exchange)
        try:
            body = json.loads(exchange.body)
        except (ValueError, UnicodeDecodeError):
            fail(f"{where}: a JSON error envelope", exchange.excerpt(), exchange=exchange)
        try:
            departures += [f"{where}: {d}" for d in envelope_departures(surface, body, where, schema)]
        except Fail as exc:
            exc.exchange = exchange
            raise
    if departures:
        warn(f"the official {surface} error envelope on every error answer", "; ".join(departures[:3]),
             context=SchemaViolation(violations=tuple(departures)))


def unknown_path_envelope(exchange: Exchange, surface: str, schema: str = "ErrorResponse") -> None:
    """A request to a path no API has comes back 404 in the surface's native envelope (W: a
    framework's `{"detail": "Not Found"}`, an HTML page, a 200; no official operation documents an
    unknown path, so this is a SHOULD). Not sent or not recorded: nothing to read."""
    if exchange.outcome.kind == "undecided" or exchange.status is None:
        return
    where = f"status {exchange.status} to {exchange.request.method} {exchange.request.path} (an unknown path)"
    expected = f"404 with the {surface} error envelope for a path no API has"
    if exchange.status != 404:
        warn(expected, f"{where}: {exchange.excerpt()}", exchange=exchange)
    if exchange.content_type != "application/json":
        warn(expected, f"{where}, {exchange.headers.get('content-type', 'no content type')}: {exchange.excerpt()}",
             exchange=exchange)
    try:
        found = envelope_departures(surface, json.loads(exchange.body), where, schema)
    except (ValueError, UnicodeDecodeError):
        found = [f"not JSON: {exchange.excerpt()}"]
    except Fail as exc:
        found = [str(exc.received)]
    if found:
        warn(expected, f"{where}: {'; '.join(found)}", exchange=exchange)


def no_internals(exchanges: list[Exchange]) -> None:
    """No error body shows the server's insides: a stack trace, a source file path, a raw exception
    of the language it is written in (W: an information leak, and a sign the error went unhandled)."""
    if not exchanges:
        skip("no error answer in this run: nothing to read")
    for exchange in exchanges:
        text = exchange.body[:20000].decode("utf-8", errors="replace").replace("\\n", "\n").replace('\\"', '"')
        match = INTERNALS.search(text)
        if match:
            start = max(match.start() - 40, 0)
            warn("error bodies without stack traces, file paths or raw exceptions",
                 f"status {exchange.status} to {exchange.request.probe}: …{text[start:match.end() + 60]}",
                 exchange=exchange)
