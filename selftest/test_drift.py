"""The drift check (`llmconform spec diff`): two versions of a small official definition
(`selftest/drift/official-v1.yaml`, then `official-v2.yaml` a release later) — every change
between them is listed with the checks that read it, and nothing is listed between equal ones."""

from __future__ import annotations

import json

import pytest

from llmconform import catalogue, drift
from llmconform.profile import SURFACES
from selftest.harness import ROOT, cli

V1, V2 = ROOT / "selftest/drift/official-v1.yaml", ROOT / "selftest/drift/official-v2.yaml"

# (kind, value) of each change from v1 to v2, and a check that must be named as reading it (its
# source names the schema: openapi/openai-responses.yaml#/components/schemas/...).
EXPECTED = {
    ("event type added", "ResponseStreamEvent: response.web_search_call.searching "
                         "(ResponseWebSearchCallSearchingEvent)"): "openai-responses/stream/event-schema",
    ("event type removed", "ResponseStreamEvent: response.output_text.annotation.added "
                           "(ResponseOutputTextAnnotationAddedEvent)"): "openai-responses/stream/event-schema",
    ("field added", "Response.prompt_cache_key"): "openai-responses/response/status",
    ("field removed", "Response.user"): "openai-responses/fingerprint/extension-fields",
    ("enum value added", "Response.service_tier = fast"): "openai-responses/response/status",
    ("enum value added", "Response.service_tier = ultrafast"): "openai-responses/response/status",
    ("enum value added", "CreateResponseRequest.reasoning.effort = max"): "openai-responses/request/unknown-params",
    ("enum value removed", "CreateResponseRequest.reasoning.effort = minimal"):
        "openai-responses/request/unknown-params",
    ("field added", "ResponseOutputTextDeltaEvent.logprobs"): "openai-responses/stream/text-joins",
    ("required added", "ResponseOutputTextDeltaEvent.logprobs"): "openai-responses/stream/text-joins",
    ("required added", "FunctionCallItem.status"): "openai-responses/tools/call-fields",
    ("required removed", "ResponseUsage.total_tokens"): "openai-responses/usage/arithmetic",
}


def _diff(official, spec_file=V1):
    return drift.diff(official, "openai-responses", catalogue.checks(), SURFACES, spec_file)


def test_every_change_between_two_versions_is_listed_with_its_readers():
    found = _diff(V2)
    listed = {(c.kind, c.value): c for c in found.changes}
    assert set(listed) == set(EXPECTED), (sorted(set(listed) - set(EXPECTED)), sorted(set(EXPECTED) - set(listed)))
    for key, check in EXPECTED.items():
        assert check in listed[key].checks, f"{key}: {listed[key].checks}"
    # A check that names an event schema is said to read it directly; one naming only the response
    # reads the event's Response through the events that hold it, and is said to.
    delta = listed[("field added", "ResponseOutputTextDeltaEvent.logprobs")]
    assert "openai-responses/usage/arithmetic" not in delta.checks + delta.through
    assert "openai-responses/stream/event-schema" in delta.through
    # The request's readers include the checks the spec's x-llmconform data ties to it.
    effort = listed[("enum value added", "CreateResponseRequest.reasoning.effort = max")]
    assert "openai-responses/invalid/missing-model" in effort.checks


def test_a_value_the_spec_leaves_open_takes_every_official_one(tmp_path):
    """A property the spec declares as any string (no enum) already accepts the values a newer
    official definition lists: they are not reported as added, the other changes still are."""
    opened = tmp_path / "open.yaml"
    opened.write_text(V1.read_text(encoding="utf-8").replace(
        "- {type: string, enum: [auto, default, flex, priority]}", "- {type: string}"), encoding="utf-8")
    found = {(c.kind, c.value) for c in _diff(V2, opened).changes}
    assert not {v for k, v in found if v.startswith("Response.service_tier")}, found
    assert found == {key for key in EXPECTED if not key[1].startswith("Response.service_tier")}


def test_equal_versions_have_no_drift():
    found = _diff(V1)
    assert not found.changes and "ResponseStreamEvent" in found.compared


def test_the_command_lists_the_changes_and_exits_1(tmp_path):
    code, out = cli("spec", "diff", str(V2), "--surface", "openai-responses", "--spec", str(V1), "--json")
    assert code == 1, out
    data = json.loads(out)
    assert {(c["kind"], c["value"]) for c in data["changes"]} == set(EXPECTED)
    code, out = cli("spec", "diff", str(V2), "--surface", "openai-responses", "--spec", str(V1))
    assert code == 1 and "event type added     ResponseStreamEvent: response.web_search_call.searching" in out
    assert "read by: " in out and "openai-responses/stream/event-schema" in out
    code, out = cli("spec", "diff", str(V1), "--surface", "openai-responses", "--spec", str(V1))
    assert code == 0 and "0 change(s)" in out


def test_the_shipped_spec_is_compared_and_its_surface_guessed():
    """Against the real openapi/openai-responses.yaml the surface is found by the schemas it shares,
    and its changes are listed with checks of the shipped suite (the small v2 lacks most of the
    Response's fields, which the spec has)."""
    found = drift.diff(V2, None, catalogue.checks(), SURFACES)
    assert found.surface == "openai-responses" and found.spec_file == "openapi/openai-responses.yaml"
    known = {entry.id for entry in catalogue.checks()}
    assert all(set(c.checks + c.through) <= known for c in found.changes)
    fields = [c for c in found.changes if c.kind == "field removed" and c.value.startswith("Response.")]
    assert fields and all("openai-responses/response/schema" in c.checks for c in fields)


@pytest.mark.parametrize(("content", "says"), [
    (None, "does not exist"),
    ("{not: [valid", "neither YAML nor JSON"),
    ("title: not an api\n", "no OpenAPI document"),
    ("openapi: 3.1.0\ninfo: {title: t, version: '1'}\n", "no components.schemas"),
    ("openapi: 3.1.0\ncomponents: {schemas: {Unrelated: {type: object}}}\n", "shares no schema name"),
])
def test_an_unusable_official_file_is_one_line_and_exit_2(tmp_path, content, says):
    path = tmp_path / "official.yaml"
    if content is not None:
        path.write_text(content)
    code, out = cli("spec", "diff", str(path))
    assert code == 2 and says in out and len(out.strip().splitlines()) == 1, out
    assert "Traceback" not in out


def test_a_surface_sharing_nothing_with_the_file_is_refused():
    code, out = cli("spec", "diff", str(V2), "--surface", "openai-chat")
    assert code == 2 and "shares no schema name with openapi/openai-chat.yaml" in out, out


@pytest.mark.parametrize("annotation", ["x-llmconform-official: ResponseUsage",
                                        "x-llmconform-source: openai-python api_reference/openapi.transformed.yml"
                                        "#/components/schemas/ResponseUsage"])
def test_a_spec_schema_named_otherwise_is_compared_with_the_official_one_it_names(tmp_path, annotation):
    text = V1.read_text().replace("    ResponseUsage:\n", f"    Usage:\n      {annotation}\n")
    text = text.replace("#/components/schemas/ResponseUsage", "#/components/schemas/Usage", 1)
    ours = tmp_path / "ours.yaml"
    ours.write_text(text)
    found = _diff(V2, ours)
    total = [c for c in found.changes if c.kind == "required removed"]
    assert [(c.schema, c.official, c.value) for c in total] == [("Usage", "ResponseUsage", "Usage.total_tokens")]
    assert "(official ResponseUsage)" in total[0].line()
