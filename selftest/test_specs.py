"""The specs in openapi/: valid OpenAPI 3.1, their probes and examples valid against their own
schemas, and the documented cassettes written from the current examples."""

from pathlib import Path

import pytest
import yaml
from openapi_spec_validator import validate

from llmconform import documented, spec
from llmconform.checkid import ID
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
        try:
            request_schema, response_schema = schema_names(path.stem, operation.path)
        except KeyError:
            request_ref = operation.definition["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            request_schema, response_schema = request_ref.rsplit("/", 1)[-1], None
        for name, probe in operation.probes.items():
            body = spec.fill_model(probe["value"], "some-model")
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
            body = spec.fill_model(entry["value"], "some-model")
            assert 400 <= entry.get("expect", 400) < 500, f"{name}: invalid requests expect a 4xx"
            del body  # several are valid by schema alone (rules across fields); the server decides
        if response_schema:
            responses = operation.definition["responses"]["200"]["content"]["application/json"]
            for name, example in (responses.get("examples") or {}).items():
                assert not surface.errors(response_schema, example["value"]), f"{path.stem} response {name}"


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
    ids = [ident for ident, _ in catalogue.checks()]
    assert len(ids) == len(set(ids)), "check ids are unique"
    assert all(ID.match(i) for i in ids), [i for i in ids if not ID.match(i)]
    undocumented = [ident for ident, doc in catalogue.checks() if not doc]
    assert not undocumented, f"checks without a docstring stating their rule: {undocumented}"
