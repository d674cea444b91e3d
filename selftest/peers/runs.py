"""The live runs the live goldens are made from: what each peer serves, and one run of the suite
per (peer, surface), the same for the self-test that holds them and for `make goldens-live`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from selftest.harness import run
from selftest.peers import Peer, litellm_proxy, llama_server

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
}
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


def _report(peer: Peer, surface: str) -> dict[str, Any]:
    code, report, out = live_run(peer, surface)
    if code not in (0, 1):
        raise RuntimeError(f"live run against {peer.name} {surface} broke (exit {code}):\n{out[-3000:]}")
    return report
