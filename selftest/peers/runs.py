"""The live runs the live goldens are made from: what each peer serves, and one run of the suite
per (peer, surface), the same for the self-test that holds them and for `make goldens-live`."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from selftest.fakes import KEY, FakeProvider
from selftest.harness import run
from selftest.peers import LITELLM_IMAGES_CONFIG, Peer, litellm_proxy, llama_server

LLAMA_KEY = "sk-llama-selftest-0001"
# What each peer serves, and the features its profile declares.
SERVED = {
    # `state` (issue 22): both refuse previous_response_id and keep no responses; the goldens say so.
    # `agent-clients` (issue 22): the agents' own request shapes; neither has /v1/responses/compact.
    "llama-server": {"openai-chat": ["stream", "tools", "json-mode"],
                     "openai-responses": ["stream", "tools", "state", "agent-clients"],
                     "anthropic-messages": ["stream", "tools", "count_tokens", "agent-clients"], "models": []},
    "litellm": {"openai-chat": ["stream", "tools", "json-mode"],
                "openai-responses": ["stream", "tools", "state", "agent-clients"],
                "anthropic-messages": ["stream", "tools", "count_tokens", "agent-clients"], "models": [],
                # LiteLLM's Google-format routes (/v1beta/models/{model}:generateContent, ...), translated
                # to chat completions upstream; llama-server has no Gemini surface of its own.
                "gemini": ["stream", "tools", "json-mode", "count_tokens", "agent-clients"]},
    # LiteLLM's image route (/v1/images/generations, /v1/images/edits) in front of the loopback fake.
    "litellm-images": {"openai-images": ["images"]},
}
# The upstream image model LiteLLM is given: an OpenAI one whose parameters it knows (for a model it
# does not know it refuses `response_format` before sending anything, UnsupportedParamsError).
IMAGES_MODEL = "dall-e-2"
BUDGET_REQUESTS, BUDGET_TOKENS = 60, 3000


def live_run(peer: Peer, surface: str) -> tuple[int, dict[str, Any], str]:
    """(exit code, JSON report, output) of the suite on one surface of a running peer."""
    return run(peer.base_url, surface, key=peer.api_key, model=peer.model, features=SERVED[peer.name][surface],
               timeouts=(60, 120), budget=BUDGET_REQUESTS, fuzz_cases=5)


def live_runs() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(peer, surface, report) of every live run, the peers started here and stopped after."""
    with llama_server(api_key=LLAMA_KEY) as llama:
        for surface in SERVED[llama.name]:
            yield llama.name, surface, _report(llama, surface)
        with litellm_proxy(llama) as litellm:
            for surface in SERVED[litellm.name]:
                yield litellm.name, surface, _report(litellm, surface)
    with litellm_images() as images:
        for surface in SERVED[images.name]:
            yield images.name, surface, _report(images, surface)


@contextmanager
def litellm_images() -> Iterator[Peer]:
    """LiteLLM's image route in front of the loopback fake (selftest/fakes/images.py), as the peer
    `litellm-images`: nothing paid, nothing off the machine."""
    fake = FakeProvider().start()
    try:
        upstream = Peer(name="fake", base_url=fake.base_url, model=IMAGES_MODEL, api_key=KEY,
                        log_path=Path(os.devnull), pid=os.getpid())
        with litellm_proxy(upstream, config_template=LITELLM_IMAGES_CONFIG) as peer:
            yield dataclasses.replace(peer, name="litellm-images")
    finally:
        fake.stop()


def _report(peer: Peer, surface: str) -> dict[str, Any]:
    code, report, out = live_run(peer, surface)
    if code not in (0, 1):
        raise RuntimeError(f"live run against {peer.name} {surface} broke (exit {code}):\n{out[-3000:]}")
    return report
