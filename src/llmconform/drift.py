"""The drift check: `llmconform spec diff OFFICIAL_FILE [--surface S]` holds a surface's spec in
`openapi/` against a newer official definition the user gives (an OpenAPI document, YAML or JSON,
such as openai-python's `api_reference/openapi.transformed.yml`) and lists what changed, each with
the checks that read it:

- fields added or removed (a schema's properties, following `allOf` and `$ref`, and the inline
  objects of its properties), and changes of `required`;
- enum values added or removed (a schema's own, and each property's, through `anyOf`/`oneOf`/`$ref`
  to enum-only schemas);
- event types added or removed: the members of a union (`oneOf`/`anyOf` of objects, told apart by
  their `type` value, or its `discriminator.mapping`).

A schema of the spec is compared with the official schema its `x-llmconform-official` names (or a
schema pointer in the `x-` annotation recording its source), else with the one of the same name.
The checks that read a schema are found from their declared `source` (a check naming a schema
reads it and every schema it refers to) and the spec's x-llmconform data (the checks an
invalid-input entry or a probe's owners name read the request).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from llmconform import spec
from llmconform.catalogue import Entry

ALIAS = spec.OFFICIAL
THROUGH_SHOWN = 8  # checks named per change on a terminal, through a schema holding it
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
KINDS = ("event type added", "event type removed", "union member added", "union member removed", "field added",
         "field removed", "required added", "required removed", "enum value added", "enum value removed")


class DriftError(ValueError):
    """The official file cannot be compared (missing, unreadable, no OpenAPI document): one line."""


@dataclass
class Change:
    """One difference: what kind, where (`Schema` or `Schema.field.sub`), the value, and who reads it."""

    kind: str
    schema: str  # the spec's schema it was found in
    path: str
    value: str
    official: str = ""  # the official schema's name, where it differs
    checks: list[str] = field(default_factory=list)  # the checks whose source names this schema
    through: list[str] = field(default_factory=list)  # those naming a schema that holds it

    def line(self) -> str:
        name = f" (official {self.official})" if self.official and self.official != self.schema else ""
        return f"{self.kind:20} {self.value}{name}"


@dataclass
class Drift:
    surface: str
    spec_file: str
    official_file: str
    official_title: str
    compared: list[str]
    unmatched: list[str]
    changes: list[Change]

    def to_json(self) -> dict[str, Any]:
        return {"surface": self.surface, "spec_file": self.spec_file, "official_file": self.official_file,
                "official_title": self.official_title,
                "compared": self.compared, "unmatched": self.unmatched,
                "changes": [asdict(change) for change in self.changes]}

    def text(self) -> str:
        head = (f"{self.spec_file} ({self.surface}) against {self.official_file} ({self.official_title}): "
                f"{len(self.compared)} schemas compared, {len(self.changes)} change(s)")
        lines = [head]
        for change in self.changes:
            lines.append(f"  {change.line()}")
            lines.append(f"      read by: {', '.join(change.checks) or '(no check names this schema)'}")
            if change.through:
                # The JSON keeps the whole list; on a terminal a few names say enough.
                shown = change.through[:THROUGH_SHOWN]
                more = f" (+{len(change.through) - len(shown)} more)" if len(change.through) > len(shown) else ""
                lines.append(f"      and through a schema holding it: {', '.join(shown)}{more}")
        if self.unmatched:
            lines.append(f"  not compared (no official schema of that name; give one with {ALIAS}): "
                         + ", ".join(self.unmatched))
        return "\n".join(lines)


# -- reading the documents ---------------------------------------------------------------------

def read_official(path: str | Path) -> dict[str, Any]:
    """The official OpenAPI document; DriftError names what is wrong with the file."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DriftError(f"{path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DriftError(f"{path} cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        data = json.loads(text) if file.suffix == ".json" else yaml.load(text, Loader=_LOADER)
    except (ValueError, yaml.YAMLError) as exc:
        raise DriftError(f"{path} is neither YAML nor JSON ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict) or "openapi" not in data:
        raise DriftError(f"{path} is no OpenAPI document (no `openapi` version at its top)")
    if not isinstance(data.get("components", {}).get("schemas"), dict):
        raise DriftError(f"{path} declares no components.schemas to compare")
    return data


class _Doc:
    """One OpenAPI document's schemas, with the readings the comparison needs."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.schemas: dict[str, Any] = document.get("components", {}).get("schemas", {})

    def ref(self, node: Any) -> str | None:
        target = node.get("$ref") if isinstance(node, dict) else None
        return target.rsplit("/", 1)[-1] if isinstance(target, str) and target.startswith("#/components/schemas/") \
            else None

    def resolve(self, node: Any, depth: int = 0) -> dict[str, Any]:
        name = self.ref(node)
        if name is not None and depth < 8:
            return self.resolve(self.schemas.get(name, {}), depth + 1)
        return node if isinstance(node, dict) else {}

    def parts(self, node: Any, depth: int = 0) -> list[dict[str, Any]]:
        """The object node and the nodes its allOf (and $refs) merge into it."""
        node = self.resolve(node)
        out = [node]
        if depth < 8:
            for part in node.get("allOf", []) or []:
                out += self.parts(part, depth + 1)
        return out

    def properties(self, node: Any) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for part in self.parts(node):
            for name, value in (part.get("properties") or {}).items():
                found.setdefault(name, value)
        return found

    def required(self, node: Any) -> set[str]:
        return {str(name) for part in self.parts(node) for name in part.get("required", []) or []}

    def enums(self, node: Any, depth: int = 0) -> set[str]:
        """Enum and const values of a value's schema, through anyOf / oneOf / allOf / items and $refs
        (not into an object's properties: those are fields of their own)."""
        node = self.resolve(node)
        # null is nullability, not a value of the enum (the official spec says it with anyOf/type).
        values = {json.dumps(v) if not isinstance(v, str) else v for v in node.get("enum", []) or [] if v is not None}
        if "const" in node and node["const"] is not None:
            values.add(node["const"] if isinstance(node["const"], str) else json.dumps(node["const"]))
        if depth < 4:
            for key in ("anyOf", "oneOf", "allOf"):
                for option in node.get(key, []) or []:
                    if not self.properties(option):
                        values |= self.enums(option, depth + 1)
            if isinstance(node.get("items"), dict) and not self.properties(node["items"]):
                values |= self.enums(node["items"], depth + 1)
        return values

    def members(self, node: Any) -> dict[str, str]:
        """A union's members by the `type` value (or discriminator key) that tells them apart,
        each with its schema name; empty when the node is no union of objects."""
        node = self.resolve(node)
        found: dict[str, str] = {}
        mapping = (node.get("discriminator") or {}).get("mapping") or {}
        for key, target in mapping.items():
            found[str(key)] = str(target).rsplit("/", 1)[-1]
        for key in ("oneOf", "anyOf"):
            for option in node.get(key, []) or []:
                name = self.ref(option) or ""
                for value in sorted(self._tags(option)):
                    found.setdefault(value, name)
        return found

    def _tags(self, option: Any, depth: int = 0) -> set[str]:
        """The `type` value(s) a union member carries (a nested union's members' too)."""
        node = self.resolve(option)
        tag = self.properties(node).get("type")
        if tag is not None:
            return {v for v in self.enums(tag) if isinstance(v, str)}
        if depth < 3:
            return {t for key in ("oneOf", "anyOf") for sub in node.get(key, []) or []
                    for t in self._tags(sub, depth + 1)}
        return set()

    def object_of(self, node: Any) -> dict[str, Any] | None:
        """The inline object a property holds (itself, or its one non-null anyOf/oneOf variant)."""
        node = node if isinstance(node, dict) else {}
        if self.ref(node):
            return None
        if node.get("properties") or node.get("allOf"):
            return node
        variants = [v for key in ("anyOf", "oneOf") for v in node.get(key, []) or []
                    if isinstance(v, dict) and v.get("type") != "null"]
        if len(variants) == 1 and not self.ref(variants[0]) and variants[0].get("properties"):
            return variants[0]
        return None

    def references(self, name: str) -> set[str]:
        """The schema names a schema refers to, anywhere inside it."""
        found: set[str] = set()
        stack = [self.schemas.get(name, {})]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                target = self.ref(node)
                if target:
                    found.add(target)
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
        return found


# -- the comparison ----------------------------------------------------------------------------

def _compare(ours: _Doc, theirs: _Doc, name: str, official: str) -> list[Change]:
    changes: list[Change] = []
    ours_node, theirs_node = ours.schemas[name], theirs.schemas[official]

    def add(kind: str, path: str, values: Iterable[str]) -> None:
        changes.extend(Change(kind, name, path, value, official) for value in sorted(values))

    ours_members, theirs_members = ours.members(ours_node), theirs.members(theirs_node)
    if ours_members or theirs_members:
        # A stream's event union (the spec reads it with x-llmconform-events) lists event types.
        what = "event type" if spec.is_event_union(ours_node) else "union member"
        add(f"{what} added", name, [f"{name}: {t} ({theirs_members[t] or 'inline'})"
                                    for t in set(theirs_members) - set(ours_members)])
        add(f"{what} removed", name, [f"{name}: {t} ({ours_members[t] or 'inline'})"
                                      for t in set(ours_members) - set(theirs_members)])
    mine_enum, their_enum = ours.enums(ours_node), theirs.enums(theirs_node)
    if (mine_enum or their_enum) and not ours.properties(ours_node):
        if mine_enum:  # an open value of the spec takes every official one (see _fields)
            add("enum value added", name, [f"{name} = {v}" for v in their_enum - mine_enum])
        add("enum value removed", name, [f"{name} = {v}" for v in mine_enum - their_enum])
    _fields(ours, theirs, ours_node, theirs_node, name, add, depth=0)
    return changes


def _fields(ours: _Doc, theirs: _Doc, ours_node: Any, theirs_node: Any, path: str, add: Any, depth: int) -> None:
    mine, their = ours.properties(ours_node), theirs.properties(theirs_node)
    if not mine and not their:
        return
    add("field added", path, [f"{path}.{p}" for p in set(their) - set(mine)])
    add("field removed", path, [f"{path}.{p}" for p in set(mine) - set(their)])
    mine_required, their_required = ours.required(ours_node), theirs.required(theirs_node)
    add("required added", path, [f"{path}.{p}" for p in their_required - mine_required])
    add("required removed", path, [f"{path}.{p}" for p in mine_required - their_required])
    for prop in sorted(set(mine) & set(their)):
        where = f"{path}.{prop}"
        mine_values, their_values = ours.enums(mine[prop]), theirs.enums(their[prop])
        # A property the spec leaves open (no enum: any string) already takes every official value;
        # listing them as added would bury the real changes (chat's service_tier, the model names).
        if mine_values:
            add("enum value added", where, [f"{where} = {v}" for v in their_values - mine_values])
        add("enum value removed", where, [f"{where} = {v}" for v in mine_values - their_values])
        inline = ours.object_of(mine[prop])
        if inline is not None and depth < 3:
            # An inline object of the spec is held to whatever the official property holds.
            official_node = theirs.object_of(their[prop]) or theirs.resolve(
                next((v for k in ("anyOf", "oneOf") for v in theirs.resolve(their[prop]).get(k, []) or []
                      if isinstance(v, dict) and v.get("type") != "null"), their[prop]))
            _fields(ours, theirs, inline, official_node, where, add, depth + 1)


POINTER = re.compile(r"#/components/schemas/([A-Za-z0-9_.-]+)")


def _official_names(node: Any) -> list[str]:
    """The official names a spec schema gives itself: its x-llmconform-official, then any schema
    pointer (`...openapi.transformed.yml#/components/schemas/X`) in its other `x-` annotations
    that record where it comes from."""
    if not isinstance(node, dict):
        return []
    alias = spec.official_name(node)
    names = [alias] if alias else []
    for key, value in node.items():
        if key.startswith("x-") and key != ALIAS:
            names += POINTER.findall(json.dumps(value))
    return names


def _counterparts(ours: _Doc, theirs: _Doc) -> tuple[dict[str, str], list[str]]:
    """Each spec schema's official counterpart (its x-llmconform-official or recorded source, else
    the same name), and those without one."""
    found, missing = {}, []
    for name, node in ours.schemas.items():
        official = next((n for n in [*_official_names(node), name] if n in theirs.schemas), None)
        if official is not None:
            found[name] = official
        else:
            missing.append(name)
    return found, missing


def guess_surface(document: dict[str, Any], surfaces: Iterable[str]) -> str | None:
    """The surface whose spec shares most schemas with the official document (None: no overlap)."""
    theirs = _Doc(document)
    scored = []
    for surface in surfaces:
        matched, _ = _counterparts(_Doc(spec.load(surface).document), theirs)
        scored.append((len(matched), surface))
    best = max(scored, default=(0, ""))
    return best[1] if best[0] else None


# -- who reads what ----------------------------------------------------------------------------

def readers(surface: str, document: dict[str, Any], entries: list[Entry]) -> dict[str, tuple[list[str], list[str]]]:
    """For each schema of a surface's spec, the checks that read it: (those whose source names it
    or whose x-llmconform data ties them to it, those naming a schema or a part of the spec that
    holds it)."""
    ours = _Doc(document)
    closure = {name: _closure(ours, name) for name in ours.schemas}
    requests, responses = _operation_schemas(ours, document)
    read: dict[str, set[str]] = {name: set() for name in ours.schemas}
    direct: dict[str, set[str]] = {name: set() for name in ours.schemas}
    prefix = f"openapi/{surface}.yaml"
    for entry in entries:
        if entry.id.split("/", 1)[0] != surface and prefix not in entry.source:
            continue
        named = {name for name in ours.schemas if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", entry.source)}
        aliases = {name for name, node in ours.schemas.items() if (alias := spec.official_name(node))
                   and re.search(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", entry.source)}
        named |= aliases
        general = prefix in entry.source and f"{prefix}#/components/schemas/" not in entry.source
        if general and not named:
            # A check citing the spec as a whole reads its operations' requests and/or answers.
            wants_request = "request" in entry.source
            wants_response = "response" in entry.source or "event" in entry.source
            if not wants_request and not wants_response:
                wants_request = wants_response = True
            named |= (requests if wants_request else set()) | (responses if wants_response else set())
            if spec.EVENTS in entry.source:  # a check citing the event vocabulary
                named |= {n for n, node in ours.schemas.items() if spec.is_event_union(node)}
        for name in named:
            direct[name].add(entry.id)
            for reached in closure.get(name, {name}):
                read[reached].add(entry.id)
    for check in spec.checks_named(surface, document):
        for name in requests:
            direct[name].add(check)
            for reached in closure.get(name, {name}):
                read[reached].add(check)
    known = {entry.id for entry in entries}
    return {name: (sorted(c for c in direct[name] if c in known), sorted(c for c in read[name] - direct[name]
                                                                          if c in known)) for name in read}


def _closure(doc: _Doc, name: str) -> set[str]:
    seen, stack = {name}, [name]
    while stack:
        for target in doc.references(stack.pop()):
            if target not in seen and target in doc.schemas:
                seen.add(target)
                stack.append(target)
    return seen


def _operation_schemas(doc: _Doc, document: dict[str, Any]) -> tuple[set[str], set[str]]:
    """The schemas the operations name for their requests, and for their answers (2xx and errors)."""
    requests: set[str] = set()
    responses: set[str] = set()
    for item in (document.get("paths") or {}).values():
        for operation in (item or {}).values():
            if not isinstance(operation, dict):
                continue
            for media in ((operation.get("requestBody") or {}).get("content") or {}).values():
                requests |= {n for n in [doc.ref(media.get("schema"))] if n}
            for answer in (operation.get("responses") or {}).values():
                for media in ((answer or {}).get("content") or {}).values():
                    responses |= {n for n in [doc.ref((media or {}).get("schema"))] if n}
    return requests, responses


# -- the command -------------------------------------------------------------------------------

def diff(official_file: str | Path, surface: str | None, entries: list[Entry], surfaces: Iterable[str],
         spec_file: str | Path | None = None) -> Drift:
    """What changed between a surface's spec (or `spec_file`, read as that surface's) and the
    official definition, and who reads each change."""
    document = read_official(official_file)
    names = list(surfaces)
    if surface is None:
        surface = guess_surface(document, names)
        if surface is None:
            raise DriftError(f"{official_file} shares no schema name with any spec in openapi/: name the surface "
                             f"with --surface ({', '.join(names)})")
    elif surface not in names:
        raise DriftError(f"no surface {surface!r}: one of {', '.join(names)}")
    # A spec file given in place of openapi/<surface>.yaml is read as that surface's.
    label = str(spec_file) if spec_file is not None else f"openapi/{surface}.yaml"
    ours_document = read_official(spec_file) if spec_file is not None else spec.load(surface).document
    ours, theirs = _Doc(ours_document), _Doc(document)
    matched, unmatched = _counterparts(ours, theirs)
    if not matched:
        raise DriftError(f"{official_file} shares no schema name with {label}: nothing to compare (name the "
                         f"official schemas with {ALIAS}, or give the surface it defines with --surface)")
    who = readers(surface, ours_document, entries)
    changes: list[Change] = []
    for name, official in matched.items():
        for change in _compare(ours, theirs, name, official):
            change.checks, change.through = who.get(name, ([], []))
            changes.append(change)
    changes.sort(key=lambda c: (c.schema, KINDS.index(c.kind), c.value))
    title = document.get("info", {}).get("title", "") if isinstance(document.get("info"), dict) else ""
    version = document.get("info", {}).get("version", "") if isinstance(document.get("info"), dict) else ""
    return Drift(surface, label, str(official_file), f"{title} {version}".strip() or "untitled", sorted(matched),
                 sorted(unmatched), changes)
