"""The OpenAPI specs in `openapi/`: the only place shapes are declared, and this module the one
reader of them.

Checks validate bodies and stream events against `components.schemas` by name, and take the
requests they send from the operation's `x-llmconform-probes` / `x-llmconform-invalid`. What the
code reads beyond schemas is data in the specs too, read here through small typed accessors:
discriminator mappings, a stream's vocabulary by role (`x-llmconform-events`), the error kind
each status is paired with (`x-llmconform-by-status`), official id prefixes
(`x-llmconform-id-prefix`), where usage sits (`x-llmconform-usage`), an operation's output limit
(`x-llmconform-output-limit`) and the headers it requires.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from llmconform.paths import spec_dir
from llmconform.verdict import Fail, excerpt

# libyaml's safe loader when present: the specs are read on every run.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Operation:
    path: str
    method: str
    definition: dict[str, Any]

    def _named(self, key: str) -> dict[str, dict[str, Any]]:
        return self.definition.get(key) or {}

    @property
    def probes(self) -> dict[str, dict[str, Any]]:
        return self._named("x-llmconform-probes")

    @property
    def invalid(self) -> dict[str, dict[str, Any]]:
        return self._named("x-llmconform-invalid")

    @property
    def examples(self) -> dict[str, Any]:
        content = (self.definition.get("requestBody") or {}).get("content", {}).get("application/json", {})
        return {name: ex["value"] for name, ex in (content.get("examples") or {}).items() if "value" in ex}

    @property
    def example_paths(self) -> dict[str, str]:
        """The URL path a documented request was sent to (`x-llmconform-path`), where the path
        names more than the operation's template does (Gemini's model, `?alt=sse`)."""
        content = (self.definition.get("requestBody") or {}).get("content", {}).get("application/json", {})
        return {name: ex["x-llmconform-path"] for name, ex in (content.get("examples") or {}).items()
                if isinstance(ex.get("x-llmconform-path"), str)}

    @property
    def output_limit(self) -> OutputLimit | None:
        """The request field that caps the answer's length (`x-llmconform-output-limit`)."""
        found = self.definition.get("x-llmconform-output-limit")
        if not isinstance(found, dict):
            return None
        return OutputLimit(field=str(found["field"]), cap=int(found["cap"]),
                           also=tuple(str(n) for n in found.get("also") or ()))

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

SEQUENCE_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
MAX_POLLS = 20  # the most polls a step may declare: polling is bounded in count whatever a spec says
MAX_EVERY_S = 30.0  # the longest interval between two polls a step may declare
# Where a link puts what it found: a path, query or header parameter, or a place in the body.
LINK_TARGET = re.compile(r"^(path|query|header)\.[A-Za-z0-9_.-]+$|^body(#(/[^/]*)*)?$")
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
        if method.lower() not in (spec.document.get("paths", {}).get(path) or {}):
            raise ValueError(f"{where}: step {name}: the spec declares no {method} {path}")
        links = entry.get("links") or {}
        if not isinstance(links, dict):
            raise ValueError(f"{where}: step {name} `links` must map a target to a runtime expression")
        for target, source in links.items():
            if not LINK_TARGET.match(str(target)):
                raise ValueError(f"{where}: step {name} link target {target!r} is not path.X, query.X, header.X "
                                 "or body#/pointer")
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

    def check(self, schema_name: str, instance: Any, what: str = "") -> None:
        """Fail with every violation (up to a few) unless `instance` matches the named schema."""
        problems = self.errors(schema_name, instance)
        if problems:
            raise Fail(f"{what or 'a body'} matching {self.surface} schema {schema_name}", "; ".join(problems),
                       schema=schema_name, violations=problems)

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
        return Vocabulary(f"{self.surface} {schema_name}", self.schema(schema_name).get("x-llmconform-events") or {})

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
        return {name: parse_steps(self, operation, name, entry["steps"]) for operation in self.operations()
                for name, entry in operation.probes.items() if isinstance(entry, dict) and "steps" in entry}

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


def least_reasoning(surface: str, model: str, features: frozenset[str] | set[str], body: Any) -> Any:
    """A probe's body with reasoning turned off or to its minimum where the spec's
    `x-llmconform-least-reasoning` says the model allows it: a probe that tests an output limit must
    not see the limit go to thinking (Gemini 2.5 and 3 think by default). Only probes whose output
    limit is at most `up-to`, only the first rule whose `model` pattern matches the model (a name
    the table does not know gets nothing: a parameter a model refuses would fail every probe), only
    when the profile declares `feature` where the table names one, and never over a setting the
    probe makes itself."""
    table = load(surface).document.get("x-llmconform-least-reasoning") or {}
    limit = output_limit_of(surface, body)
    if not table or not isinstance(body, dict) or limit is None or limit > int(table.get("up-to", 0)):
        return body
    if table.get("feature") and table["feature"] not in features:
        return body
    name = model.removeprefix("models/")
    rule = next((r for r in table.get("rules") or [] if re.search(str(r["model"]), name)), None)
    if rule is None:
        return body
    merged = copy.deepcopy(body)
    _fill(merged, rule["set"])
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


@functools.cache
def load(surface: str) -> Spec:
    path = spec_dir() / f"{surface}.yaml"
    with path.open(encoding="utf-8") as handle:
        return Spec(surface, yaml.load(handle, Loader=_LOADER))


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


def fill_model(value: Any, model: str) -> Any:
    """A deep copy of a probe with every "{model}" replaced by the profile's model."""
    if isinstance(value, str):
        return value.replace("{model}", model)
    if isinstance(value, dict):
        return {k: fill_model(v, model) for k, v in value.items()}
    if isinstance(value, list):
        return [fill_model(v, model) for v in value]
    return copy.deepcopy(value)
