"""Every rule says how binding it is and where it comes from: a check declares `level` ("must": the
official API states it, a break FAILs; "should": it may only WARN) and `source` on its marker. The
reader takes them in any order but refuses a check without them; the plugin never reports a FAIL
of a "should" check (it warns, saying so); every report shows both."""

from __future__ import annotations

import json
from types import SimpleNamespace
from xml.etree import ElementTree as ET

import pytest

from llmconform import catalogue, result
from llmconform.checkid import Binding, binding_of, binding_problems
from llmconform.report import junit, markdown
from llmconform.rows import SHOULD_NOTE, Row, bound
from selftest.harness import row, run

# The stand-in items below carry the suite's own marker, which only the suite's runs register.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnknownMarkWarning")


def _item(*args, params=None, **kwargs):
    """A stand-in for a collected pytest item carrying `@pytest.mark.check(*args, **kwargs)`."""
    marker = pytest.mark.check(*args, **kwargs).mark
    callspec = SimpleNamespace(params=params) if params else None
    return SimpleNamespace(get_closest_marker=lambda name: marker if name == "check" else None, callspec=callspec)


# -- the reader: strict about presence, tolerant of order ---------------------------------------

def test_level_and_source_are_read_in_any_order():
    expected = Binding("must", "openapi/openai-chat.yaml#/components/schemas/ChatCompletion")
    assert binding_of(_item("a/b/c", level="must", source=expected.source)) == expected
    assert binding_of(_item("a/b/c", source=expected.source, level="must")) == expected
    assert binding_of(_item("a/b/c", "must", expected.source)) == expected
    assert binding_of(_item("a/b/c", level=" MUST ", source=expected.source)) == expected


def test_templates_fill_from_the_parameters_as_the_id_does():
    item = _item("{surface}/x/y", level="{level}", source="openapi/{surface}.yaml#/components/schemas/{schema}",
                 params={"surface": "gemini", "schema": "Candidate", "level": "should", "llmconform_target": None})
    assert binding_of(item) == Binding("should", "openapi/gemini.yaml#/components/schemas/Candidate")


@pytest.mark.parametrize(("kwargs", "says"), [
    ({}, "no level"),
    ({"source": "openapi/x.yaml"}, "no level"),
    ({"level": "must"}, "no source"),
    ({"level": "must", "source": "  "}, "no source"),
    ({"level": "may", "source": "openapi/x.yaml"}, "level='may'"),
    ({"level": "should", "source": "openapi/{missing}.yaml"}, "source="),
])
def test_a_check_without_a_valid_level_or_source_is_refused(kwargs, says):
    item = _item("a/b/c", **kwargs)
    assert binding_of(item) is None
    assert any(says in problem for problem in binding_problems(item)), binding_problems(item)


def test_a_run_refuses_a_suite_with_an_undeclared_level(tmp_path):
    """A check without its level and source is the suite's bug: the run says which and exits 2
    before a check runs (here a replay, which needs no key)."""
    from selftest.test_new_check import _copy, _run

    copy = tmp_path / "project"
    _copy(copy)
    test_file = copy / "tests/openai_chat/test_response.py"
    test_file.write_text(test_file.read_text() + '\n\n@pytest.mark.check("openai-chat/response/unbound")\n'
                         'def test_unbound(basic):\n    """A check that forgot its level and source."""\n')
    refused = _run(copy, "-m", "llmconform.cli", "run", "--replay", "--profile", str(copy / "vendors/toapis.yaml"),
                   "--report-json", str(tmp_path / "report.json"))
    assert refused.returncode == 2, refused.stdout[-2000:] + refused.stderr[-2000:]
    assert "test_unbound" in refused.stderr and "no level" in refused.stderr and "no source" in refused.stderr
    assert not (tmp_path / "report.json").exists(), "no report of a suite that is broken"


# -- the plugin: a SHOULD never fails ----------------------------------------------------------

def test_a_should_fail_is_a_warn_saying_so():
    downgraded = bound(Row("s/c/n", "s", "fail", "expected x; received y"), Binding("should", "a source"))
    assert (downgraded.verdict, downgraded.level, downgraded.source) == ("warn", "should", "a source")
    assert SHOULD_NOTE in downgraded.message and downgraded.evidence["downgraded"] == SHOULD_NOTE
    kept = bound(Row("s/c/n", "s", "fail", "expected x"), Binding("must", "a source"))
    assert (kept.verdict, kept.message) == ("fail", "expected x")
    warned = bound(Row("s/c/n", "s", "warn", "expected x"), Binding("should", "a source"))
    assert (warned.verdict, warned.message) == ("warn", "expected x")


def test_a_should_check_broken_outright_warns_in_the_report(fake):
    """usage is optional in the official CreateChatCompletionResponse: its absence fails the check's
    own assertion, and the report says WARN, the rule's level and source, and why it is no FAIL."""
    with fake.faulty("chat.usage-missing"):
        code, report, _ = run(fake.base_url, "openai-chat", checks=["openai-chat/response/usage-present"])
    found = row(report, "openai-chat/response/usage-present")
    assert found["verdict"] == "warn" and SHOULD_NOTE in found["message"], found
    assert found["rule"]["level"] == "should" and "CreateChatCompletionResponse.usage" in found["rule"]["source"]
    assert code == 0, "a WARN is no failure of the run"
    assert not result.problems(report)


# -- the reports show both ---------------------------------------------------------------------

def test_every_report_row_shows_the_level_and_the_source(fake):
    code, report, _ = run(fake.base_url, "openai-chat", checks=["openai-chat/stream/done-sentinel",
                                                                  "openai-chat/response/usage-present"])
    assert code == 0 and not result.problems(report)
    for data in report["results"]:
        assert data["rule"]["level"] in ("must", "should") and data["rule"]["source"] and data["rule"]["text"]
    loaded = result.parse(json.loads(json.dumps(report)))[0]
    done = loaded.row("openai-chat/stream/done-sentinel")
    assert done is not None and done.level == "must" and "[DONE]" in done.source
    text = markdown.render([loaded])
    assert "| `openai-chat/stream/done-sentinel` | " in text and "| MUST |" in text and "| SHOULD |" in text
    cases = {case.get("name"): case for case in ET.fromstring(junit.render([loaded])).iter("testcase")}
    properties = {p.get("name"): p.get("value") for p in cases["openai-chat/stream/done-sentinel"].iter("property")}
    assert properties["rule.level"] == "must" and "[DONE]" in properties["rule.source"]


def test_a_report_of_an_older_llmconform_still_reads():
    """Before rules carried a level and a source, `rule` was the text alone."""
    old = {"id": "a/b/c", "surface": "a", "verdict": "pass", "message": "", "evidence": {}, "reproduce": "",
           "rule": "The rule."}
    read = result.Row.from_json(old)
    assert (read.rule, read.level, read.source) == ("The rule.", "", "")
    assert read.to_json()["rule"] == {"text": "The rule.", "level": "", "source": ""}


def test_checks_verbose_lists_each_checks_level_rule_and_source():
    from selftest.harness import cli

    code, out = cli("checks", "-v")
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert code == 0 and len(lines) == len(catalogue.checks())
    done = lines["openai-chat/stream/done-sentinel"]
    assert "  MUST  " in done and "[source: openai-python api_reference/openapi.transformed.yml" in done
    assert "  SHOULD  " in lines["openai-chat/fingerprint/persona"]
    text = catalogue.render(catalogue.checks())
    assert "- `openai-chat/stream/done-sentinel` (MUST) — The last event is `data: [DONE]`. Source: " in text
