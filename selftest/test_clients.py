"""One verdict per coding agent (issue 22): "works" on the conforming fake, "breaks at <check>" under
the fault of each rule the client cannot do without (the fault its check's row in
selftest/violations.py names), and the verdicts in every report format."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from llmconform.clients import CLIENTS, verdict
from llmconform.result import problems
from selftest.fakes import KEY, MODEL
from selftest.harness import KEY_ENV, cli, one_line
from selftest.violations import VIOLATIONS

SURFACES = sorted({c.surface for c in CLIENTS.values()})


def _profile(folder: Path, base_url: str, **extra: Any) -> Path:
    os.environ[KEY_ENV] = KEY
    profile = {"name": "fake", "base_url": base_url, "auth": {"env": KEY_ENV},
               "surfaces": {s: {"model": MODEL} for s in SURFACES}, **extra}
    path = folder / "profile.yaml"
    path.write_text(yaml.safe_dump(profile))
    return path


def _run(fake: Any, clients: list[str], faults: tuple[str, ...] = ()) -> tuple[int, str, dict[str, Any], Path]:
    folder = Path(tempfile.mkdtemp())
    path = _profile(folder, fake.base_url)
    args = [a for c in clients for a in ("--client", c)]
    with fake.faulty(*faults):
        code, out = cli("run", "--profile", str(path), *args, "--report-json", str(folder / "r.json"),
                        "--report-md", str(folder / "r.md"), "--report-html", str(folder / "r.html"),
                        "--timeout-read", "3", "--timeout-total", "8")
    report = json.loads((folder / "r.json").read_text()) if (folder / "r.json").exists() else {}
    return code, out, report, folder


def _verdicts(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {v["client"]: v for v in report.get("clients", [])}


@pytest.fixture(scope="module")
def conforming(fake):
    return _run(fake, list(CLIENTS))


def test_every_client_works_on_the_conforming_fake(conforming):
    code, out, report, _ = conforming
    found = _verdicts(report)
    assert {name: v["line"] for name, v in found.items()} == {name: f"{name}: works" for name in CLIENTS}, out[-2000:]
    assert code == 0, out[-2000:]
    for name in CLIENTS:
        assert f"{name}: works" in out  # the terminal's one line per client


def test_the_clients_section_is_in_every_report(conforming):
    _, _, report, folder = conforming
    assert not problems(report), problems(report)
    assert all(v["source"] and v["rules"] for v in report["clients"])
    markdown = (folder / "r.md").read_text()
    assert "## Clients" in markdown and "- **codex: works**" in markdown
    html = (folder / "r.html").read_text()
    # At the top: before the run's strip of numbers and the findings.
    assert "id='clients'" in html and html.index("id='clients'") < html.index("id='checks'")
    first = html.index("<section", html.index("</header>"))
    assert html[first:].startswith("<section id='clients'")


def test_only_the_clients_checks_run(conforming):
    _, _, report, _ = conforming
    wanted = {r.check for c in CLIENTS.values() for r in c.rules}
    assert {row["id"] for row in report["results"]} == wanted


def _breaking_rows() -> list[Any]:
    """(client, rule's check, its fault) for every rule the client needs."""
    cases = []
    for client in CLIENTS.values():
        for rule in client.rules:
            fault, expected = VIOLATIONS[rule.check]
            if rule.optional or not isinstance(fault, str):
                continue
            assert expected == "fail" or (expected == "warn" and rule.warn_breaks), (rule.check, expected)
            cases.append(pytest.param(client.name, rule.check, fault, id=f"{client.name}:{rule.check}"))
    return cases


@pytest.mark.parametrize(("client", "check", "fault"), _breaking_rows())
def test_a_client_breaks_at_its_rule(fake, client, check, fault):
    code, out, report, _ = _run(fake, [client], tuple(fault.split("+")))
    found = _verdicts(report)[client]
    rows = {row["id"]: row["verdict"] for row in report["results"]}
    assert found["verdict"] == "breaks" and rows[check] != "pass", (fault, found, out[-1500:])
    # Where one refusal met several of the client's probes, one check holds the FAIL (the root cause)
    # and the others are left undecided naming it: the verdict names the one that failed.
    if found["at"] != check:
        assert rows[check] == "error" and rows[found["at"]] == "fail", (fault, found, rows)
    assert found["line"].startswith(f"{client}: breaks at {found['at']} — ") and found["evidence"]
    assert code == (1 if "fail" in rows.values() else 0)  # the exit status stays the checks' own


@pytest.mark.parametrize(("faults", "expected"), [
    # The faults the issue names: compact 404, a stripped beta header, a dropped signature.
    (("responses.compact-404",), "codex: breaks at openai-responses/client/compact — "),
    (("messages.beta-stripped",), "claude-code: breaks at anthropic-messages/gateway/beta-forwarded — "),
    (("gemini.signature-dropped",), "gemini-cli: breaks at gemini/roundtrip/call-signature — "),
])
def test_the_named_faults(fake, faults, expected):
    _, out, report, _ = _run(fake, list(CLIENTS), faults)
    lines = [v["line"] for v in report["clients"]]
    assert any(line.startswith(expected) for line in lines), lines
    assert sum(line.endswith(": works") for line in lines) == 2, lines
    assert expected in out


def test_an_optional_rule_never_breaks_a_client():
    rows = {r.check: ("pass", "") for r in CLIENTS["claude-code"].rules}
    rows["anthropic-messages/gateway/model-discovery"] = ("warn", "the OpenAI list")
    rows["anthropic-messages/count-tokens/input-tokens"] = ("fail", "404")
    assert verdict("claude-code", rows).line == "claude-code: works"


def test_a_rule_left_undecided_leaves_the_client_undecided():
    rows = {r.check: ("pass", "") for r in CLIENTS["codex"].rules}
    rows["openai-responses/roundtrip/reasoning-replayed"] = ("skip", "no reasoning item to replay")
    found = verdict("codex", rows)
    assert found.verdict == "undecided" and found.at == "openai-responses/roundtrip/reasoning-replayed"
    rows["openai-responses/client/compact"] = ("fail", "status 404")
    assert verdict("codex", rows).line.startswith("codex: breaks at openai-responses/client/compact — ")


def test_a_profile_declares_its_clients(fake):
    folder = Path(tempfile.mkdtemp())
    path = _profile(folder, fake.base_url, clients=["gemini-cli"])
    code, out = cli("run", "--profile", str(path), "--surface", "gemini", "--select", "gemini/roundtrip/*",
                    "--select", "gemini/client/*", "--report-json", str(folder / "r.json"),
                    "--timeout-read", "3", "--timeout-total", "8")
    report = json.loads((folder / "r.json").read_text())
    assert code == 0 and [v["client"] for v in report["clients"]] == ["gemini-cli"], out[-1500:]
    # Its rules outside the selection have no row: undecided, never "works".
    assert report["clients"][0]["verdict"] == "undecided", report["clients"]


@pytest.mark.parametrize(("extra", "says"), [
    ({"clients": ["codx"]}, "unknown client 'codx' (did you mean 'codex'?)"),
])
def test_a_mistyped_client_in_a_profile_is_exit_2(fake, extra, says):
    path = _profile(Path(tempfile.mkdtemp()), fake.base_url, **extra)
    code, out = cli("run", "--profile", str(path))
    assert code == 2 and says in one_line(out)


def test_a_client_whose_surface_is_not_declared_is_exit_2(fake):
    folder = Path(tempfile.mkdtemp())
    os.environ[KEY_ENV] = KEY
    path = folder / "p.yaml"
    path.write_text(yaml.safe_dump({"name": "fake", "base_url": fake.base_url, "auth": {"env": KEY_ENV},
                                    "surfaces": {"openai-chat": {"model": MODEL}}}))
    code, out = cli("run", "--profile", str(path), "--client", "codex")
    assert code == 2 and "codex speaks openai-responses" in one_line(out)
    code, out = cli("run", "--profile", str(path), "--client", "claud-code")
    assert code == 2 and "did you mean 'claude-code'?" in one_line(out)
