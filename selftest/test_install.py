"""llmconform as other people get it: the wheel built from this checkout, installed into a fresh
venv, runs the offline job from an empty directory with the checkout's verdicts, and changes
nothing in an unrelated project's pytest run beside pytest-base-url and pytest-profiling."""

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from llmconform import catalogue
from selftest.harness import ROOT, cli

VENDORS = sorted(p.name for p in (ROOT / "cassettes").iterdir() if p.is_dir())
# Plugins whose options once clashed with the suite's (--base-url, --profile).
NEIGHBOURS = ["pytest-base-url>=2,<3", "pytest-profiling>=1.7,<2"]
UNRELATED_TEST = '''
def test_base_url_fixture_is_pytest_base_urls(base_url):
    assert base_url == "http://unrelated.invalid"


def test_plain():
    assert 1 + 1 == 2
'''


def _sh(*args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "LLMCONFORM", "OPENAI", "ANTHROPIC"))}
    return subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(bin folder of a fresh venv holding the wheel + the neighbours, an empty working folder)."""
    scratch = tmp_path_factory.mktemp("wheel")
    built = _sh(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(scratch), str(ROOT), cwd=scratch)
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next(scratch.glob("llmconform-*.whl"))
    venv.create(scratch / "venv", with_pip=True)
    bin_dir = scratch / "venv" / "bin"
    pip = _sh(str(bin_dir / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
              f"{wheel}[sdk]", *NEIGHBOURS, cwd=scratch, timeout=900)
    assert pip.returncode == 0, pip.stderr[-2000:]
    empty = scratch / "empty"
    empty.mkdir()
    return bin_dir, empty


@pytest.fixture(scope="module")
def bare(tmp_path_factory, installed):
    """(bin folder of a fresh venv holding the wheel with its SDK dependencies removed again, an empty
    folder): what a user who uninstalled them, or installed with --no-deps, runs."""
    scratch = tmp_path_factory.mktemp("bare")
    wheel = next(installed[0].parents[1].glob("llmconform-*.whl"))
    venv.create(scratch / "venv", with_pip=True)
    bin_dir = scratch / "venv" / "bin"
    pip = _sh(str(bin_dir / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel),
              cwd=scratch, timeout=900)
    assert pip.returncode == 0, pip.stderr[-2000:]
    # The plain wheel brings the official SDKs (they are dependencies, not an extra) ...
    sdks = _sh(str(bin_dir / "python"), "-c", "import openai, anthropic; from google import genai", cwd=scratch)
    assert sdks.returncode == 0, sdks.stderr[-2000:]
    # ... which are removed here, as a user might.
    removed = _sh(str(bin_dir / "python"), "-m", "pip", "uninstall", "-q", "-y", "openai", "anthropic", "google-genai",
                  cwd=scratch)
    assert removed.returncode == 0, removed.stderr[-2000:]
    empty = scratch / "empty"
    empty.mkdir()
    return bin_dir, empty


def test_without_the_sdks_every_check_is_listed_and_the_sdk_lanes_skip(bare):
    bin_dir, empty = bare
    listed = _sh(str(bin_dir / "llmconform"), "checks", cwd=empty)
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == len(catalogue.checks()), listed.stderr
    run = _sh(str(bin_dir / "llmconform"), "run", "--replay", "--profile", "toapis", "--report-json", "r.json",
              cwd=empty)
    assert run.returncode in (0, 1), run.stdout[-2000:] + run.stderr[-2000:]
    rows = {r["id"]: r for r in json.loads((empty / "r.json").read_text())["results"]}
    assert rows["openai-chat/sdk/parse"]["verdict"] == "skip", rows["openai-chat/sdk/parse"]
    assert not [i for i, r in rows.items() if r["verdict"] == "error"], "no suite error without the SDKs"
    skipped = sum(1 for r in rows.values() if r["verdict"] == "skip" and "SDK is not installed" in r["message"])
    closing = run.stdout.strip().splitlines()[-1]
    assert f"{skipped} SDK checks skipped: " in closing and "the openai SDK is not installed" in closing, closing


def test_the_wheel_carries_the_suite(installed):
    bin_dir, empty = installed
    listed = _sh(str(bin_dir / "llmconform"), "vendors", cwd=empty)
    assert listed.returncode == 0 and all(v in listed.stdout for v in VENDORS), listed.stdout + listed.stderr
    checks = _sh(str(bin_dir / "llmconform"), "checks", cwd=empty)
    assert "openai-chat/stream/done-sentinel" in checks.stdout


def test_the_installed_offline_job_gives_the_checkouts_verdicts(installed, tmp_path):
    bin_dir, empty = installed
    profiles = [a for v in VENDORS for a in ("--profile", v)]
    run = _sh(str(bin_dir / "llmconform"), "run", "--replay", *profiles, "--report-dir", "reports", cwd=empty)
    assert run.returncode in (0, 1), run.stdout[-2000:] + run.stderr[-2000:]
    code, out = cli("run", "--replay", *profiles, "--report-dir", str(tmp_path))
    assert code == run.returncode, out[-1500:]
    for vendor in VENDORS:
        installed_rows = json.loads((empty / "reports" / f"{vendor}.json").read_text())["results"]
        checkout_rows = json.loads((tmp_path / f"{vendor}.json").read_text())["results"]
        assert {r["id"]: r["verdict"] for r in installed_rows} == {r["id"]: r["verdict"] for r in checkout_rows}
    assert sorted(p.name for p in empty.iterdir()) == ["reports"], "nothing but the reports written to the cwd"


def test_an_unrelated_project_beside_pytest_base_url_is_unaffected(installed):
    bin_dir, empty = installed
    project = empty.parent / "unrelated"
    project.mkdir(exist_ok=True)
    (project / "test_it.py").write_text(UNRELATED_TEST)
    result = _sh(str(bin_dir / "python"), "-m", "pytest", "-q", "--base-url", "http://unrelated.invalid",
                 "-p", "no:cacheprovider", cwd=project)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "2 passed" in result.stdout
    assert "llmconform" not in result.stdout + result.stderr


def test_llmconform_runs_beside_those_plugins(installed):
    bin_dir, empty = installed
    run = _sh(str(bin_dir / "llmconform"), "run", "--replay", "--profile", "toapis", "-q", cwd=empty)
    assert run.returncode in (0, 1), run.stdout[-2000:] + run.stderr[-2000:]
    assert run.stdout.startswith("llmconform:") and "checks —" in run.stdout


def test_the_wheel_sweeps_with_its_schema(installed):
    """`llmconform sweep` from the wheel: a bundled vendor's catalogue planned, and the report schema
    shipped in the package (the sweep validates every report against it)."""
    bin_dir, empty = installed
    planned = _sh(str(bin_dir / "llmconform"), "sweep", "--profile", "toiotech", "--plan", "--models", "catalogue",
                  cwd=empty)
    assert planned.returncode == 0, planned.stderr
    assert "153 models" in planned.stdout and "Nothing is sent" in planned.stdout
    schema = _sh(str(bin_dir / "python"), "-c", "from llmconform.sweep import report; print(report.schema()['title'])",
                 cwd=empty)
    assert schema.returncode == 0 and "sweep report" in schema.stdout, schema.stderr
