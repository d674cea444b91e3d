"""The OpenAPI specs in `openapi/`: the only place shapes are declared.

Checks validate bodies and stream events against `components.schemas` by name, and take the
requests they send from the operation's `x-llmconform-probes` / `x-llmconform-invalid`.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from typing import Any

import yaml
from jsonschema import Draft202012Validator
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
        """Violations of the named schema, each as `path: message`, most specific first."""
        found = sorted(self.validator(schema_name).iter_errors(instance), key=lambda e: -len(e.absolute_path))
        return [f"{e.json_path}: {excerpt(e.message, 160)}" for e in found[:limit]]

    def check(self, schema_name: str, instance: Any, what: str = "") -> None:
        """Fail with every violation (up to a few) unless `instance` matches the named schema."""
        problems = self.errors(schema_name, instance)
        if problems:
            raise Fail(f"{what or 'a body'} matching {self.surface} schema {schema_name}", "; ".join(problems),
                       schema=schema_name, violations=problems)

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


@functools.cache
def load(surface: str) -> Spec:
    path = spec_dir() / f"{surface}.yaml"
    with path.open(encoding="utf-8") as handle:
        return Spec(surface, yaml.load(handle, Loader=_LOADER))


def fill_model(value: Any, model: str) -> Any:
    """A deep copy of a probe with every "{model}" replaced by the profile's model."""
    if isinstance(value, str):
        return value.replace("{model}", model)
    if isinstance(value, dict):
        return {k: fill_model(v, model) for k, v in value.items()}
    if isinstance(value, list):
        return [fill_model(v, model) for v in value]
    return copy.deepcopy(value)
