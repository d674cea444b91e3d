"""Reports a person reads at a glance and a CI can trust.

Each misleading case the reports had gets a test here: multi-vendor files that held the first
vendor only, `compare` columns keyed by vendor name, baselines that saw pass → fail only, curl lines
that sent the good key for the wrong-key probe or dropped the declared auth header, schema messages
that hid the failing field, bare SDK exceptions, and a replay skip message that was not true.
"""

import ast
import copy
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import yaml

from llmconform import result, spec
from llmconform.exchange import WRONG_KEY
from llmconform.report import markdown
from selftest.fakes import KEY, MODEL
from selftest.harness import KEY_ENV, ROOT, row, run, verdicts


def _cli(*args, env=None, timeout=300):
    environment = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "llmconform.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env=environment)


def _profile(tmp_path, base_url, name="fake", surface="openai-chat"):
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"name": name, "base_url": base_url, "auth": {"env": KEY_ENV},
                                    "surfaces": {surface: {"model": MODEL, "features": ["stream"]}}}))
    return path


def _vendor(name):
    return ["--profile", str(ROOT / "vendors" / f"{name}.yaml")]


def _rewrite(path, change):
    data = json.loads(Path(path).read_text())
    change(data)
    if "results" in data:
        data["summary"] = {v: sum(r["verdict"] == v for r in data["results"]) for v in data["summary"]}
    Path(path).write_text(json.dumps(data))
    return path


# -- one result model, declared once ----------------------------------------------------------

def test_the_report_schema_ships_in_the_package():
    assert result.schema()["$id"] == "urn:llmconform:report:1"
    assert '"schemas/*.json"' in (ROOT / "pyproject.toml").read_text(), "the schema must be package data"
    assert "src/llmconform/schemas/*.json" in (ROOT / "MANIFEST.in").read_text(), "and in the sdist"


def test_every_written_report_matches_the_schema(offline):
    files = [*sorted(offline["dir"].glob("*.json")), offline["root"] / "all.json"]
    assert len(files) == len(offline["vendors"]) + 2  # one per vendor, combined.json, all.json
    for path in files:
        data = json.loads(path.read_text())
        assert result.problems(data) == [], path
        assert data["schema_version"] == result.SCHEMA_VERSION


def test_a_garbage_report_is_refused_naming_the_field(offline, tmp_path):
    path = _rewrite(shutil.copy(offline["dir"] / "mixrouter.json", tmp_path / "bad.json"),
                    lambda d: d["results"][3].update(verdict="maybe"))
    with pytest.raises(result.ReportError, match=r"bad\.json .*\$\.results\[3\]\.verdict: 'maybe' is not one of"):
        result.load(path)


# -- multi-vendor runs: every file holds every vendor -----------------------------------------

def test_named_report_files_hold_every_vendor(offline):
    vendors = offline["vendors"]
    assert vendors.index("mixrouter") > 0, "the vendor with a finding must not be the first, or the old bug hides"
    assert [r.vendor for r in result.load(offline["root"] / "all.json")] == vendors
    assert [r.vendor for r in result.load(offline["dir"] / "combined.json")] == vendors
    for name in ("all.md", "all.html"):
        page = (offline["root"] / name).read_text()
        assert all(f"{v}" in page for v in vendors), name
        assert "openai-chat/reasoning/no-markup" in page  # mixrouter's WARN, not the first vendor's
    for vendor in vendors:
        assert [r.vendor for r in result.load(offline["dir"] / f"{vendor}.json")] == [vendor]


def test_the_json_on_stdout_holds_every_vendor():
    done = _cli("run", "--replay", *_vendor("toiotech"), *_vendor("google"), "--report-json", "-")
    data = json.loads(done.stdout)
    assert data["kind"] == "combined" and [r["vendor"] for r in data["reports"]] == ["toiotech", "google"]
    # The second vendor's FAILs (Google's documents break MUSTs) count, and the exit status says so.
    assert data["summary"]["fail"] == sum(r["summary"]["fail"] for r in data["reports"])
    assert done.returncode == (1 if data["summary"]["fail"] else 0), done.stderr[-1500:]
    assert result.problems(data) == []


def test_junit_holds_every_vendor_and_its_counts_equal_the_exit_status(offline):
    root = ET.parse(offline["root"] / "all.xml").getroot()
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [f"llmconform.{v}" for v in offline["vendors"]]
    reports = result.load(offline["root"] / "all.json")
    for suite, report in zip(suites, reports, strict=True):
        assert int(suite.get("failures")) == report.summary["fail"]
        assert int(suite.get("errors")) == report.summary["error"]
        assert int(suite.get("skipped")) == report.summary["skip"]
        assert int(suite.get("tests")) == len(report.results) == len(suite.findall("testcase"))
    failures = int(root.get("failures"))
    # The vendors' documents may break no MUST (only official rules FAIL): the counts agree either way.
    assert failures == sum(r.summary["fail"] for r in reports)
    assert offline["code"] == (1 if failures else 0), "JUnit failures and the exit status say the same"
    assert not failures or "FAIL" in offline["stdout"]


# -- baselines --------------------------------------------------------------------------------

def test_a_baseline_folder_is_matched_per_vendor(offline):
    # Each vendor's verdicts are its baseline's too: no regression, exit 0; each held to its own file.
    done = _cli("run", "--replay", *_vendor("toiotech"), *_vendor("mixrouter"), "--baseline", offline["dir"])
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert done.stdout.count("0 regressions, 0 new failures, 0 improved") == 2, done.stdout[-2000:]


def test_a_pass_that_became_a_skip_is_a_regression(offline, tmp_path):
    folder = tmp_path / "baseline"
    shutil.copytree(offline["dir"], folder)
    (folder / "combined.json").unlink()  # the folder holds one run per vendor
    now = result.load(offline["dir"] / "toiotech.json")[0]
    lost = next(r.id for r in now.results if r.verdict == "skip" and not r.undeclared)
    worse = next(r.id for r in now.results if r.verdict == "warn")

    def passed_before(data):
        for entry in data["results"]:
            if entry["id"] in (lost, worse):
                entry.update(verdict="pass", message="")

    _rewrite(folder / "toiotech.json", passed_before)
    reports = tmp_path / "now"
    done = _cli("run", "--replay", *_vendor("toiotech"), *_vendor("mixrouter"), "--baseline", folder,
                "--report-dir", reports)
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    assert f"REGRESSED toiotech {lost}: pass → skip" in done.stdout
    assert f"REGRESSED toiotech {worse}: pass → warn" in done.stdout
    assert "REGRESSED mixrouter" not in done.stdout, "one vendor's baseline is not applied to another"
    comparison = result.load(reports / "toiotech.json")[0].baseline
    assert {(c.id, c.was, c.now) for c in comparison.regressed} == {(lost, "pass", "skip"), (worse, "pass", "warn")}
    assert all(c.message for c in comparison.regressed), "the new evidence comes with each regression"
    suite = ET.parse(reports / "toiotech.xml").getroot().find("testsuite")
    assert int(suite.get("failures")) == 2
    assert {c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None} == {lost, worse}


@pytest.mark.parametrize(("make", "says"), [
    ("missing", "does not exist"),
    ("garbage", "is not an llmconform JSON report"),
    ("other-vendor", "is a report of 'mixrouter', not of 'fake'"),
    ("invalid", r"\$\.summary: 'fail' is a required property"),
])
def test_an_unusable_baseline_is_refused_before_any_request(fake, offline, tmp_path, make, says):
    baseline = tmp_path / "baseline.json"
    if make == "garbage":
        baseline.write_text("<html>not a report</html>")
    elif make == "other-vendor":
        shutil.copy(offline["dir"] / "mixrouter.json", baseline)
    elif make == "invalid":
        data = json.loads((offline["dir"] / "mixrouter.json").read_text())
        data["summary"].pop("fail")
        data["vendor"] = "fake"
        baseline.write_text(json.dumps(data))
    before = fake.requests
    done = _cli("run", "--profile", _profile(tmp_path, fake.base_url), "--baseline", baseline,
                env={KEY_ENV: KEY}, timeout=120)
    assert done.returncode == 2, done.stdout[-1500:] + done.stderr[-1500:]
    said = [line for line in (done.stdout + done.stderr).splitlines() if re.search(says, line)]
    assert len(said) == 1 and str(baseline) in said[0], done.stdout + done.stderr
    assert fake.requests == before, "the baseline is checked before any request"


def test_one_baseline_file_for_two_vendors_is_refused(offline):
    done = _cli("run", "--replay", *_vendor("toiotech"), *_vendor("mixrouter"),
                "--baseline", offline["dir"] / "toiotech.json")
    assert done.returncode == 2
    assert "holds no report of vendor mixrouter" in done.stdout + done.stderr


# -- compare ----------------------------------------------------------------------------------

# A MUST check that passes on mixrouter's documents: the first of two runs is made to fail it.
FIXED = "openai-chat/response/choice-indexes"


def _second_run(offline, tmp_path):
    """Two runs of mixrouter, a week apart: the first FAILed a check (written into its report —
    mixrouter's documents break no MUST), the second passes it."""
    old = shutil.copy(offline["dir"] / "mixrouter.json", tmp_path / "old.json")
    new = shutil.copy(offline["dir"] / "mixrouter.json", tmp_path / "new.json")

    def failed(data):
        for entry in data["results"]:
            if entry["id"] == FIXED:
                assert entry["verdict"] == "pass" and entry["rule"]["level"] == "must", entry
                entry.update(verdict="fail", message="expected choices[].index 0..n-1; received [1]")

    def fixed(data):
        data["started_at"] = "2027-01-08T00:00:00+00:00"

    _rewrite(old, failed)
    _rewrite(new, fixed)
    return old, new


def test_compare_columns_are_runs_not_vendor_names(offline, tmp_path):
    old, new = _second_run(offline, tmp_path)
    done = _cli("compare", old, new, "--md", tmp_path / "m.md", "--html", tmp_path / "m.html")
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith(FIXED))
    assert line.split()[1:] == ["FAIL", "pass"], line
    assert "mixrouter · replay · 2027-01-08" in done.stdout
    score = next(x for x in done.stdout.splitlines() if x.startswith("score openai-chat"))
    def percent(path):  # passed over decided (pass + fail + warn) on openai-chat
        rows = [r for r in json.loads(Path(path).read_text())["results"]
                if r["surface"] == "openai-chat" and r["verdict"] in ("pass", "fail", "warn")]
        return f"{100 * sum(r['verdict'] == 'pass' for r in rows) // len(rows)}%"

    assert percent(old) != percent(new) and score.split()[2:] == [percent(old), percent(new)], score
    fails = next(x for x in done.stdout.splitlines() if x.startswith("FAIL"))
    assert fails.split()[1:] == ["1", "0"]
    md = (tmp_path / "m.md").read_text()
    warns = json.loads(Path(new).read_text())["summary"]["warn"]
    assert f"| `{FIXED}` | FAIL | pass |" in md
    assert "| fail | 1 | 0 |" in md and f"| warn | {warns} | {warns} |" in md


def test_compare_counts_a_run_once_when_given_twice(offline, tmp_path):
    page = offline["dir"] / "twice.html"
    done = _cli("compare", offline["dir"] / "combined.json", *sorted(offline["dir"].glob("*.json")), "--html", page)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(" · replay · ") == len(offline["vendors"])
    html = page.read_text()
    page.unlink()
    for vendor in offline["vendors"]:  # each column links to the vendor's own report, not the combined one
        assert f"<th class='run'><a href='{vendor}.html'>{vendor}</a>" in html


def test_compare_diff_lists_what_changed(offline, tmp_path):
    old, new = _second_run(offline, tmp_path)
    done = _cli("compare", "--diff", old, new)
    assert done.returncode == 0, done.stderr
    assert f"improved    {FIXED}: fail → pass" in done.stdout
    assert "1 check(s) changed: 0 regressions, 0 new failures, 1 improved" in done.stdout
    other = _cli("compare", "--diff", old, offline["dir"] / "toiotech.json")
    assert other.returncode == 2 and "one vendor" in other.stderr


@pytest.mark.parametrize("content", [None, "{not json", "[]", '{"tool": "llmconform", "schema_version": 1}'])
def test_compare_names_the_unreadable_file(offline, tmp_path, content):
    bad = tmp_path / "broken.json"
    if content is not None:
        bad.write_text(content)
    done = _cli("compare", offline["dir"] / "toiotech.json", bad)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and str(bad) in done.stderr, done.stderr


# -- honest evidence --------------------------------------------------------------------------

def test_the_wrong_key_reproduction_sends_the_wrong_key(fake):
    _, report, _ = run(fake.base_url, "openai-chat", checks=["openai-chat/auth/wrong-key", "openai-chat/auth/no-key"])
    line = row(report, "openai-chat/auth/wrong-key")["reproduce"]
    assert f"authorization: Bearer {WRONG_KEY}" in line, line
    assert "${" not in line, "run as printed, it must send the wrong key, not the good one"
    assert "authorization" not in row(report, "openai-chat/auth/no-key")["reproduce"]
    _, report, _out = run(fake.base_url, "anthropic-messages", checks=["anthropic-messages/auth/wrong-key"])
    line = row(report, "anthropic-messages/auth/wrong-key")["reproduce"]
    assert WRONG_KEY in line and "${" not in line, line


def test_a_good_key_reproduction_names_the_variable(fake):
    _, report, _ = run(fake.base_url, "openai-chat", checks=["openai-chat/response/schema"])
    line = row(report, "openai-chat/response/schema")["reproduce"]
    assert "authorization: Bearer ${" + KEY_ENV + "}" in line and KEY not in line


def test_replay_reproductions_keep_the_declared_auth_header(offline):
    mixrouter = result.load(offline["dir"] / "mixrouter.json")[0]
    finding = next(r for r in mixrouter.findings() if r.exchanges)
    assert '-H "authorization: Bearer ${MIXROUTER_API_KEY}"' in finding.reproduce, finding.reproduce
    dataeyes = result.load(offline["dir"] / "dataeyes.json")[0]
    shown = [r.reproduce for r in dataeyes.results if r.reproduce and "/auth/" not in r.id]
    assert shown and all('-H "x-api-key: ${DATAEYES_API_KEY}"' in line for line in shown), shown
    assert f"-H 'x-api-key: {WRONG_KEY}'" in dataeyes.by_id()["anthropic-messages/auth/wrong-key"].reproduce


def test_a_schema_failure_names_the_failing_field(fake):
    with fake.faulty("responses.usage-details-missing"):
        _, report, _ = run(fake.base_url, "openai-responses", checks=["openai-responses/response/schema"])
    found = row(report, "openai-responses/response/schema")
    assert found["verdict"] == "fail"
    assert "$.usage: 'output_tokens_details' is a required property" in found["message"], found["message"]
    assert "is not valid under any of the given schemas" not in found["message"]


def test_schema_errors_descend_into_anyof_and_oneof():
    responses = spec.load("openai-responses")
    example = next(iter(responses.operation("/v1/responses").definition["responses"]["200"]["content"]
                        ["application/json"]["examples"].values()))["value"]
    body = copy.deepcopy(example)
    del body["usage"]["output_tokens_details"]
    assert responses.errors("Response", body) == ["$.usage: 'output_tokens_details' is a required property"]
    body = copy.deepcopy(example)
    message = next(i for i in body["output"] if i.get("type") == "message")
    message["content"][0]["text"] = 5
    problems = responses.errors("Response", body)
    assert any("text" in p and "5 is not of type 'string'" in p for p in problems), problems


def _python_lines(found):
    script = found["evidence"]["python"]
    ast.parse(script)
    return script.splitlines()


def test_an_sdk_failure_names_the_call_the_frame_and_the_event(fake, tmp_path):
    with fake.faulty("chat.stream-error-event"):
        _, report, _ = run(fake.base_url, "openai-chat", checks=["openai-chat/sdk/stream"])
        found = row(report, "openai-chat/sdk/stream")
        assert found["verdict"] == "fail"
        evidence = found["evidence"]
        assert evidence["sdk_call"] == "openai: client.chat.completions.create()"
        assert evidence["sdk_frame"].startswith("openai/") and " in " in evidence["sdk_frame"], evidence
        assert evidence["sdk_event"].startswith("event ") and "data:" in evidence["sdk_event"], evidence
        assert "error" in evidence["sdk_event"]
        assert evidence["sdk_exception"] in found["message"] and evidence["sdk_frame"] in found["message"]
        lines = _python_lines(found)
        assert len(lines) == 5 and f"os.environ['{KEY_ENV}']" in lines[1] and fake.base_url in lines[1]
        assert KEY not in "\n".join(lines)
        assert found["reproduce"].startswith("curl ")
        # The reproduction, run as printed against the provider, meets the same exception.
        script = tmp_path / "repro.py"
        script.write_text("\n".join(lines) + "\n")
        ran = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60,
                             env={**os.environ, KEY_ENV: KEY})
    assert ran.returncode != 0 and evidence["sdk_exception"] in ran.stderr, ran.stderr[-1500:]


def test_an_sdk_failure_inside_a_stream_helper_names_its_frame(fake):
    with fake.faulty("messages.stream-index-from-1"):
        _, report, _ = run(fake.base_url, "anthropic-messages", checks=["anthropic-messages/sdk/stream"])
    found = row(report, "anthropic-messages/sdk/stream")
    evidence = found["evidence"]
    assert found["verdict"] == "fail"
    assert evidence["sdk_call"] == "anthropic: client.messages.stream()"
    assert evidence["sdk_frame"].startswith("anthropic/"), evidence
    assert "content_block" in evidence["sdk_event"], evidence
    lines = _python_lines(found)
    assert len(lines) == 5 and lines[3].startswith("with client.messages.stream(")


def test_replayed_generated_cases_are_not_said_to_be_missing(fake, tmp_path):
    cassettes = tmp_path / "cassettes"
    checks = ["openai-chat/schema/fuzz-positive", "openai-chat/schema/fuzz-negative"]
    _, live, _ = run(fake.base_url, "openai-chat", checks=checks, extra=["--record", "--cassette-dir", str(cassettes)])
    assert set(verdicts(live).values()) == {"pass"}, live
    assert (cassettes / "fake" / "openai-chat.yaml").exists()
    _, replayed, _out = run(fake.base_url, "openai-chat", checks=checks,
                           extra=["--replay", "--cassette-dir", str(cassettes)])
    assert verdicts(replayed) == verdicts(live), [row(replayed, c)["message"] for c in checks]


def test_the_live_only_skip_says_what_the_cassettes_lack(offline):
    toiotech = result.load(offline["dir"] / "toiotech.json")[0]
    skipped = toiotech.row("openai-chat/schema/fuzz-positive")
    assert skipped is not None and skipped.verdict == "skip"
    assert "no cassette holds them" not in skipped.message
    assert "the cassettes of toiotech hold no generated openai-chat positive case" in skipped.message


# -- Markdown ---------------------------------------------------------------------------------

def test_markdown_puts_failures_first_and_fingerprints_as_text(offline):
    page = (offline["dir"] / "mixrouter.md").read_text()
    assert page.index("## Findings") < page.index("## All checks") < page.index("## Fingerprints")
    findings = page[page.index("## Findings"):page.index("## All checks")]
    assert "authorization: Bearer ${MIXROUTER_API_KEY}" in findings
    assert "- unknown: steam" in findings and "['" not in findings, "a check's context reads as text"
    prints = page[page.index("## Fingerprints"):]
    assert "- id prefixes: msg_ (1×)" in prints
    assert "{'" not in prints and "['" not in prints, prints
    # A FAIL comes before the WARNs, in the findings and in the table (mixrouter's documents break no
    # MUST: one of its passing MUST checks is made to fail, and the page rendered again).
    report = result.load(offline["dir"] / "mixrouter.json")[0]
    broken = next(r for r in report.results if r.level == "must" and r.verdict == "pass")
    broken.verdict, broken.message = "fail", "expected the rule; received its break"
    page = markdown.render([report])
    findings = page[page.index("## Findings"):page.index("## All checks")]
    assert findings.index("**FAIL**") < findings.index("WARN") and f"`{broken.id}`" in findings
    table = page[page.index("## All checks"):].splitlines()
    assert "**FAIL**" in table[4] and broken.id in table[4], table[:6]


# -- CI recipe --------------------------------------------------------------------------------

def test_the_ci_recipe_is_valid_yaml_with_its_jobs():
    recipe = ROOT / "examples" / "github-actions.yml"
    workflow = yaml.safe_load(recipe.read_text())
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert {"pull_request", "schedule", "workflow_dispatch"} <= set(triggers)
    jobs = workflow["jobs"]
    assert {"replay", "nightly", "record"} <= set(jobs)
    text = recipe.read_text()
    nightly = json.dumps(jobs["nightly"])
    assert "--baseline" in nightly and "matrix" in json.dumps(jobs["nightly"]["strategy"])
    assert ("upload-artifact" in nightly and "download-artifact" in nightly) or "gh run download" in nightly
    assert "--junit" in text or "--report-dir" in text
    assert "--record" in json.dumps(jobs["record"])
    assert "examples/github-actions.yml" in (ROOT / "README.md").read_text()


def test_a_combined_json_report_is_the_plain_indented_dump_of_its_vendors():
    """result.dumps writes a combined document from its vendors' texts, indented in place: the same
    text json.dumps(indent=2) gives, with and without the vendors' texts already written."""
    from llmconform.report import document

    vendor = json.loads(result.dumps(result.Report.from_json({
        "tool": "llmconform", "schema_version": result.SCHEMA_VERSION, "version": "0", "vendor": "a",
        "base_url": "http://127.0.0.1:1", "mode": "replay", "started_at": "2026-01-01T00:00:00Z", "duration_s": 1.0,
        "results": [{"id": "openai-chat/response/schema", "surface": "openai-chat", "verdict": "fail",
                     "message": "line one\nline two «ü»", "evidence": {"nested": {"list": [1, {"k": []}], "e": {}}},
                     "reproduce": "curl 'x'"}],
        "summary": {"pass": 0, "fail": 1, "warn": 0, "skip": 0, "error": 0}})))
    reports = [result.Report.from_json({**vendor, "vendor": name}) for name in ("a", "b", "c")]
    for group in (reports, reports[:2]):
        plain = json.dumps(document(group).to_json(), indent=2, ensure_ascii=False) + "\n"
        known: dict[int, str] = {}
        for report in group:
            assert result.dumps(report, known) == json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"
        assert result.dumps(document(group)) == plain
        assert result.dumps(document(group), known) == plain
    empty = result.Combined([], started_at="2026-01-01T00:00:00Z", duration_s=0.0)
    assert result.dumps(empty) == json.dumps(empty.to_json(), indent=2, ensure_ascii=False) + "\n"
