"""Schemathesis drives the specs: the documented examples, and bounded generated cases.

Schemathesis generates the cases (positive: valid by the schema; negative: invalid by it); the
requests go through the suite's own client so that budget, redaction, timings and recording
apply to them like to every other exchange. Cost is bounded: the model is forced to the
profile's, output limits are made small, `n` is 1, and each generated phase sends at most
`--fuzz-cases` requests (schemathesis' own default is 100 per phase and operation).
"""

from __future__ import annotations

import contextlib
import functools
import json
import zlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from llmconform import checks, factory, spec
from llmconform.exchange import Exchange, Request
from llmconform.fixtures import record_exchange
from llmconform.paths import cache_dir
from llmconform.settings import Mode
from llmconform.verdict import Fail, SchemaViolation, Skip, Warn

if TYPE_CHECKING:
    from llmconform.target import Target

# The most output an invalid case served anyway may ask for.
BOUND = 16
# What a generated case's key header holds: only the body is sent as generated.
_KEY = "generated"


def schema_names(surface: str, path: str) -> tuple[str, str]:
    """(request schema, 200 JSON response schema) of an operation, read from its $refs."""
    operation = spec.load(surface).operation(path).definition
    request = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    response = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    return request.rsplit("/", 1)[-1], response.rsplit("/", 1)[-1]


@functools.cache
def _operation(surface: str, path: str, features: frozenset[str]) -> Any:
    """The operation schemathesis draws from: without the request shapes the profile's features do
    not allow (`x-llmconform-feature`: no audio or file part to a server not declared to take them)."""
    import schemathesis

    return schemathesis.openapi.from_dict(spec.load(surface).without(features))[path]["POST"]


def _features(target: Target, surface: str) -> frozenset[str]:
    config = target.surface_config(surface)
    return frozenset(config.features) if config is not None else frozenset()


@functools.cache
def _defined(surface: str, path: str) -> frozenset[str]:
    """The parameters the surface's request defines: only those are added to a case."""
    return frozenset(spec.load(surface).properties(schema_names(surface, path)[0]))


@functools.cache
def fixed_headers(surface: str, path: str) -> dict[str, str]:
    """The header parameters of an operation, fixed (the key's as a placeholder, the others at
    their spec default): only the body is sent as generated, so only the body should vary."""
    definitions = spec.load(surface)
    headers = {}
    for param in definitions.operation(path).header_parameters(definitions.document):
        default = (param.get("schema") or {}).get("default")
        headers[str(param["name"])] = str(default) if default is not None else _KEY
    for scheme in definitions.document.get("components", {}).get("securitySchemes", {}).values():
        if scheme.get("type") == "http" and scheme.get("scheme") == "bearer":
            headers["authorization"] = f"Bearer {_KEY}"
        elif scheme.get("type") == "apiKey" and scheme.get("in") == "header":
            headers[str(scheme["name"])] = _KEY
    return headers


def _limit(surface: str, path: str) -> spec.OutputLimit | None:
    return spec.load(surface).operation(path).output_limit


def _cheap(body: Any, model: str, defined: frozenset[str], limit: spec.OutputLimit | None) -> Any:
    """The same request, made cheap: the profile's model, a small output limit (in the field the
    operation's spec names), one choice, no stream."""
    if not isinstance(body, dict):
        return body
    body = dict(body)
    if isinstance(body.get("model"), str) or "model" in body:
        body["model"] = model
    if limit is not None and "." in limit.field:
        body = _nested_capped(body, limit)
    elif limit is not None:
        names = (limit.field, *limit.also)
        for name in names:
            if name in body:
                body[name] = limit.cap
        if not any(name in body for name in names) and limit.field in defined:
            body[limit.field] = limit.cap
    if "n" in body:
        body["n"] = 1
    if "stream" in defined:
        body["stream"] = False
    return body


def _alias_spelled(body: Any, defined: frozenset[str]) -> bool:
    """A generated body using the snake_case spelling of a field the API also names in lowerCamelCase
    (Gemini's `generation_config`): a relay that reads only one spelling would not see the output cap
    put there, and the case's cost would be unbounded. Such bodies are not sent; the documented
    examples, which use that spelling, hold relays to it."""
    if not isinstance(body, dict):
        return False
    for name in body:
        head, *rest = str(name).split("_")
        if rest and head + "".join(w.capitalize() for w in rest) in defined:
            return True
    return False


def _spellings(limit: spec.OutputLimit) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A nested limit's object names and field names, in each spelling the spec gives
    (Gemini: generationConfig / generation_config, maxOutputTokens / max_output_tokens)."""
    pairs = [name.split(".", 1) for name in (limit.field, *limit.also)]
    return tuple(dict.fromkeys(p[0] for p in pairs)), tuple(dict.fromkeys(p[1] for p in pairs))


def _nested_capped(body: dict[str, Any], limit: spec.OutputLimit) -> dict[str, Any]:
    """A request whose limit sits in an object (Gemini's generationConfig) with the limit small and
    one candidate, in whichever spelling it uses (both at once would be a different request)."""
    holders, fields = _spellings(limit)
    name = next((n for n in holders if n in body), holders[0])
    config = body.get(name)
    if config is None or isinstance(config, dict):
        config = dict(config or {})
        config[next((k for k in fields if k in config), fields[0])] = limit.cap
        for count in ("candidateCount", "candidate_count"):
            if count in config:
                config[count] = 1
        body[name] = config
    return body


def examples(target: Target, surface: str, path: str) -> list[Request]:
    """The spec's documented requests, made cheap; on a replay also the vendor's own as documented
    (its documents' cassette holds those, a recorded run's cassette the cheap ones)."""
    kind = target.surface(surface)
    model = target.model(surface)
    operation = spec.load(surface).operation(path)
    features = _features(target, surface)
    requests = []
    for name, body in operation.examples.items():
        if spec.load(surface).undeclared(body, features):
            continue  # a documented audio or file part, to a profile that does not declare it
        variants = [(f"example:{name}", _cheap(body, model, _defined(surface, path), _limit(surface, path)),
                     spec.fill_model(path, model))]
        if target.mode == Mode.REPLAY and name.startswith(f"{target.name}-"):
            documented = operation.example_paths.get(name, spec.fill_model(path, model))
            variants.append((f"example:{name}:as-documented", body, documented))
        requests += [factory.request(surface, probe, model=model, operation=path, sent_to=sent_to, body=variant,
                                     headers=kind.default_headers) for probe, variant, sent_to in variants]
    return requests


def generated(target: Target, surface: str, path: str, *, negative: bool, count: int) -> list[Request]:
    """Up to `count` schemathesis cases, deterministic for a given spec."""
    from hypothesis import HealthCheck, Phase, given, seed, settings
    from hypothesis.configuration import set_hypothesis_home_dir
    from schemathesis.core.parameters import ParameterLocation
    from schemathesis.generation import GenerationMode

    # Hypothesis caches its Unicode tables in ./.hypothesis: the user's directory is not ours to write in.
    set_hypothesis_home_dir(cache_dir() / "hypothesis")
    features = _features(target, surface)
    operation = _operation(surface, path, features)
    request_schema, _ = schema_names(surface, path)
    definitions = spec.load(surface)
    mode = GenerationMode.NEGATIVE if negative else GenerationMode.POSITIVE
    bodies: list[Any] = []

    def collect(case: Any) -> None:
        if len(bodies) >= count:
            return
        if negative and (case.meta is None or case.meta.components.get(ParameterLocation.BODY) is None
                         or case.meta.components[ParameterLocation.BODY].mode != GenerationMode.NEGATIVE):
            return  # a negative header with a valid body is still a valid request
        raw = case.body
        if strip_aliases and isinstance(raw, dict):  # the second draw: the snake_case fields left out, not the case
            raw = {k: v for k, v in raw.items() if not _alias_spelled({k: v}, _defined(surface, path))}
        body = (_bounded(raw, target, surface, _defined(surface, path), _limit(surface, path)) if negative
                else _cheap(raw, target.model(surface), _defined(surface, path), _limit(surface, path)))
        try:
            json.dumps(body)
        except (TypeError, ValueError):
            return  # not expressible as a JSON body
        if _alias_spelled(body, _defined(surface, path)) or definitions.undeclared(body, features):
            return
        valid = not definitions.errors(request_schema, body, limit=1)
        if valid != negative and body not in bodies:
            bodies.append(body)

    # A seed of the operation, not of this code: the same spec gives the same cases across releases.
    # Should a draw yield no case at all (every case broke only a header, stayed valid, or used a
    # snake_case alias, as Gemini's negative draws may), one more, larger draw from the next seed with
    # the aliased fields left out of each case: still deterministic, and a phase whose first draw
    # had cases is never redrawn, so its verdicts stay what they were.
    base = zlib.crc32(f"{surface} {path} {mode.value}".encode())
    strip_aliases = False
    for attempt, examples_drawn in enumerate((max(count * 4, 8), max(count * 20, 40))):
        if bodies or not count:
            break
        strip_aliases = attempt > 0
        # Headers fixed: only the body is sent as generated, so only the body should vary.
        draw = seed(base + attempt)(settings(max_examples=examples_drawn, phases=[Phase.generate], database=None,
                                             deadline=None, suppress_health_check=list(HealthCheck))(
            given(operation.as_strategy(generation_mode=mode, headers=fixed_headers(surface, path)))(collect)))
        with _no_local_constants():
            draw()
    kind = target.surface(surface)
    label = "negative" if negative else "positive"
    return [factory.request(surface, f"{label}:{i}", model=target.model(surface), operation=path, body=body,
                            headers=kind.default_headers, refusal_expected=negative) for i, body in enumerate(bodies)]


@contextlib.contextmanager
def _no_local_constants() -> Iterator[None]:
    """Hypothesis mixes literals from the code it finds loaded (ours, the tests') into what it
    draws, so the same seed gave other cases whenever code or the set of loaded modules changed.
    Cases must depend on the spec and the seed alone: generate without them."""
    try:
        from hypothesis.internal.conjecture import providers
        empty = type(providers._local_constants)(
            integers=providers.SortedSet(), floats=providers.SortedSet(key=providers.float_to_int),
            bytes=providers.SortedSet(), strings=providers.SortedSet())
        original = providers._get_local_constants
    except (ImportError, AttributeError, TypeError):
        yield  # another hypothesis: cases may vary with the loaded code, nothing worse
        return
    providers.CONSTANTS_CACHE.cache.clear()
    providers._get_local_constants = lambda: empty
    try:
        yield
    finally:
        providers._get_local_constants = original
        providers.CONSTANTS_CACHE.cache.clear()


def _bounded(body: Any, target: Target, surface: str, defined: frozenset[str],
             limit: spec.OutputLimit | None) -> Any:
    """An invalid body kept invalid but bounded in cost if a lax server serves it anyway: the
    profile's model, valid output limits made small (a small one added where the surface defines
    one and the case has none). Sent non-streamed unless the case itself streams: a relay whose
    streaming is broken must not turn "400 for invalid input" into "500 for a stream"."""
    if not isinstance(body, dict):
        return body
    body = dict(body)
    if isinstance(body.get("model"), str):
        body["model"] = target.model(surface)
    if limit is not None and "." in limit.field:
        holder, field = limit.field.split(".", 1)
        config = body.get(holder)
        if isinstance(config, dict):
            given = spec.count(config.get(field))
            if (given is not None and given > BOUND) or not any(name in config for name in _spellings(limit)[1]):
                body[holder] = {**config, field: BOUND}
        elif holder not in body and holder in defined:
            # No cap at all: LiteLLM serves such a case (unknown keys and all) and the model writes to
            # the end of its context. A valid cap beside the invalid part keeps the case invalid and cheap.
            body[holder] = {field: BOUND}
    elif limit is not None:
        names = (limit.field, *limit.also)
        for name in names:
            if spec.count(body.get(name)) is not None and body[name] > BOUND:
                body[name] = BOUND
        if not any(name in body for name in names) and limit.field in defined:
            body[limit.field] = BOUND
    if "stream" in defined and body.get("stream") is not True:
        body["stream"] = False
    return body


def send_all(target: Target, requests: list[Request]) -> list[Exchange]:
    # One after the other: a gateway's state (a deployment cooled down after an error) then depends
    # on the cases alone, not on how they interleaved, and a run decides the same way each time.
    return [target.send(request) for request in requests]


def answered_per_contract(exchange: Exchange, surface: str, response_schema: str, what: str) -> list[str]:
    """Never a server error; a 2xx body matches the response schema; a 4xx carries the native envelope."""
    exchange.complete()
    status = exchange.status or 0
    definitions = spec.load(surface)
    if status >= 500:
        raise Fail(f"{what}: no server error", f"status {status}: {exchange.excerpt()}", exchange=exchange)
    if 200 <= status < 300 and not exchange.request.stream:
        problems = definitions.errors(response_schema, exchange.json())
        if problems:
            raise Fail(f"{what}: a 2xx body matching {response_schema}", "; ".join(problems), exchange=exchange)
    elif 400 <= status < 500:
        return _envelope(exchange, surface, f"{what}: a {status}")
    return []


def rejected_per_contract(exchange: Exchange, surface: str, what: str) -> list[str]:
    """An invalid request is answered 4xx with the native envelope (departures the SDKs read: W)."""
    exchange.complete()
    status = exchange.status or 0
    if not 400 <= status < 500:
        raise Fail(f"{what}: rejected with a 4xx", f"status {status}: {exchange.excerpt()}", exchange=exchange)
    return _envelope(exchange, surface, what)


def _envelope(exchange: Exchange, surface: str, what: str) -> list[str]:
    """The one envelope rule (checks.envelope_departures), with this case's exchange as evidence."""
    try:
        return [f"{what}: {d}" for d in checks.envelope_departures(surface, exchange.json(), what)]
    except Fail as exc:
        exc.exchange = exchange
        raise



def run_phase(target: Target, surface: str, path: str, phase: str, node: Any) -> None:
    """One schemathesis phase as one check: every case sent, every answer held to the contract."""
    request_schema, response_schema = schema_names(surface, path)
    if phase == "examples":
        requests = examples(target, surface, path)
    else:
        requests = generated(target, surface, path, negative=phase == "negative", count=target.fuzz_cases)
    if not requests:
        raise Skip(f"no {phase} cases for {target.name}")
    decided = []
    for exchange in send_all(target, requests):
        record_exchange(node, exchange)
        if exchange.problem == "not-recorded":
            continue
        exchange.require()
        decided.append(exchange)
    if not decided:
        raise Skip(f"not documented: no recorded exchange for the {phase} cases")
    departures: list[str] = []
    for exchange in decided:
        what = f"{phase} case {exchange.request.probe}"
        if phase == "negative":
            departures += rejected_per_contract(exchange, surface, what)
        else:
            departures += answered_per_contract(exchange, surface, response_schema, what)
    if departures:
        raise Warn(f"{phase} cases answered with the official {surface} error envelope", "; ".join(departures[:4]),
                   context=SchemaViolation(violations=tuple(departures)))
    del request_schema
