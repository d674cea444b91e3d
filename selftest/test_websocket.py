"""The Responses WebSocket mode's furniture (issue 22): a recording replays offline with the same
verdicts and no key in it, the plan counts each response.create, and a silent server is bounded."""

import json
import tempfile
import time
from pathlib import Path

from selftest.fakes import KEY
from selftest.harness import run

CHECKS = [f"openai-responses/websocket/{name}" for name in
          ("create", "usage", "sequential", "one-in-flight", "previous-not-found")]


def _verdicts(report):
    return {row["id"]: row["verdict"] for row in report["results"]}


def test_recorded_session_replays_offline_without_the_key(fake):
    with tempfile.TemporaryDirectory() as folder:
        _, live, _ = run(fake.base_url, "openai-responses", checks=CHECKS, extra=["--record", "--cassette-dir", folder])
        assert set(_verdicts(live).values()) == {"pass"}, live["results"]
        recorded = "".join(path.read_text() for path in Path(folder).rglob("*.yaml"))
        assert "response.create" in recorded and KEY not in recorded
        served = fake.requests
        _, replayed, _ = run("http://127.0.0.1:9", "openai-responses", checks=CHECKS,
                             extra=["--replay", "--cassette-dir", folder])
        assert _verdicts(replayed) == _verdicts(live)
        assert fake.requests == served  # nothing sent
        line = next(r["reproduce"] for r in replayed["results"] if r["id"].endswith("/create"))
        assert line.startswith("python3 -c ") and "websockets" in line and KEY not in json.dumps(replayed)


def test_plan_counts_each_response_create(fake):
    code, _, out = run(fake.base_url, "openai-responses", checks=CHECKS, extra=["--plan"])
    assert code == 0 and "5 requests" in out, out


def test_a_silent_server_is_bounded(fake):
    with fake.faulty("responses.ws-stall"):
        started = time.monotonic()
        _, report, _ = run(fake.base_url, "openai-responses", checks=CHECKS, timeouts=(1, 3))
    assert time.monotonic() - started < 20
    verdicts = _verdicts(report)
    assert verdicts["openai-responses/websocket/create"] == "error", report["results"]
    assert "fail" not in verdicts.values() and "pass" not in verdicts.values(), verdicts
