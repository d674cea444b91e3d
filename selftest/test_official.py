"""Answers written from the official definitions (selftest/official/<surface>/*.json) pass every check.

Each example is one answer the official API gives to one of the suite's probes, written by hand from
the vendor's machine-readable definition (named in its `source`): the loopback fake serves it in
place of its own answer to that probe (same path, same JSON body, a valid key), and the whole suite
of the surface runs. No check may FAIL or WARN; a check may be left undecided (error) only with a
reason the example declares in `undecided` (a limit spent on thinking leaves no text to judge).

An example file holds:
    about       what official behaviour it shows
    source      the official definition it follows (repository, path, commit or date)
    probe       the probe it answers (an `x-llmconform-probes` name of the surface's spec, or
                `invalid:<name>` of its `x-llmconform-invalid`: an error answer, with `status`)
    query       optional, appended to the probe's path (Gemini's streams: "?alt=sse")
    answer      the JSON body answered, or
    events      a stream: a list of [event name or null, data] answered as server-sent events
    headers     optional, response headers the official API sends beside it (Anthropic's request-id)
    undecided   optional, the phrases an undecided row's message may carry

Examples that answer different probes share a run; two for the same probe run apart. A new
example is a new file: nothing here changes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from llmconform import spec
from selftest.fakes import MODEL
from selftest.fakes.server import Reply, canonical_json, sse_data, sse_event
from selftest.harness import run

OFFICIAL = Path(__file__).parent / "official"
ALLOWED = ("pass", "skip")


def examples(surface: str) -> list[tuple[str, dict[str, Any]]]:
    return [(p.name, json.loads(p.read_text(encoding="utf-8"))) for p in sorted((OFFICIAL / surface).glob("*.json"))]


def rounds(surface: str) -> list[list[tuple[str, dict[str, Any]]]]:
    """The examples of a surface in runs of at most one per (probe, query)."""
    found: list[list[tuple[str, dict[str, Any]]]] = []
    for name, example in examples(surface):
        key = (example["probe"], example.get("query", ""))
        free = next((r for r in found if all((e["probe"], e.get("query", "")) != key for _, e in r)), None)
        if free is None:
            free = []
            found.append(free)
        free.append((name, example))
    return found


def request_of(surface: str, example: dict[str, Any]) -> tuple[str, str]:
    """(path with query, canonical JSON body) the suite sends for the example's probe to the fake."""
    name = example["probe"]
    for operation in spec.load(surface).operations():
        # `invalid:<name>`: a request the API refuses (x-llmconform-invalid), answered with its error body.
        entry = operation.invalid.get(name.removeprefix("invalid:")) if name.startswith("invalid:") else \
            operation.probes.get(name)
        if entry is not None:
            body = spec.fill_model(entry.value, MODEL)
            return spec.fill_model(operation.path, MODEL) + example.get("query", ""), canonical_json(body)
    raise KeyError(f"{surface} spec has no probe {example['probe']}")


def reply_of(example: dict[str, Any]) -> Reply:
    headers = {str(k): str(v) for k, v in example.get("headers", {}).items()}
    if "events" in example:
        return Reply.sse([sse_event(name, data) if name else sse_data(data) for name, data in example["events"]],
                         **headers)
    return Reply.json(example["answer"], int(example.get("status", 200)), **headers)


SURFACES = sorted(p.name for p in OFFICIAL.iterdir() if p.is_dir()) if OFFICIAL.is_dir() else []
CASES = [(surface, n) for surface in SURFACES for n in range(len(rounds(surface)))]


def test_every_example_names_its_source_and_probe():
    for surface in SURFACES:
        for name, example in examples(surface):
            assert example.get("source") and example.get("about"), f"{surface}/{name}: about and source"
            assert ("answer" in example) != ("events" in example), f"{surface}/{name}: an answer or events"
            request_of(surface, example)


@pytest.mark.parametrize(("surface", "index"), CASES, ids=[f"{s}-{n}" for s, n in CASES])
def test_official_answers_pass(fake, surface, index):
    batch = rounds(surface)[index]
    answers = {request_of(surface, example): reply_of(example) for _, example in batch}
    undecided = [phrase for _, example in batch for phrase in example.get("undecided", [])]
    with fake.serving(answers):
        _, report, out = run(fake.base_url, surface)
        unserved = [name for name, example in batch if request_of(surface, example) not in fake.official_served]
    assert report.get("results"), out[-2000:]
    # An example no request of the run asked for judged nothing (its probe's body or path differs).
    assert not unserved, f"official answers never requested by the suite: {unserved}"
    wrong = {row["id"]: f"{row['verdict']}: {row['message'][:300]}" for row in report["results"]
             if row["verdict"] not in ALLOWED
             and not (row["verdict"] == "error" and any(p in row["message"] for p in undecided))}
    assert not wrong, f"official answers {[n for n, _ in batch]} judged: {json.dumps(wrong, indent=1)}"
