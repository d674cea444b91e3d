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
from selftest.harness import run
from selftest.peers.fixtures import images_fixture, peer_fixtures
from selftest.peers.runs import BUDGET_REQUESTS, BUDGET_TOKENS, LLAMA_KEY, SERVED, live_run

llama, litellm = peer_fixtures(LLAMA_KEY)
litellm_images = images_fixture()


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


@pytest.mark.parametrize("surface", list(SERVED["litellm-images"]))
def test_litellm_images(litellm_images, surface, request):
    """LiteLLM's image route in front of the loopback fake: its answers as LiteLLM re-serializes them."""
    _held_to_golden(litellm_images, surface, request)


# -- billing against llama-server's own tokenizer ---------------------------------------------------

def _tokens(peer, text):
    """The token count of a text by the served model's own tokenizer (llama-server's /tokenize)."""
    import httpx

    answer = httpx.post(peer.url("/tokenize"), json={"content": text}, headers=peer.headers("openai"), timeout=30)
    answer.raise_for_status()
    return len(answer.json()["tokens"])


@pytest.mark.parametrize("surface", ["openai-chat", "anthropic-messages", "openai-responses"])
def test_billing_recount_is_the_tokenizers(llama, surface):
    """The billing prompt recounted by difference agrees with the model's own tokenizer: each filler
    word is one token of SmolLM2's, so the fitted slope is 1 and every size is billed its tokenizer
    count plus the same chat-template overhead (the intercept less the instruction's tokens)."""
    from llmconform.surfaces import filler
    from llmconform.surfaces.billing import instruction

    check = f"{surface}/billing/prompt-recount"
    code, report, out = run(llama.base_url, surface, checks=[check], key=llama.api_key, model=llama.model,
                            features=SERVED["llama-server"][surface], timeouts=(60, 120), budget=10)
    assert code in (0, 1), out[-3000:]
    [entry] = report["billing"]
    measured = entry["measured"]
    assert measured["slope"] == 1.0, measured
    body = {"input": "Reply with one word, OK, and ignore this filler: " + filler(8)}
    words = [n for n, _ in measured["points"]]
    counted = [_tokens(llama, instruction(body) + filler(n)) for n in words]
    assert [c - counted[0] for c in counted] == [n - words[0] for n in words], "one token per filler word"
    overheads = {billed - c for (_, billed), c in zip(measured["points"], counted, strict=True)}
    assert len(overheads) == 1 and 0 <= overheads.pop() <= 60, (measured, counted)
