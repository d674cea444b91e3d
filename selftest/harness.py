"""Run the conformance suite in-process against a server, the way a user's run would, and read
back its JSON report."""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from llmconform.cli import main
from llmconform.cli import run as cli_run
from selftest.fakes import KEY, MODEL

ROOT = Path(__file__).resolve().parents[1]
KEY_ENV = "LLMCONFORM_SELFTEST_KEY"
ALL_FEATURES = ["stream", "tools", "vision", "documents", "reasoning", "json-mode", "thinking", "count_tokens",
                "state", "reasoning-round-trip", "agent-clients", "websocket", "images", "speech", "transcription",
                "rerank", "video"]


def select_of(surface: str, files: list[str]) -> list[str]:
    """--select globs for test files of a surface (`test_stream.py` -> `openai-chat/stream/*`)."""
    concerns = [f.removeprefix("test_").removesuffix(".py").replace("_", "-") for f in files]
    return [arg for concern in concerns for arg in ("--select", f"{surface}/{concern}/*")]


def cli(*argv: str) -> tuple[int, str]:
    """(exit code, everything printed) of `llmconform ...`, run in-process as a user would."""
    out = io.StringIO()
    if argv[0] == "run":
        return cli_run(list(argv[1:]), stdout=out, stderr=out), out.getvalue()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(list(argv))
    return code, out.getvalue()


def run(base_url: str, surface: str, *, checks: list[str] | None = None, features: list[str] | None = None,
        requests: dict[str, Any] | None = None, extra: list[str] | None = None, key: str = KEY,
        model: str = MODEL, budget: int | None = 500, paths: list[str] | None = None,
        timeouts: tuple[float, float] = (3, 8), fuzz_cases: int = 3,
        auth_style: str | None = None) -> tuple[int, dict[str, Any], str]:
    """(exit code, JSON report, terminal output) of one run."""
    os.environ[KEY_ENV] = key
    with tempfile.TemporaryDirectory() as scratch:
        auth = {"env": KEY_ENV, **({"style": auth_style} if auth_style else {})}
        profile = {"name": "fake", "base_url": base_url, "auth": auth,
                   "surfaces": {surface: {"model": model, "features": features or ALL_FEATURES,
                                          **({"requests": requests} if requests else {})}},
                   **({"budget": {"max_requests": budget, "max_output_tokens": 100000}} if budget else {})}
        profile_path = Path(scratch) / "profile.yaml"
        profile_path.write_text(yaml.safe_dump(profile))
        report_path = Path(scratch) / "report.json"
        selection = [a for c in checks or [] for a in ("--check", c)] + select_of(surface, paths or [])
        code, out = cli("run", "--profile", str(profile_path), "--surface", surface, "--report-json", str(report_path),
                        "--timeout-read", str(timeouts[0]), "--timeout-total", str(timeouts[1]),
                        "--fuzz-cases", str(fuzz_cases), *selection, *(extra or []))
        report = json.loads(report_path.read_text()) if report_path.exists() else {}
    return int(code), report, out


def one_line(out: str) -> str:
    """The one line a usage error prints (what to fix), asserting there is exactly one."""
    lines = [line for line in out.splitlines() if line.startswith("llmconform:")]
    assert len(lines) == 1, f"expected one line saying what to fix, got:\n{out[-1500:]}"
    return lines[0]


def verdicts(report: dict[str, Any]) -> dict[str, str]:
    return {row["id"]: row["verdict"] for row in report.get("results", [])}


def row(report: dict[str, Any], check: str) -> dict[str, Any]:
    for result in report.get("results", []):
        if result["id"] == check:
            return result
    raise AssertionError(f"no row for {check} in the report: {sorted(verdicts(report))}")


# -- the shape every surface's check table is tested in -------------------------------------------

def assert_all_pass(clean: tuple[int, dict[str, Any], str]) -> None:
    code, report, out = clean
    bad = {k: row(report, k)["message"] for k, v in verdicts(report).items() if v != "pass"}
    assert not bad, f"checks that did not pass on the conforming fake: {bad}\n{out[-2000:]}"
    assert code == 0, out[-2000:]


def verdict_under(fake: Any, surface: str, check: str, violation: str | dict[str, Any]) -> dict[str, Any]:
    """The check's report row with a fault switched on (`a+b` for several; `fault@style` sends the
    profile's key in that auth style), or a request overridden."""
    if isinstance(violation, dict):
        _, report, out = run(fake.base_url, surface, checks=[check], requests=violation)
    else:
        faults, _, style = violation.partition("@")
        with fake.faulty(*faults.split("+")):
            _, report, out = run(fake.base_url, surface, checks=[check], auth_style=style or None)
    result = row(report, check)
    rule = result.get("rule")
    # Only a rule the official API states may fail a provider: a SHOULD check's FAIL is a WARN.
    assert not (isinstance(rule, dict) and rule.get("level") == "should" and result["verdict"] == "fail"), result
    result["output"] = out[-1500:]
    return result


def assert_caught(fake: Any, surface: str, check: str, violation: str | dict[str, Any], expected: str) -> None:
    result = verdict_under(fake, surface, check, violation)
    assert result["verdict"] == expected, f"{check} under {violation}: {result}"
    if expected != "pass":
        assert result["message"], "a non-pass verdict says what was expected and what arrived"
        # A WebSocket turn has no curl: its line is Python with `websockets` (Exchange.curl).
        assert result["reproduce"].startswith(("curl ", "python3 -c ")), "a non-pass verdict carries a reproduction"
