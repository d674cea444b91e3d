"""The OpenAPI specs in `openapi/`: the only place shapes are declared, and this module the one
reader of them.

Checks validate bodies and stream events against `components.schemas` by name, and take the
requests they send from the operation's `x-llmconform-probes` / `x-llmconform-invalid`. What the
code reads beyond schemas is data in the specs too, read here and handed out typed (frozen
dataclasses: `ProbeEntry`, `InvalidEntry`, `Usage`, `OutputLimit`, `LeastReasoning`, `Total`,
`DefinitionSource`; small accessors for the rest): discriminator mappings, a stream's vocabulary
by role (`x-llmconform-events`), the error kind each status is paired with
(`x-llmconform-by-status`), official id prefixes (`x-llmconform-id-prefix`), where usage sits
(`x-llmconform-usage`), an operation's output limit (`x-llmconform-output-limit`), what a request
to a paid media operation costs (`x-llmconform-cost`), an asynchronous task's states
(`x-llmconform-task`) and the headers it requires. Nothing else reads the extensions' raw YAML.

The extensions have a grammar, `schemas/extensions.schema.json`: every spec loaded is held to it,
and one that breaks it (a misspelt key, a wrong type, an extension out of place) is refused with
`SpecError`, naming the file, the JSON pointer and the nearest known key.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from llmconform.paths import root, spec_dir
from llmconform.suggest import closeness, nearest
from llmconform.verdict import Fail, SchemaViolation, excerpt

# libyaml's safe loader when present: the specs are read on every run.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The extensions this module reads (their grammar: schemas/extensions.schema.json).
PROBES, INVALID, SOURCE = "x-llmconform-probes", "x-llmconform-invalid", "x-llmconform-source"
EVENTS, OFFICIAL, TOTAL = "x-llmconform-events", "x-llmconform-official", "x-llmconform-total"
GATED = "x-llmconform-feature"


@dataclass(frozen=True)
class ProbeEntry:
    """One `x-llmconform-probes` entry: a request a handwritten check sends, by probe name.

    `value` is the request body with the model written "{model}" (None for a probe only a builder
    makes); `owners` names the check that fails once when the answer does not arrive, by outcome kind
    or "*"; a `primary` probe keeps that FAIL when the same problem meets several probes. A probe
    that proves an effect names its `check`, the official `field`, the `effect` the answer must
    show ({answered: true}, {says: word}, {json-key: key}, {present: path}, {echo: field}), and
    the rule's `level` and `source`; `feature` is what the profile must declare for it."""

    name: str
    summary: str = ""
    value: Any = None
    owners: tuple[tuple[str, str], ...] = ()
    primary: bool = False
    check: str = ""
    field: str = ""
    effect: tuple[tuple[str, Any], ...] = ()
    source: str = ""
    level: str = ""
    feature: str = ""
    transport: str = ""  # "websocket": the Responses WebSocket mode's response.create (llmconform.websocket)

    @classmethod
    def read(cls, name: str, entry: Any) -> ProbeEntry:
        """The entry as a spec declares it (held to the grammar by `load`; read leniently here, as
        `spec diff` reads a spec file it was given without refusing it)."""
        entry = entry if isinstance(entry, dict) else {}
        effect, owners = entry.get("effect"), entry.get("owners")
        return cls(name=str(name), summary=_prose(entry.get("summary")), value=entry.get("value"),
                   owners=tuple((str(k), str(v)) for k, v in owners.items()) if isinstance(owners, dict) else (),
                   primary=bool(entry.get("primary", False)), check=str(entry.get("check") or ""),
                   field=str(entry.get("field") or ""),
                   effect=tuple((str(k), v) for k, v in effect.items()) if isinstance(effect, dict) else (),
                   source=str(entry.get("source") or ""), level=str(entry.get("level") or ""),
                   feature=str(entry.get("feature") or ""), transport=str(entry.get("transport") or ""))

    def owner_map(self) -> dict[str, str]:
        """Outcome kind (or "*") -> the check, below the surface, that owns that delivery failure."""
        return dict(self.owners)


@dataclass(frozen=True)
class InvalidEntry:
    """One `x-llmconform-invalid` entry: a request the API must refuse with a 4xx (`expect`). An
    entry naming its `check` is an invalid-input check: the `rule` it holds, how its verdict names
    the request (`what`), the rule's `level` and `source` where the entry states them, the profile
    `feature` it needs, and what a served answer leaves undecided (`served-skips`: a rule about how
    the refusal looks, when whether to refuse is another check's)."""

    name: str
    summary: str = ""
    value: Any = None
    expect: int = 400
    check: str = ""
    rule: str = ""
    what: str = ""
    level: str = ""
    source: str = ""
    feature: str = ""
    served_skips: str = ""

    @classmethod
    def read(cls, name: str, entry: Any) -> InvalidEntry:
        entry = entry if isinstance(entry, dict) else {}
        expect = entry.get("expect", 400)
        return cls(name=str(name), summary=_prose(entry.get("summary")), value=entry.get("value"),
                   expect=expect if isinstance(expect, int) else 400, check=str(entry.get("check") or ""),
                   rule=_prose(entry.get("rule")), what=str(entry.get("what") or ""),
                   level=str(entry.get("level") or ""), source=str(entry.get("source") or ""),
                   feature=str(entry.get("feature") or ""), served_skips=_prose(entry.get("served-skips")))


def _prose(value: Any) -> str:
    """A folded YAML text on one line (summaries and rules are quoted in reports and docstrings)."""
    return " ".join(str(value or "").split())


@dataclass(frozen=True)
class Operation:
    path: str
    method: str
    definition: dict[str, Any]

    def _named(self, key: str) -> dict[str, Any]:
        found = self.definition.get(key)
        return found if isinstance(found, dict) else {}

    # Read once per operation (Spec.operation keeps each one): every request a run builds reads them.
    @functools.cached_property
    def probes(self) -> dict[str, ProbeEntry]:
        """The operation's probes by name (`x-llmconform-probes`)."""
        return {str(n): ProbeEntry.read(n, e) for n, e in self._named(PROBES).items()}

    @functools.cached_property
    def invalid(self) -> dict[str, InvalidEntry]:
        """The operation's invalid requests by name (`x-llmconform-invalid`), without `invalid:`."""
        return {str(n): InvalidEntry.read(n, e) for n, e in self._named(INVALID).items()}

    @property
    def source(self) -> str:
        """The official definition the operation was written from (`x-llmconform-source`)."""
        return str(self.definition.get(SOURCE) or "")

    @property
    def examples(self) -> dict[str, Any]:
        content = (self.definition.get("requestBody") or {}).get("content", {}).get("application/json", {})
        return {name: ex["value"] for name, ex in (content.get("examples") or {}).items() if "value" in ex}

    @property
    def form_examples(self) -> dict[str, Any]:
        """The documented multipart/form-data requests by name: their fields, a file written as curl
        writes it (`@audio.mp3`). Not among `examples`: those are sent as JSON bodies."""
        content = (self.definition.get("requestBody") or {}).get("content", {}).get("multipart/form-data", {})
        return {name: ex["value"] for name, ex in (content.get("examples") or {}).items() if "value" in ex}

    @property
    def example_paths(self) -> dict[str, str]:
        """The URL path a documented request was sent to (`x-llmconform-path`), where the path
        names more than the operation's template does (Gemini's model, `?alt=sse`)."""
        content = (self.definition.get("requestBody") or {}).get("content", {}).get("application/json", {})
        return {name: ex["x-llmconform-path"] for name, ex in (content.get("examples") or {}).items()
                if isinstance(ex.get("x-llmconform-path"), str)}

    @property
    def fetched_paths(self) -> dict[str, str]:
        """The URL path each documented GET step fetched (`x-llmconform-path` on a `200` answer named
        `<vendor>-<probe>/<step>`): a task's poll sends no body, its answer alone documents it."""
        content = self.definition.get("responses", {}).get("200", {}).get("content", {})
        return {name: ex["x-llmconform-path"] for media in content.values()
                for name, ex in (media.get("examples") or {}).items()
                if "/" in name.partition("-")[2] and isinstance(ex.get("x-llmconform-path"), str)}

    @property
    def departures(self) -> dict[str, str]:
        """The documented answers (`200` examples) kept although they depart from the spec's shape
        (`x-llmconform-departs`), by name: how each departs."""
        content = self.definition.get("responses", {}).get("200", {}).get("content", {})
        return {name: ex["x-llmconform-departs"] for media in content.values()
                for name, ex in (media.get("examples") or {}).items()
                if isinstance(ex.get("x-llmconform-departs"), str)}

    @property
    def output_limit(self) -> OutputLimit | None:
        """The request field that caps the answer's length (`x-llmconform-output-limit`)."""
        found = self.definition.get("x-llmconform-output-limit")
        if not isinstance(found, dict):
            return None
        return OutputLimit(field=str(found["field"]), cap=int(found["cap"]),
                           also=tuple(str(n) for n in found.get("also") or ()))

    @property
    def answers_json(self) -> bool:
        """Its 200 answer is JSON (or a stream); False for a file (speech's audio)."""
        content = ((self.definition.get("responses") or {}).get("200") or {}).get("content") or {}
        return not content or any(kind in content for kind in ("application/json", "text/event-stream"))

    @property
    def cost(self) -> Cost | None:
        """What one request to this operation costs, when it is paid per item (`x-llmconform-cost`)."""
        found = self.definition.get("x-llmconform-cost")
        if not isinstance(found, dict):
            return None
        return Cost(feature=str(found["feature"]), kind=str(found["class"]), unit=str(found.get("unit", "")))

    @property
    def task(self) -> TaskStates | None:
        """The state vocabulary of an asynchronous task this operation reports (`x-llmconform-task`)."""
        found = self.definition.get("x-llmconform-task")
        if not isinstance(found, dict):
            return None

        def names(key: str) -> tuple[str, ...]:
            return tuple(str(v) for v in found.get(key) or ())

        return TaskStates(status=str(found["status"]), running=names("running"), succeeded=names("succeeded"),
                          failed=names("failed"), progress=found.get("progress"), reason=found.get("reason"),
                          result=found.get("result"))

    def header_parameters(self, document: dict[str, Any]) -> list[dict[str, Any]]:
        """The operation's header parameters, their $refs resolved against `document`."""
        found = []
        for param in self.definition.get("parameters") or []:
            if "$ref" in param:
                param = document["components"]["parameters"][param["$ref"].rsplit("/", 1)[-1]]
            if param.get("in") == "header":
                found.append(param)
        return found


# -- sequences: several exchanges as data (an `x-llmconform-probes` entry with `steps`) -------------

SEQUENCE_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
MAX_POLLS = 20  # the most polls a step may declare: polling is bounded in count whatever a spec says
MAX_EVERY_S = 30.0  # the longest interval between two polls a step may declare
# Where a link puts what it found: a path, query or header parameter, or a place in the body.
# `url`: the whole URL, an absolute one an earlier answer named (a task's result URL), sent as it stands.
LINK_TARGET = re.compile(r"^(path|query|header)\.[A-Za-z0-9_.-]+$|^body(#(/[^/]*)*)?$|^url$")
# Where it finds it (OpenAPI runtime expressions, with Arazzo's `$steps.<name>.` prefix for a step
# other than the one just before): a response's body (at a JSON pointer) or header, a request's body.
LINK_SOURCE = re.compile(r"^\$(steps\.(?P<step>[A-Za-z0-9_-]+)\.)?(?P<side>request|response)\."
                         r"(?P<part>body|header\.(?P<header>[A-Za-z0-9-]+))(?P<pointer>#(/[^/]*)*)?$")


def pointer_get(data: Any, pointer: str) -> tuple[bool, Any]:
    """(found?, value) at a JSON pointer (RFC 6901; "" is the whole document)."""
    if not pointer:
        return True, data
    for raw in pointer.lstrip("/").split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(data, dict) and token in data:
            data = data[token]
        elif isinstance(data, list) and token.isdigit() and int(token) < len(data):
            data = data[int(token)]
        else:
            return False, None
    return True, data


def pointer_set(data: Any, pointer: str, value: Any) -> Any:
    """`data` with `value` set at a JSON pointer (its parent objects made where missing; "" replaces it)."""
    if not pointer:
        return value
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.lstrip("/").split("/")]
    holder = data
    for token in tokens[:-1]:
        holder = holder.setdefault(token, {}) if isinstance(holder, dict) else holder[int(token)]
    if isinstance(holder, list):
        holder[int(tokens[-1])] = value
    else:
        holder[tokens[-1]] = value
    return data


@dataclass(frozen=True)
class Until:
    """When a polled step is done: the value at `pointer` (a JSON pointer) of the last answer's
    JSON body is one of `values` (`{pointer: /status, in: [completed, failed]}`)."""

    pointer: str
    values: tuple[Any, ...]

    def holds(self, data: Any) -> bool:
        found, value = pointer_get(data, self.pointer)
        return found and value in self.values


@dataclass(frozen=True)
class Step:
    """One step of a sequence: a request to any operation of the spec (`method`, `path`; the
    entry's own operation when it names none), its body (`value`), what it takes from earlier
    steps (`links`: target -> runtime expression, or a list of them building an array), and, for a
    step that polls, `until` it holds, `every` seconds apart, at most `max_polls` times."""

    name: str
    method: str
    path: str
    value: Any = None
    links: tuple[tuple[str, Any], ...] = ()
    until: Until | None = None
    every: float = 1.0
    max_polls: int = 1

    @property
    def sends(self) -> int:
        """The requests this step spends at most (a polled step: every poll)."""
        return self.max_polls if self.until is not None else 1


def link_sources(value: Any) -> list[str]:
    """The runtime expressions a link's value names (a list builds an array of several)."""
    items = value if isinstance(value, list) else [value]
    return [v for v in items if isinstance(v, str) and v.startswith("$")]


def parse_steps(spec: Spec, operation: Operation, probe: str, raw: Any) -> tuple[Step, ...]:
    """A sequence entry's steps, typed and held to their grammar: a mistake here is the suite's
    own bug, named with the probe, never a verdict on a provider."""
    where = f"{spec.surface} probe {probe}"
    if not isinstance(raw, list) or not raw:
        raise ValueError(f"{where}: `steps` must be a non-empty list")
    steps: list[Step] = []
    for n, entry in enumerate(raw):
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: step {n} must be a mapping")
        unknown = set(entry) - {"name", "summary", "method", "path", "value", "links", "until", "every", "max_polls"}
        if unknown:
            raise ValueError(f"{where}: step {n} has unknown key(s) {sorted(unknown)}")
        name = str(entry.get("name") or f"step-{n + 1}")
        if name in {s.name for s in steps}:
            raise ValueError(f"{where}: two steps are named {name}")
        method = str(entry.get("method") or operation.method).upper()
        path = str(entry.get("path") or operation.path)
        if method not in SEQUENCE_METHODS:
            raise ValueError(f"{where}: step {name} method {method} is not one of {', '.join(SEQUENCE_METHODS)}")
        links = entry.get("links") or {}
        # A step to a URL an answer named (`links: {url: ...}`) leaves the spec's paths; HEAD asks
        # for what GET of a declared path would answer, without its body.
        declared = spec.document.get("paths", {}).get(path) or {}
        if "url" not in (links if isinstance(links, dict) else {}) and \
                (method if method != "HEAD" else "GET").lower() not in declared:
            raise ValueError(f"{where}: step {name}: the spec declares no {method} {path}")
        if not isinstance(links, dict):
            raise ValueError(f"{where}: step {name} `links` must map a target to a runtime expression")
        for target, source in links.items():
            if not LINK_TARGET.match(str(target)):
                raise ValueError(f"{where}: step {name} link target {target!r} is not path.X, query.X, header.X, "
                                 "body#/pointer or url")
            for expression in link_sources(source):
                match = LINK_SOURCE.match(expression)
                if match is None:
                    raise ValueError(f"{where}: step {name} link {expression!r} is not a runtime expression "
                                     "($response.body#/pointer, $steps.NAME.response.body#/pointer, ...)")
                earlier = match["step"] or (steps[-1].name if steps else None)
                if earlier not in {s.name for s in steps}:
                    raise ValueError(f"{where}: step {name} link {expression!r} names no earlier step")
        until, every, max_polls = None, 1.0, 1
        if "until" in entry:
            rule = entry["until"]
            if not (isinstance(rule, dict) and set(rule) == {"pointer", "in"} and isinstance(rule["in"], list)):
                raise ValueError(f"{where}: step {name} `until` must be {{pointer: /json/pointer, in: [values]}}")
            until = Until(str(rule["pointer"]), tuple(rule["in"]))
            every, max_polls = float(entry.get("every", 1.0)), int(entry.get("max_polls", 0))
            if not 1 <= max_polls <= MAX_POLLS or not 0 < every <= MAX_EVERY_S:
                raise ValueError(f"{where}: step {name} polls need max_polls in 1..{MAX_POLLS} and every in "
                                 f"(0, {MAX_EVERY_S:.0f}] seconds")
        elif "every" in entry or "max_polls" in entry:
            raise ValueError(f"{where}: step {name} sets every/max_polls without `until`")
        steps.append(Step(name=name, method=method, path=path, value=entry.get("value"),
                          links=tuple((str(k), v) for k, v in links.items()), until=until, every=every,
                          max_polls=max_polls))
    return tuple(steps)


@dataclass(frozen=True)
class TaskStates:
    """How an asynchronous task reports its state (`x-llmconform-task` on the operation that tells
    it): JSON pointers to its status, progress, failure reason and result URL in one answer, and the
    statuses by role — still running, succeeded, failed (the last two terminal)."""

    status: str
    running: tuple[str, ...]
    succeeded: tuple[str, ...]
    failed: tuple[str, ...]
    progress: str | None = None
    reason: str | None = None
    result: str | None = None

    @property
    def terminal(self) -> tuple[str, ...]:
        return self.succeeded + self.failed

    @property
    def known(self) -> tuple[str, ...]:
        return self.running + self.terminal


@dataclass(frozen=True)
class Cost:
    """A paid media operation: the feature a profile must declare before any request to it is sent,
    the cost class `run --plan` shows (image, speech, transcription, rerank) and what one request buys."""

    feature: str
    kind: str
    unit: str = ""


@dataclass(frozen=True)
class OutputLimit:
    """`field` caps the answer (`generationConfig.maxOutputTokens`: a dotted path), set to `cap`
    when a cheap request is wanted; `also` are other spellings of the same limit a body may use."""

    field: str
    cap: int
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class Usage:
    """Where a surface's token counts sit (`x-llmconform-usage`): the usage object at the first
    of `at` (dotted paths) that holds one, in a body or a stream event; each count is the first
    name of its list, the others added when present (Gemini's output counts thinking too)."""

    at: tuple[str, ...] = ()
    input: tuple[str, ...] = ()
    output: tuple[str, ...] = ()
    cached_input: tuple[str, ...] = ()
    # Counts the API declares as parts of a total (dotted paths in the usage object): cached input
    # within the input count (OpenAI, Gemini), reasoning within the output count.
    cached_part: tuple[str, ...] = ()
    reasoning_part: tuple[str, ...] = ()
    # The official definition the accounting rule is read from (repository, path, commit).
    source: str = ""
    # Counts left out of the JSON are zero (protobuf's JSON mapping omits a zero: Gemini).
    omitted_zero: bool = False

    def holder(self, data: Any) -> dict[str, Any]:
        for path in self.at:
            found = dig(data, path)
            if isinstance(found, dict) and found:
                return found
        return {}

    @staticmethod
    def _sum(holder: dict[str, Any], names: tuple[str, ...]) -> int | None:
        first = count(holder.get(names[0])) if names else None
        if first is None:
            return None
        return first + sum(c for n in names[1:] if (c := count(holder.get(n))) is not None)

    def counts(self, data: Any) -> tuple[int | None, int | None]:
        """(input, output) of a body or one stream event; of a JSON-array stream, the last piece
        that carries usage."""
        if isinstance(data, list):
            found: tuple[int | None, int | None] = (None, None)
            for item in data:
                counts = self.counts(item)
                if counts != (None, None):
                    found = counts
            return found
        holder = self.holder(data)
        return self._sum(holder, self.input), self._sum(holder, self.output)

    def cached(self, data: Any) -> int:
        """Input counted apart from the input count (Anthropic's cache writes and reads)."""
        holder = self.holder(data)
        return sum(c for n in self.cached_input if (c := count(holder.get(n))) is not None)

    def billed_input(self, data: Any) -> int | None:
        """The input a request is billed for, by the API's own cache rule: the input count, plus the
        cache writes and reads the API counts apart from it (Anthropic); OpenAI's and Gemini's
        cached tokens are already within it. None where the input count is absent."""
        holder = self.holder(data)
        first = self._sum(holder, self.input)
        return None if first is None else first + self.cached(data)

    def part(self, data: Any, names: tuple[str, ...]) -> int | None:
        """The first of `names` (dotted paths in the usage object) that holds a count."""
        holder = self.holder(data)
        return next((c for n in names if (c := count(dig(holder, n))) is not None), None)

    def last(self, payloads: list[Any]) -> tuple[int | None, int | None]:
        """(input, output) of what an exchange delivered (`Exchange.payloads`): a body's, or for a
        stream each count as last seen."""
        found: tuple[int | None, int | None] = (None, None)
        for payload in payloads:
            counts = self.counts(payload)
            found = (counts[0] if counts[0] is not None else found[0],
                     counts[1] if counts[1] is not None else found[1])
        return found


def count(value: Any) -> int | None:
    """A token count: an integer (a boolean is not one)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def dig(data: Any, path: str) -> Any:
    """The value at a dotted path of JSON objects; None where the path leaves them."""
    for key in path.split("."):
        data = data.get(key) if isinstance(data, dict) else None
    return data


@dataclass(frozen=True)
class Total:
    """A count that is the sum of others (`x-llmconform-total`: Gemini's totalTokenCount)."""

    field: str
    of: tuple[str, ...]


@dataclass(frozen=True)
class DefinitionSource:
    """One official definition a spec was reconciled with (an `x-llmconform-sources` entry)."""

    repository: str
    path: str
    commit: str
    date: str


def official_name(node: Any) -> str | None:
    """The official definition's name a spec schema gives itself (`x-llmconform-official`)."""
    found = node.get(OFFICIAL) if isinstance(node, dict) else None
    return found if isinstance(found, str) else None


def is_event_union(node: Any) -> bool:
    """Whether a schema is a stream's event union (it names its events by role: `x-llmconform-events`)."""
    return isinstance(node, dict) and EVENTS in node


def checks_named(surface: str, document: dict[str, Any]) -> set[str]:
    """The checks a spec document's operations name (`surface/concern/name`): each probe's and
    invalid entry's `check`, and each probe's owners (they read the request the operation declares)."""
    found: set[str] = set()
    for operation in Spec(surface, document).operations():
        entries: list[ProbeEntry | InvalidEntry] = [*operation.probes.values(), *operation.invalid.values()]
        for entry in entries:
            if entry.check:
                found.add(f"{surface}/{entry.check}")
        for probe in operation.probes.values():
            found |= {f"{surface}/{owner}" for _, owner in probe.owners}
    return found


class Vocabulary:
    """A stream's event (and delta) types by the role the readers give them (`x-llmconform-events`),
    so that the code names roles and the spec the types."""

    def __init__(self, where: str, table: dict[str, Any]) -> None:
        self._where, self._table = where, table

    def _get(self, role: str) -> Any:
        try:
            return self._table[role]
        except KeyError:
            raise KeyError(f"{self._where} names no event for the role {role!r}") from None

    def __getitem__(self, role: str) -> str:
        return str(self._get(role))

    def all(self, role: str) -> tuple[str, ...]:
        value = self._get(role)
        return (str(value),) if isinstance(value, str) else tuple(str(v) for v in value)

    def table(self, role: str) -> dict[str, tuple[str, ...]]:
        return {str(k): tuple(str(v) for v in (vs or ())) for k, vs in self._get(role).items()}

    def roles(self) -> tuple[str, ...]:
        """The roles the vocabulary names."""
        return tuple(str(role) for role in self._table)

    def is_table(self, role: str) -> bool:
        """Whether a role maps keys to types (`in-item`: item type -> events) rather than naming types."""
        return isinstance(self._get(role), dict)

    def types(self) -> set[str]:
        """Every type the vocabulary names."""
        found: set[str] = set()
        for value in self._table.values():
            values = value.values() if isinstance(value, dict) else [value]
            for v in values:
                found.update([v] if isinstance(v, str) else v or ())
        return found


class Spec:
    def __init__(self, surface: str, document: dict[str, Any]) -> None:
        self.surface = surface
        self.document = document
        uri = f"urn:llmconform:openapi:{surface}"
        resource: Resource[Any] = DRAFT202012.create_resource(document)
        self._registry: Registry[Any] = Registry().with_resource(uri, resource)
        self._uri = uri

    @property
    def schemas(self) -> dict[str, Any]:
        return self.document.get("components", {}).get("schemas", {})

    @functools.cache  # noqa: B019 - specs live for the whole process
    def operation(self, path: str, method: str = "post") -> Operation:
        try:
            return Operation(path, method, self.document["paths"][path][method])
        except KeyError:
            raise KeyError(f"{self.surface} spec has no {method.upper()} {path}") from None

    def operations(self) -> list[Operation]:
        return [Operation(path, method, op) for path, item in self.document.get("paths", {}).items()
                for method, op in item.items() if isinstance(op, dict) and "responses" in op]

    @functools.cache  # noqa: B019 - specs live for the whole process
    def validator(self, schema_name: str) -> Draft202012Validator:
        if schema_name not in self.schemas:
            raise KeyError(f"{self.surface} spec declares no schema {schema_name}")
        schema = {"$ref": f"{self._uri}#/components/schemas/{schema_name}"}
        return Draft202012Validator(schema, registry=self._registry)

    def errors(self, schema_name: str, instance: Any, limit: int = 5) -> list[str]:
        """Violations of the named schema, each as `path: message`, most specific first.

        An anyOf / oneOf failure only says the value "is not valid under any of the given schemas";
        its cause is in the branches' errors, so each is reported as jsonschema's best match among
        them (the branch the value was meant for: `'output_tokens_details' is a required property`).
        """
        causes = [best_match([e]) or e for e in self.validator(schema_name).iter_errors(instance)]
        found = sorted(causes, key=lambda e: -len(e.absolute_path))
        return list(dict.fromkeys(f"{e.json_path}: {excerpt(e.message, 160)}" for e in found))[:limit]

    @functools.cached_property
    def gated(self) -> dict[str, str]:
        """Request shapes only some servers take (`x-llmconform-feature` on a schema): schema name ->
        the profile feature a request carrying one needs (chat's AudioPart -> audio-input)."""
        return {name: str(node[GATED]) for name, node in self.schemas.items()
                if isinstance(node, dict) and GATED in node}

    def without(self, features: frozenset[str]) -> dict[str, Any]:
        """The document with each gated shape whose feature is not in `features` taken out of every
        `oneOf` / `anyOf` that offers it: what schemathesis may draw for such a profile."""
        refused = {f"#/components/schemas/{name}" for name, feature in self.gated.items() if feature not in features}
        if not refused:
            return self.document

        def pruned(node: Any) -> Any:
            if isinstance(node, list):
                return [pruned(item) for item in node]
            if not isinstance(node, dict):
                return node
            found = {key: pruned(value) for key, value in node.items()}
            for key in ("oneOf", "anyOf"):
                if isinstance(found.get(key), list):
                    found[key] = [a for a in found[key] if not (isinstance(a, dict) and a.get("$ref") in refused)]
            return found

        return dict(pruned(self.document))

    def undeclared(self, instance: Any, features: frozenset[str]) -> list[str]:
        """The gated shapes (`gated`) `instance` carries whose feature is not in `features`, as
        `Schema (feature)`: a request holding one is not sent to such a profile."""
        refused = [(name, feature) for name, feature in self.gated.items() if feature not in features]
        found: list[str] = []

        def walk(node: Any) -> None:
            if isinstance(node, list):
                for item in node:
                    walk(item)
            elif isinstance(node, dict):
                found.extend(f"{name} ({feature})" for name, feature in refused
                             if self.validator(name).is_valid(node))
                for value in node.values():
                    walk(value)

        if refused:
            walk(instance)
        return list(dict.fromkeys(found))

    def check(self, schema_name: str, instance: Any, what: str = "") -> None:
        """Fail with every violation (up to a few) unless `instance` matches the named schema."""
        problems = self.errors(schema_name, instance)
        if problems:
            raise Fail(f"{what or 'a body'} matching {self.surface} schema {schema_name}", "; ".join(problems),
                       context=SchemaViolation(schema=schema_name, violations=tuple(problems)))

    def absent_nullable(self, schema_name: str, instance: Any) -> list[str]:
        """The keys the official definition requires although their value may be null
        (`x-llmconform-required-nullable` on a schema) that `instance` leaves out, as JSON paths.

        They are not in the schema's `required`: the official SDKs read an absent key as null, so
        leaving one out breaks no client; but the official API always sends them (a relay's
        re-serialisation that drops nulls — Go's `omitempty` — is what leaves them out)."""
        found: list[str] = []
        self._absent(self.schema(schema_name), instance, "$", found)
        return found

    def _absent(self, node: dict[str, Any], instance: Any, where: str, found: list[str]) -> None:
        node = self._resolved(node)
        if isinstance(instance, dict):
            found.extend(f"{where}.{key}" for key in node.get("x-llmconform-required-nullable", ())
                         if key not in instance)
            for key, sub in (node.get("properties") or {}).items():
                if isinstance(sub, dict) and key in instance:
                    self._absent(sub, instance[key], f"{where}.{key}", found)
        elif isinstance(instance, list) and isinstance(node.get("items"), dict):
            for index, item in enumerate(instance):
                self._absent(node["items"], item, f"{where}[{index}]", found)

    def schema(self, name: str) -> dict[str, Any]:
        try:
            return dict(self.schemas[name])
        except KeyError:
            raise KeyError(f"{self.surface} spec declares no schema {name}") from None

    def node(self, schema_name: str, path: str = "") -> dict[str, Any]:
        """A schema, or the property at a dotted path inside it ($refs and allOf followed)."""
        node = self.schema(schema_name)
        for key in [k for k in path.split(".") if k]:
            node = self._resolved(node)
            found = node.get("properties", {}).get(key)
            for part in node.get("allOf", []):
                found = found or self._resolved(part).get("properties", {}).get(key)
            if found is None:
                raise KeyError(f"{self.surface} schema {schema_name} has no property {path}")
            node = found
        return self._resolved(node)

    def _resolved(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = {**self.schemas[node["$ref"].rsplit("/", 1)[-1]],
                    **{k: v for k, v in node.items() if k != "$ref"}}
        return node

    def mapping(self, schema_name: str, path: str = "") -> dict[str, str]:
        """A discriminator's mapping, value -> schema name (of the schema, or of its property at `path`)."""
        found = (self.node(schema_name, path).get("discriminator") or {}).get("mapping")
        if not isinstance(found, dict):
            raise KeyError(f"{self.surface} schema {schema_name} {path} has no discriminator mapping")
        return {str(k): str(v).rsplit("/", 1)[-1] for k, v in found.items()}

    def table(self, schema_name: str, name: str) -> dict[str, tuple[str, ...]]:
        """A schema's `x-llmconform-<name>` table, key -> names (delta types by block type, ...)."""
        found = self.schema(schema_name).get(f"x-llmconform-{name}")
        if not isinstance(found, dict):
            raise KeyError(f"{self.surface} schema {schema_name} declares no x-llmconform-{name}")
        return {str(k): tuple(str(v) for v in (vs or ())) for k, vs in found.items()}

    def listed(self, schema_name: str, name: str) -> tuple[str, ...]:
        """A schema's `x-llmconform-<name>` list."""
        found = self.schema(schema_name).get(f"x-llmconform-{name}")
        if not isinstance(found, list):
            raise KeyError(f"{self.surface} schema {schema_name} declares no x-llmconform-{name} list")
        return tuple(str(v) for v in found)

    def vocabulary(self, schema_name: str) -> Vocabulary:
        return Vocabulary(f"{self.surface} {schema_name}", self.schema(schema_name).get(EVENTS) or {})

    def by_status(self, schema_name: str) -> tuple[str, dict[int, tuple[str, ...]]]:
        """(dotted path, status -> kinds) of the error kind the API pairs with each HTTP status: the
        property of the error schema that carries `x-llmconform-by-status` (`error.type`, `error.status`)."""
        stack: list[tuple[str, dict[str, Any]]] = [("", self.node(schema_name))]
        while stack:
            path, node = stack.pop()
            table = node.get("x-llmconform-by-status")
            if isinstance(table, dict):
                return path, {int(k): (v,) if isinstance(v, str) else tuple(v) for k, v in table.items()}
            for name, prop in (node.get("properties") or {}).items():
                stack.append((f"{path}.{name}".lstrip("."), self._resolved(prop)))
        raise KeyError(f"{self.surface} schema {schema_name} declares no x-llmconform-by-status")

    def id_prefixes(self, schema_name: str, field: str = "id") -> tuple[str, ...]:
        """The prefixes the official API gives an id (`x-llmconform-id-prefix` on the property)."""
        found = self.node(schema_name, field).get("x-llmconform-id-prefix")
        if not found:
            raise KeyError(f"{self.surface} schema {schema_name}.{field} declares no x-llmconform-id-prefix")
        return (found,) if isinstance(found, str) else tuple(found)

    def event_unions(self) -> tuple[str, ...]:
        """The schemas that are a stream's event union (they declare `x-llmconform-events`)."""
        return tuple(name for name, node in self.schemas.items() if is_event_union(node))

    def declared_id_prefixes(self) -> tuple[str, ...]:
        """Every official id prefix any schema of the spec declares (`x-llmconform-id-prefix`)."""
        found: list[str] = []
        stack: list[Any] = [self.document.get("components") or {}]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                prefix = node.get("x-llmconform-id-prefix")
                found += [prefix] if isinstance(prefix, str) else list(prefix or ())
                stack.extend(v for k, v in node.items() if not str(k).startswith("x-llmconform-"))
            elif isinstance(node, list):
                stack.extend(node)
        return tuple(dict.fromkeys(found))

    @functools.cached_property
    def usage(self) -> Usage:
        found = self.document.get("x-llmconform-usage") or {}

        def names(key: str) -> tuple[str, ...]:
            value = found.get(key) or ()
            return (value,) if isinstance(value, str) else tuple(value)

        return Usage(at=names("at"), input=names("input"), output=names("output"),
                     cached_input=names("cached-input"), cached_part=names("cached-part"),
                     reasoning_part=names("reasoning-part"), source=" ".join(str(found.get("source") or "").split()),
                     omitted_zero=bool(found.get("omitted-zero")))

    @functools.cached_property
    def sequences(self) -> dict[str, tuple[Step, ...]]:
        """Every probe declared as a sequence (an `x-llmconform-probes` entry with `steps`), by name."""
        return {str(name): parse_steps(self, operation, str(name), entry["steps"])
                for operation in self.operations() for name, entry in operation._named(PROBES).items()
                if isinstance(entry, dict) and "steps" in entry}

    @functools.cached_property
    def websockets(self) -> dict[str, ProbeEntry]:
        """Every probe sent over the WebSocket mode (`transport: websocket`), by name, as the first
        operation declaring it so has it (read once: every check's probe fixture asks)."""
        found: dict[str, ProbeEntry] = {}
        for operation in self.operations():
            for name, entry in operation.probes.items():
                if entry.transport == "websocket":
                    found.setdefault(name, entry)
        return found

    @functools.cached_property
    def least_reasoning(self) -> LeastReasoning:
        found = self.document.get("x-llmconform-least-reasoning") or {}
        return LeastReasoning(up_to=int(found.get("up-to", 0)), feature=str(found.get("feature") or ""),
                              rules=tuple(ReasoningRule(str(r["model"]), dict(r["set"]))
                                          for r in found.get("rules") or ()))

    @property
    def sources(self) -> dict[str, DefinitionSource]:
        """The official definitions the spec was reconciled with, by key (`x-llmconform-sources`)."""
        return {str(key): DefinitionSource(**{k: str(v) for k, v in entry.items()})
                for key, entry in (self.document.get("x-llmconform-sources") or {}).items()}

    def schema_source(self, name: str) -> str:
        """Where a schema comes from (`x-llmconform-source`: `<key>#<pointer>` or `<key>:<path> <type>`)."""
        return str(self.schema(name).get(SOURCE) or "")

    def total(self, schema_name: str) -> Total:
        """The count a schema declares as the sum of others (`x-llmconform-total`)."""
        found = self.schema(schema_name).get(TOTAL)
        if not isinstance(found, dict):
            raise KeyError(f"{self.surface} schema {schema_name} declares no {TOTAL}")
        return Total(field=str(found["field"]), of=tuple(str(n) for n in found.get("of") or ()))

    def header_defaults(self, path: str, method: str = "post", *,
                        required: bool = True) -> tuple[tuple[str, str], ...]:
        """The headers an operation requires (any it declares, with `required=False`) that have a
        default value, with it (anthropic-version); the key's own header is the client's."""
        return tuple((str(p["name"]), str(p["schema"]["default"])) for p in
                     self.operation(path, method).header_parameters(self.document)
                     if (p.get("required") or not required) and "default" in (p.get("schema") or {}))

    def properties(self, schema_name: str) -> set[str]:
        """The property names a schema declares (following allOf and $ref)."""
        names: set[str] = set()
        stack = [self.schemas.get(schema_name, {})]
        while stack:
            node = stack.pop()
            if "$ref" in node:
                stack.append(self.schemas.get(node["$ref"].rsplit("/", 1)[-1], {}))
            names.update(node.get("properties", {}))
            stack.extend(node.get("allOf", []))
        return names


@dataclass(frozen=True)
class ReasoningRule:
    """One rule of `x-llmconform-least-reasoning`: a model name pattern, and the request settings
    that turn reasoning off or to its least on the models it matches."""

    model: str
    settings: dict[str, Any]


@dataclass(frozen=True)
class LeastReasoning:
    """A surface's `x-llmconform-least-reasoning` (see `least_reasoning`)."""

    up_to: int = 0
    feature: str = ""
    rules: tuple[ReasoningRule, ...] = ()


def least_reasoning(surface: str, model: str, features: frozenset[str] | set[str], body: Any) -> Any:
    """A probe's body with reasoning turned off or to its minimum where the spec's
    `x-llmconform-least-reasoning` says the model allows it: a probe that tests an output limit must
    not see the limit go to thinking (Gemini 2.5 and 3 think by default). Only probes whose output
    limit is at most `up-to`, only the first rule whose `model` pattern matches the model (a name
    the table does not know gets nothing: a parameter a model refuses would fail every probe), only
    when the profile declares `feature` where the table names one, and never over a setting the
    probe makes itself."""
    table = load(surface).least_reasoning
    limit = output_limit_of(surface, body)
    if not table.rules or not isinstance(body, dict) or limit is None or limit > table.up_to:
        return body
    if table.feature and table.feature not in features:
        return body
    name = model.removeprefix("models/")
    rule = next((r for r in table.rules if re.search(r.model, name)), None)
    if rule is None:
        return body
    merged = copy.deepcopy(body)
    _fill(merged, rule.settings)
    return merged


def _fill(target: dict[str, Any], values: dict[str, Any]) -> None:
    """Set `values` into `target` where it sets nothing: a key the probe sets already (a
    thinkingConfig, a reasoning object) stays the probe's own."""
    for key, value in values.items():
        if key not in target:
            target[key] = copy.deepcopy(value)
        elif isinstance(value, dict) and isinstance(target[key], dict) and not _is_leaf(value):
            _fill(target[key], value)


def _is_leaf(value: dict[str, Any]) -> bool:
    """A setting set whole (thinkingConfig, reasoning): its keys are not merged one by one."""
    return not any(isinstance(v, dict) for v in value.values())


# -- the grammar of the extensions ----------------------------------------------------------------

PREFIX = "x-llmconform-"


class SpecError(Exception):
    """A spec breaks the grammar of the extensions (schemas/extensions.schema.json): the suite's own
    bug, or a user's spec (LLMCONFORM_OPENAPI_DIR). The message names the file, the JSON pointer and
    the nearest known key."""


@functools.cache
def extensions_schema() -> dict[str, Any]:
    """The grammar of the x-llmconform-* extensions, shipped in the package."""
    text = resources.files("llmconform").joinpath("schemas/extensions.schema.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


@functools.cache
def _grammar() -> Draft202012Validator:
    """The grammar's validator, its local $refs inlined: the grammar has no recursion, and resolving
    a reference per key made checking the six specs cost a quarter of a second on every run."""

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/$defs/"):
                target = inline(defs[node["$ref"].removeprefix("#/$defs/")])
                return {**target, **{k: inline(v) for k, v in node.items() if k != "$ref"}}
            return {k: inline(v) for k, v in node.items()}
        return [inline(v) for v in node] if isinstance(node, list) else node

    defs = extensions_schema()["$defs"]
    return Draft202012Validator({k: inline(v) for k, v in extensions_schema().items() if k != "$defs"})


@functools.cache
def _places() -> dict[str, list[str]]:
    """Where each kind of node may carry which extensions: `root` -> [x-llmconform-usage, ...]."""
    defs = extensions_schema()["$defs"]
    return {kind: list(defs[f"at-{kind}"]["properties"]) for kind in extensions_schema()["properties"]}


def _kind(steps: list[str]) -> str:
    """What the node at a path of the document is, for the extensions it may carry."""
    if not steps:
        return "root"
    if steps[0] == "paths" and len(steps) == 3:
        return "operation"
    if steps[0] == "paths" and len(steps) > 3 and steps[-2] == "examples":
        return "example"
    return "component" if steps[0] == "components" else "elsewhere"


def _is_extension(key: Any) -> bool:
    """An x-llmconform-* key, or one misspelt close to a known extension (`x-llmconfrom-probes`)."""
    if not isinstance(key, str) or not key.startswith("x-"):
        return False
    known = [name for names in _places().values() for name in names]
    return key.startswith(PREFIX) or closeness(key, known) >= 0.85


def _pointer(steps: list[str]) -> str:
    return "".join("/" + str(s).replace("~", "~0").replace("/", "~1") for s in steps)


def extensions(document: Any) -> dict[str, Any]:
    """The document's extensions as the grammar reads them: those of its root (`root`), and by JSON
    pointer those of each operation, example, component node and anything else (`elsewhere`). The
    values pass through JSON (YAML's integer keys, such as HTTP statuses, become strings)."""
    found: dict[str, Any] = {"root": {}}
    stack: list[tuple[list[str], Any]] = [([], document)]
    while stack:
        steps, node = stack.pop()
        if isinstance(node, dict):
            own = {}
            for key, value in node.items():
                if isinstance(key, str) and key.startswith("x-") and _is_extension(key):
                    own[key] = value
                elif isinstance(value, (dict, list)):
                    stack.append(([*steps, str(key)], value))
            kind = _kind(steps)
            if kind == "root":
                found["root"] = own
            elif own:
                found.setdefault(kind, {})[_pointer(steps)] = own
        elif isinstance(node, list):
            stack.extend(([*steps, str(i)], v) for i, v in enumerate(node))
    return dict(json.loads(json.dumps(found, default=str)))


def problems(document: Any) -> list[str]:
    """Every breach of the extensions' grammar in a spec document, each as `<JSON pointer>: what`,
    an unknown key with the nearest known one (and where a known extension belongs instead)."""
    errors = sorted(_grammar().iter_errors(extensions(document)), key=lambda e: list(map(str, e.absolute_path)))
    found: list[str] = []
    unknown = _unknown(errors)
    places = _places()
    for (steps, key), known in unknown.items():
        where = _located([*steps, key])
        home = [kind for kind, names in places.items() if key in names]
        if home:
            belongs = " or ".join(_PLACE_NAMES[k] for k in home)
            found.append(f"{where}: {key} does not belong here; it goes on {belongs}")
            continue
        hint = nearest(key, known) if known else ""
        found.append(f"{where}: unknown key {key!r}{hint}; known: {', '.join(known) or 'none'}")
    for error in errors:
        if _has_unknown(error, unknown):
            continue
        cause = _cause(error)
        found.append(f"{_located(list(cause.absolute_path))}: {excerpt(cause.message, 200)}")
    return list(dict.fromkeys(found))


_PLACE_NAMES = {"root": "the document's root", "operation": "an operation", "example": "a documented example",
                "component": "a schema (under components)", "elsewhere": "no node"}


def _unknown(errors: list[Any]) -> dict[tuple[tuple[Any, ...], str], list[str]]:
    """(path, key) -> the keys known there, for every key a closed mapping does not declare; inside a
    oneOf (an effect), only a key no branch declares, matched against all their keys (`{says: 3}`
    is a wrong type in the `says` branch, not an unknown key)."""
    found: dict[tuple[tuple[Any, ...], str], list[str]] = {}
    for error in errors:
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = [str(k) for k in error.schema.get("properties", {})]
            for key in error.instance:
                if key not in known:
                    found.setdefault((tuple(error.absolute_path), str(key)), []).extend(known)
        if error.context:
            branches: dict[Any, list[Any]] = {}
            for inner in error.context:
                branches.setdefault(inner.relative_schema_path[0], []).append(inner)
            each = [_unknown(inner) for inner in branches.values()]
            everywhere = set.intersection(*(set(u) for u in each)) if len(each) == len(error.validator_value) else set()
            for where in everywhere:
                found.setdefault(where, []).extend(dict.fromkeys(k for u in each for k in u[where]))
    return {where: list(dict.fromkeys(known)) for where, known in found.items()}


def _has_unknown(error: Any, unknown: dict[tuple[tuple[Any, ...], str], list[str]]) -> bool:
    """Whether an error is, or comes of, a key no branch knows (reported with its nearest known one)."""
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        return any((tuple(error.absolute_path), str(key)) in unknown for key in error.instance)
    return any(_has_unknown(e, unknown) for e in error.context or ())


def _cause(error: Any) -> Any:
    """The error a oneOf/anyOf failure comes of: in the branch meant for the value (the one that
    takes its keys: `{says: 3}` is the `says` branch's wrong type), else jsonschema's best match."""
    branches: dict[Any, list[Any]] = {}
    for inner in error.context or ():
        branches.setdefault(inner.relative_schema_path[0], []).append(inner)
    meant = [e for found in branches.values() if not any(e.validator == "additionalProperties" for e in found)
             for e in found]
    return (best_match(meant) if meant else None) or best_match([error]) or error


def _located(steps: list[Any]) -> str:
    """The JSON pointer into the document of a path in `extensions()` (kind, pointer, then keys)."""
    if not steps:
        return "/"
    if steps[0] == "root":
        return _pointer([str(s) for s in steps[1:]]) or "/"
    return (str(steps[1]) if len(steps) > 1 else "") + _pointer([str(s) for s in steps[2:]]) or "/"


def validate(document: Any, where: str) -> None:
    """Refuse a spec whose extensions break their grammar, naming `where` (its file), the JSON
    pointer of each breach (up to a few) and, for a misspelt key, the nearest known one."""
    found = problems(document)
    if found:
        more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
        raise SpecError(f"{where}: " + f"; {where}: ".join(found[:3]) + more)


@functools.cache
def load(surface: str) -> Spec:
    path = spec_dir() / f"{surface}.yaml"
    return read(surface, path)


def read(surface: str, path: Path) -> Spec:
    """A spec file read and held to the extensions' grammar (SpecError names what breaks it)."""
    with path.open(encoding="utf-8") as handle:
        document = yaml.load(handle, Loader=_LOADER)
    validate(document, _shown(path))
    return Spec(surface, document)


def _shown(path: Path) -> str:
    """A spec file as a message names it: `openapi/gemini.yaml` for the suite's own, else its path."""
    try:
        return str(path.resolve().relative_to(root().resolve()))
    except (ValueError, RuntimeError):
        return str(path)


@functools.cache
def header_names() -> tuple[str, ...]:
    """Every header parameter any spec's operations declare (anthropic-version, x-goog-api-key, ...)."""
    names: list[str] = []
    for path in sorted(spec_dir().glob("*.yaml")):
        definitions = load(path.stem)
        for operation in definitions.operations():
            names += [str(p["name"]).lower() for p in operation.header_parameters(definitions.document)]
    return tuple(dict.fromkeys(names))


def sequence(surface: str, probe: str) -> tuple[Step, ...] | None:
    """The steps of a probe declared as a sequence; None for a single request (or no spec)."""
    if not (spec_dir() / f"{surface}.yaml").is_file():
        return None
    return load(surface).sequences.get(probe)


def websocket(surface: str, probe: str) -> ProbeEntry | None:
    """The entry of a probe sent over the WebSocket mode (`transport: websocket`); None otherwise."""
    if not (spec_dir() / f"{surface}.yaml").is_file():
        return None
    return load(surface).websockets.get(probe)


def usage(surface: str) -> Usage:
    """The surface's usage reader; none for a name no spec is written for (nothing is read)."""
    return load(surface).usage if (spec_dir() / f"{surface}.yaml").is_file() else Usage()


def output_limits(surface: str) -> tuple[OutputLimit, ...]:
    """The output limits a surface's operations declare (none for a name without a spec)."""
    if not (spec_dir() / f"{surface}.yaml").is_file():
        return ()
    found = [op.output_limit for op in load(surface).operations()]
    return tuple(dict.fromkeys(limit for limit in found if limit is not None))


def output_limit_of(surface: str, body: Any) -> int | None:
    """The output-token limit a request body sets, in the field its surface's spec names."""
    if not isinstance(body, dict):
        return None
    for limit in output_limits(surface):
        for name in (limit.field, *limit.also):
            value = count(dig(body, name))
            if value is not None:
                return value
    return None


def _template(path: str) -> re.Pattern[str]:
    """An operation's path as a pattern: each `{parameter}` one path segment."""
    return re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$")


def task_states(surface: str) -> TaskStates | None:
    """The task vocabulary a surface's spec declares (on the operation that reports a task's state)."""
    found = [op.task for op in load(surface).operations() if op.task is not None]
    return found[0] if found else None


def cost_of(surface: str, method: str, path: str) -> Cost | None:
    """The cost of a request to a surface's operation (its path with or without a query); None for
    an operation that is not paid per item, or a surface without a spec."""
    if not (spec_dir() / f"{surface}.yaml").is_file():
        return None
    path = path.split("?")[0]
    for operation in load(surface).operations():
        if operation.method == method.lower() and _template(operation.path).match(path):
            return operation.cost
    return None


def fill_model(value: Any, model: str) -> Any:
    """A deep copy of a probe with every "{model}" replaced by the profile's model."""
    if isinstance(value, str):
        return value.replace("{model}", model)
    if isinstance(value, dict):
        return {k: fill_model(v, model) for k, v in value.items()}
    if isinstance(value, list):
        return [fill_model(v, model) for v in value]
    return copy.deepcopy(value)


# -- what the specs present say about their surfaces (read by the profile, one layer below surfaces) --

@functools.cache
def surfaces() -> tuple[str, ...]:
    """The surfaces a spec is written for, one per `openapi/<surface>.yaml`: the names a profile and
    the command line accept."""
    return tuple(sorted(path.stem for path in spec_dir().glob("*.yaml")))


def _auth_style(scheme: dict[str, Any]) -> str | None:
    """A security scheme as a profile names its placement of the key: `bearer` (HTTP bearer), the
    header's own name (an apiKey in a header), `query-key` (an apiKey in the query)."""
    if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
        return "bearer"
    if scheme.get("type") == "apiKey" and scheme.get("in") == "query":
        return "query-key"
    if scheme.get("type") == "apiKey" and scheme.get("in") == "header" and scheme.get("name"):
        return str(scheme["name"]).lower()
    return None


@functools.cache
def auth_styles(surface: str) -> tuple[str, ...]:
    """The key placements the surface's spec accepts (its top-level `security`, resolved through
    `components.securitySchemes`), the official one first."""
    document = load(surface).document
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    found = [_auth_style(schemes.get(name) or {}) for requirement in document.get("security") or []
             for name in requirement]
    return tuple(dict.fromkeys(style for style in found if style))


@dataclass(frozen=True)
class Sdk:
    """The official SDK of a surface (`x-llmconform-sdk`): the call that sends its request, the
    variables it reads its key and base URL from, and the vendor's own host (an SDK's key is sent
    only there, or to the base URL its variable names)."""

    call: str = "create"
    key_env: tuple[str, ...] = ()
    base_url_env: str = ""
    host: str = ""


@functools.cache
def sdk(surface: str) -> Sdk:
    """The surface's SDK facts; none for a spec that declares no SDK."""
    data = load(surface).document.get("x-llmconform-sdk") or {}
    return Sdk(call=str(data.get("call", "create")), key_env=tuple(data.get("key-env") or ()),
               base_url_env=str(data.get("base-url-env", "")), host=str(data.get("host", "")))
