"""Live mode on real software: llama.cpp's llama-server (SmolLM2-135M) and a LiteLLM proxy in front
of it, on loopback, no key, no internet. Every verdict is held against the reviewed departures in
`selftest/golden/live/<peer>.<surface>.json` (anything not listed must pass); a run whose verdicts
differ fails with the difference. `make goldens-live` rewrites them from a run.

Outside CI the peers may be absent (`make peers` installs them): the tests then skip, saying so.
In CI (CI=true) an absent peer fails.
"""

import json

import pytest

from selftest.goldens import LIVE, Golden, unexplained
from selftest.peers.fixtures import peer_fixtures
from selftest.peers.runs import BUDGET_REQUESTS, BUDGET_TOKENS, LLAMA_KEY, SERVED, live_run

llama, litellm = peer_fixtures(LLAMA_KEY)


def test_every_reviewed_departure_is_explained():
    missing = unexplained(LIVE)
    assert not missing, f"reviewed departures without their reason: {missing}"


def _held_to_golden(peer, surface, request):
    code, report, out = live_run(peer, surface)
    assert code in (0, 1), f"live run against {peer.name} broke (exit {code}):\n{out[-3000:]}"
    golden = Golden.read(LIVE / f"{peer.name}.{surface}.json")
    metrics = report["metrics"]
    request.node.user_properties.append(("metrics", metrics))
    differences = golden.differences(report["results"])
    assert not differences, (f"{peer.name} {surface}: verdicts differ from {golden.path.name} "
                             "(`make goldens-live` shows and writes the change):\n" + "\n".join(differences))
    assert metrics["requests"] <= BUDGET_REQUESTS, metrics
    assert metrics["output_tokens"] <= BUDGET_TOKENS, metrics
    assert LLAMA_KEY not in json.dumps(report) and peer.api_key not in out


@pytest.mark.parametrize("surface", list(SERVED["llama-server"]))
def test_llama_server(llama, surface, request):
    _held_to_golden(llama, surface, request)


@pytest.mark.parametrize("surface", list(SERVED["litellm"]))
def test_litellm(litellm, surface, request):
    _held_to_golden(litellm, surface, request)
