"""Ctrl-C and SIGTERM, as a user sends them to the installed command: the run stops sending at
once, cuts what is in flight, exits 130, and the reports it writes say they are incomplete; a
recording cut short is never replayed as if complete. `run` and `sweep` alike, no traceback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from selftest.fakes import KEY, MODEL, FakeProvider
from selftest.fakes.relay import Behaviour, RelayFake

KEY_ENV = "LLMCONFORM_INTERRUPT_KEY"
STOP_WITHIN_S = 2.0


def _start(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    env = {**os.environ, KEY_ENV: KEY}
    for variable in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"):
        env.pop(variable, None)
    return subprocess.Popen([sys.executable, "-m", "llmconform.cli", *args], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _interrupt(proc: subprocess.Popen[str], server: FakeProvider, after: int, sig: signal.Signals
               ) -> tuple[float, int, str]:
    """Wait until the server has seen `after` requests, send `sig`; (seconds to exit, requests the
    server saw after the signal, everything printed)."""
    deadline = time.monotonic() + 90
    while server.requests < after:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"the server saw only {server.requests} requests"
        time.sleep(0.05)
    time.sleep(0.3)  # the requests in flight have reached the stalled handler
    seen = server.requests
    sent = time.monotonic()
    proc.send_signal(sig)
    try:
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    return time.monotonic() - sent, server.requests - seen, out + err


@pytest.fixture
def stalling():
    """A conforming server that answers its first 6 requests and then holds every POST for 30 s."""
    server = FakeProvider().start()
    server.faults = frozenset({"server.stall-after-6"})
    yield server
    server.stop()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_run_stops_at_once_and_says_so(stalling, tmp_path, sig):
    reports = {kind: tmp_path / f"r.{kind}" for kind in ("json", "md", "html", "xml")}
    proc = _start(["run", "--base-url", stalling.base_url, "--api-key-env", KEY_ENV, "--surface", "openai-chat",
                   "--model", MODEL, "--select", "openai-chat/*", "--report-json", str(reports["json"]),
                   "--report-md", str(reports["md"]), "--report-html", str(reports["html"]),
                   "--junit", str(reports["xml"])], tmp_path)
    took, after, out = _interrupt(proc, stalling, 8, sig)
    assert proc.returncode == 130, out[-2000:]
    assert took < STOP_WITHIN_S, f"{took:.1f} s from {sig.name} to exit (requests in flight hold 30 s)"
    assert after == 0, f"{after} requests were sent after {sig.name}"
    assert "Traceback" not in out, out[-2000:]
    report = json.loads(reports["json"].read_text())
    assert report["interrupted"] is True
    assert "INTERRUPTED" in out and "decided before the stop" in out
    assert "interrupted" in reports["md"].read_text().lower() and "interrupted" in reports["html"].read_text().lower()


def test_an_interrupted_recording_is_partial_and_replay_refuses_it(stalling, tmp_path):
    proc = _start(["run", "--base-url", stalling.base_url, "--api-key-env", KEY_ENV, "--surface", "openai-chat",
                   "--model", MODEL, "--select", "openai-chat/*", "--record", "--cassette-dir",
                   str(tmp_path / "cassettes")], tmp_path)
    took, _, out = _interrupt(proc, stalling, 8, signal.SIGINT)
    assert proc.returncode == 130 and took < STOP_WITHIN_S, out[-2000:]
    folder = next((tmp_path / "cassettes").iterdir())
    assert (folder / "PARTIAL").exists() and list(folder.glob("*.yaml")), sorted(folder.iterdir())
    replay = subprocess.run([sys.executable, "-m", "llmconform.cli", "run", "--replay", "--base-url",
                             stalling.base_url, "--surface", "openai-chat", "--model", MODEL, "--cassette-dir",
                             str(tmp_path / "cassettes")], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    lines = [line for line in (replay.stdout + replay.stderr).splitlines() if line.strip()]
    assert replay.returncode == 2 and len(lines) == 1 and "interrupted half-way" in lines[0], lines


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_sweep_stops_at_once_and_says_so(tmp_path, sig):
    models = {f"model-{i:02d}": Behaviour(stall=30.0 if i >= 3 else 0.0) for i in range(12)}
    with RelayFake(models) as relay:
        profile = tmp_path / "p.yaml"
        profile.write_text(yaml.safe_dump({"name": "relay", "base_url": relay.base_url, "auth": {"env": KEY_ENV},
                                           "surfaces": {"openai-chat": {"model": "model-00"}}}))
        report = tmp_path / "sweep.json"
        proc = _start(["sweep", "--profile", str(profile), "--no-timing", "--timeout-read", "60",
                       "--timeout-total", "60", "--report-json", str(report), "--report-md", str(tmp_path / "s.md")],
                      tmp_path)
        took, after, out = _interrupt(proc, relay.server, 6, sig)
    assert proc.returncode == 130, out[-2000:]
    assert took < STOP_WITHIN_S and after == 0, (took, after)
    assert "Traceback" not in out, out[-2000:]
    data = json.loads(report.read_text())
    assert data["interrupted"] is True
    answered = [r["model"] for r in data["models"] if r["available"]]
    assert answered == ["model-00", "model-01", "model-02"], answered
    assert all(r["outcome"] == "left-out" for r in data["models"] if r["model"] not in answered)
    assert "interrupted" in (tmp_path / "s.md").read_text().lower() and "interrupted" in out.lower()
