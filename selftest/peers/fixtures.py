"""The live peers as pytest fixtures, for every self-test module that runs against them: missing
peers skip locally and fail in CI (which installs them), a peer that does not start fails."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from selftest.peers import (
    Peer,
    PeerStartError,
    find_gguf,
    find_litellm,
    find_llama_server,
    litellm_proxy,
    llama_server,
)
from selftest.peers.runs import litellm_images


def _absent(what: str) -> None:
    message = f"{what} is not installed: run `make peers`"
    if os.environ.get("CI"):
        pytest.fail(message + " (CI installs it in .ci/run)")
    pytest.skip(message)


def peer_fixtures(llama_key: str) -> tuple[Any, Any]:
    """(llama, litellm): module-scoped fixtures of llama-server started with `llama_key` and a
    LiteLLM proxy in front of it. Assign them to those names in the test module."""

    @pytest.fixture(scope="module")
    def llama() -> Iterator[Peer]:
        if find_llama_server() is None or find_gguf() is None:
            _absent("llama-server (llama-cpp-python built with the server) or the SmolLM2 GGUF")
        try:
            with llama_server(api_key=llama_key) as peer:
                yield peer
        except PeerStartError as exc:
            pytest.fail(str(exc))

    @pytest.fixture(scope="module")
    def litellm(llama: Peer) -> Iterator[Peer]:
        if find_litellm() is None:
            _absent("the LiteLLM proxy")
        with litellm_proxy(llama) as peer:
            yield peer

    return llama, litellm


def images_fixture() -> Any:
    """A module-scoped fixture of LiteLLM's image route in front of the loopback fake
    (selftest.peers.runs.litellm_images). Assign it to `litellm_images` in the test module."""
    @pytest.fixture(scope="module")
    def images() -> Iterator[Peer]:
        if find_litellm() is None:
            _absent("the LiteLLM proxy")
        with litellm_images() as peer:
            yield peer

    return images
