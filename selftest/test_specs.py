"""The specs in openapi/: valid OpenAPI 3.1, their probes and examples valid against their own
schemas, and the documented cassettes written from the current examples."""

from pathlib import Path

import pytest
import yaml
from openapi_spec_validator import validate

from llmconform import documented, spec
from llmconform.checkid import ID, LEVELS
from llmconform.fuzz import schema_names

SPECS = sorted(spec.spec_dir().glob("*.yaml"))


@pytest.mark.parametrize("path", SPECS, ids=[p.stem for p in SPECS])
def test_spec_is_valid_openapi(path: Path):
    document = yaml.safe_load(path.read_text())
    assert document["openapi"].startswith("3.1"), f"{path.name} is OpenAPI {document['openapi']}"
    validate(document)


@pytest.mark.parametrize("path", SPECS, ids=[p.stem for p in SPECS])
def test_probes_and_examples_validate(path: Path):
    surface = spec.load(path.stem)
    for operation in surface.operations():
        if "requestBody" not in operation.definition:
            continue  # a GET without a body (models): no request schema to hold probes against
        if "application/json" not in operation.definition["requestBody"].get("content", {}):
            continue  # a multipart upload (a transcription's clip): only its builder can make it
        try:
            request_schema, response_schema = schema_names(path.stem, operation.path)
        except KeyError:
            request_ref = operation.definition["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            request_schema, response_schema = request_ref.rsplit("/", 1)[-1], None
        for name, probe in operation.probes.items():
            if name in surface.sequences:
                continue  # a sequence: its steps' bodies are held to their own operations' schemas below
            body = spec.fill_model(probe.value, "some-model")
            problems = surface.errors(request_schema, body)
            assert not problems, f"{path.stem} probe {name}: {problems}"
        for name, body in operation.examples.items():
            if name.endswith("-invalid"):
                continue
            problems = surface.errors(request_schema, body)
            # Documented requests may carry what the API does not define (typos): the schemas are open,
            # so only a wrong type or a missing field shows here.
            assert not problems, f"{path.stem} example {name}: {problems}"
        for name, entry in operation.invalid.items():
            body = spec.fill_model(entry.value, "some-model")
            assert 400 <= entry.expect < 500, f"{name}: invalid requests expect a 4xx"
            del body  # several are valid by schema alone (rules across fields); the server decides
        if response_schema:
            responses = operation.definition["responses"]["200"]["content"]["application/json"]
            departs = operation.departures
            for name, example in (responses.get("examples") or {}).items():
                problems = surface.errors(response_schema, example["value"])
                # A document's answer kept as shown although it departs from the relay's own shape
                # says so, and does depart (a marker left after a fix would hide the next departure).
                assert bool(problems) == (name in departs), f"{path.stem} response {name}: {problems or 'no departure'}"


@pytest.mark.parametrize("path", SPECS, ids=[p.stem for p in SPECS])
def test_sequence_steps_validate(path: Path):
    """Every step of every sequence probe is well formed (`spec.parse_steps`), and a step's body
    matches the request schema of the operation it goes to."""
    surface = spec.load(path.stem)
    for name, steps in surface.sequences.items():
        for step in steps:
            if step.value is None:
                continue
            operation = surface.operation(step.path, step.method.lower())
            ref = operation.definition["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            problems = surface.errors(ref.rsplit("/", 1)[-1], spec.fill_model(step.value, "some-model"))
            assert not problems, f"{path.stem} probe {name} step {step.name}: {problems}"


def test_documented_cassettes_are_current(tmp_path):
    fresh = documented.write(tmp_path)
    assert fresh, "no documented exchange in any spec"
    root = spec.spec_dir().parent / "cassettes"
    for path in fresh:
        committed = root / path.relative_to(tmp_path)
        assert committed.exists() and committed.read_text() == path.read_text(), (
            f"{committed} is stale: run `python -m llmconform.documented`")


def test_checks_catalogue_is_current():
    from llmconform import catalogue

    assert catalogue.main(["--check"]) == 0, "CHECKS.md is stale: run python -m llmconform.catalogue"
    ids = [entry.id for entry in catalogue.checks()]
    assert len(ids) == len(set(ids)), "check ids are unique"
    assert all(ID.match(i) for i in ids), [i for i in ids if not ID.match(i)]
    undocumented = [entry.id for entry in catalogue.checks() if not entry.rule]
    assert not undocumented, f"checks without a docstring stating their rule: {undocumented}"


def test_every_check_declares_its_level_and_source():
    """Every collected check (each parametrized case too) says how binding its rule is — "must"
    (the official API states it) or "should" — and names the source it comes from."""
    from llmconform import catalogue

    assert not catalogue.undeclared(), catalogue.undeclared()
    entries = catalogue.checks()
    assert all(entry.level in LEVELS for entry in entries), [e.id for e in entries if e.level not in LEVELS]
    assert all(entry.source.strip() and "{" not in entry.source for entry in entries), (
        [e.id for e in entries if not e.source.strip() or "{" in e.source])


# -- shapes live in openapi/ only ------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "llmconform"
# The checks too: they read names through the surfaces modules and spec.py, as the library does.
SCANNED = (SRC, ROOT / "tests")


def _vocabulary() -> dict[str, str]:
    """Every name the specs declare for the code to read — stream event and delta types, error
    kinds by status, official id prefixes, required header values — each with where it is declared.
    Plain lowercase words (`error`, `ping`) are left out: they are also ordinary field names."""
    found: dict[str, str] = {}
    for name in [p.stem for p in SPECS]:
        definitions = spec.load(name)

        def add(values, where, name=name):
            for value in values:
                found.setdefault(str(value), f"{name}: {where}")

        for schema_name in definitions.schemas:
            if schema_name in definitions.event_unions():
                add(definitions.vocabulary(schema_name).types(), f"{schema_name} x-llmconform-events")
                add(definitions.mapping(schema_name), f"{schema_name} discriminator")
            for table in ("delta-types",):
                try:
                    blocks = definitions.table(schema_name, table)
                except KeyError:
                    continue
                add({v for vs in blocks.values() for v in vs}, f"{schema_name} x-llmconform-{table}")
            try:
                _, kinds = definitions.by_status(schema_name)
            except KeyError:
                kinds = {}
            add({k for ks in kinds.values() for k in ks}, f"{schema_name} x-llmconform-by-status")
        add(definitions.declared_id_prefixes(), "x-llmconform-id-prefix")
        for operation in definitions.operations():
            add([value for _, value in definitions.header_defaults(operation.path, operation.method,
                                                                   required=False)], "header default")
    return {value: where for value, where in found.items() if not value.isalpha() or not value.islower()}


def test_no_module_declares_a_name_the_specs_declare():
    """No module under src/ or tests/ spells out an event type, delta type, error kind, id prefix or
    header value that a spec declares: the code names a role and reads the value through spec.py."""
    import ast

    vocabulary = _vocabulary()
    assert {"content_block_delta", "text_delta", "response.output_text.delta", "invalid_request_error",
            "INVALID_ARGUMENT", "chatcmpl-", "resp_", "toolu_", "2023-06-01"} <= set(vocabulary)
    found = []
    for path in sorted(p for root in SCANNED for p in root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in vocabulary:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r} ({vocabulary[node.value]})")
    assert not found, "names the specs declare, spelled out in Python:\n" + "\n".join(found)


def test_every_surface_spec_declares_what_the_code_reads():
    """What the code reads from a spec is there, and consistent with the spec's own schemas: each
    role of a stream vocabulary is one of the stream's types, delta types are the delta union's,
    error kinds by status are the kind's enum; a surface that counts output tokens declares where
    its request caps them (a field of its request schema)."""
    from llmconform.surfaces import SURFACE_MODULES

    for name, surface in SURFACE_MODULES.items():
        definitions = spec.load(name)
        assert surface.usage == definitions.usage
        if name != "models":
            assert definitions.usage.at and definitions.usage.input, f"{name}: no x-llmconform-usage"
        if definitions.usage.output:
            limit = definitions.operation(surface.path).output_limit
            assert limit is not None, f"{name} {surface.path}: no x-llmconform-output-limit"
            request_schema = schema_names(name, surface.path)[0]
            definitions.node(request_schema, limit.field)  # raises when the request has no such field
        for schema_name in definitions.schemas:
            if schema_name in definitions.event_unions():
                types = set(definitions.mapping(schema_name))
                vocabulary = definitions.vocabulary(schema_name)
                roles = {role: vocabulary.all(role) for role in vocabulary.roles() if not vocabulary.is_table(role)}
                delta_types = {t for s in definitions.schemas for t in
                               _delta_union(definitions, s)}
                for role, values in roles.items():
                    assert set(values) <= types | delta_types, f"{name} {schema_name} {role}: {values}"
            try:
                blocks = definitions.table(schema_name, "delta-types")
            except KeyError:
                blocks = {}
            if blocks:
                deltas = set(definitions.mapping(schema_name, "delta"))
                for block, allowed in blocks.items():
                    assert set(allowed) <= deltas, f"{name}: {block} streams {allowed}"
            try:
                path, kinds = definitions.by_status(schema_name)
            except KeyError:
                continue
            enum = set(definitions.node(schema_name, path).get("enum") or [])
            assert {k for ks in kinds.values() for k in ks} <= enum, f"{name} {schema_name}.{path}"
    assert spec.load("models").by_status("AnthropicErrorResponse") == \
        spec.load("anthropic-messages").by_status("ErrorResponse")


def _delta_union(definitions, schema_name):
    try:
        return definitions.mapping(schema_name, "delta")
    except KeyError:
        return {}
