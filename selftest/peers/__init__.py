"""Live peers for the selftests: llama.cpp's ``llama-server`` and a LiteLLM proxy in front of it.

Both run on 127.0.0.1 with no internet and no real API key. Install them with ``make peers``
(``mk/peers.mk``). Usage from a pytest fixture::

    from selftest.peers import llama_server, litellm_proxy

    @pytest.fixture(scope="session")
    def llama():
        if find_llama_server() is None or find_gguf() is None:
            pytest.skip("llama-server not installed: make llama")
        with llama_server() as peer:
            yield peer

    @pytest.fixture(scope="session")
    def litellm(llama):
        with litellm_proxy(llama) as peer:
            yield peer

Only the standard library and httpx are used here. See NOTES.md beside this file for what the
two servers answer and how they depart from the official OpenAI/Anthropic APIs.
"""

from selftest.peers.installed import GGUF_NAME, LITELLM_VERSION, find_gguf, find_litellm, find_llama_server
from selftest.peers.process import Peer, PeerStartError, free_port
from selftest.peers.servers import (
    DEFAULT_ALIAS,
    LITELLM_CONFIG,
    LITELLM_IMAGES_CONFIG,
    LITELLM_MASTER_KEY,
    litellm_proxy,
    llama_server,
    render_litellm_config,
)

__all__ = [
    "DEFAULT_ALIAS",
    "GGUF_NAME",
    "LITELLM_CONFIG",
    "LITELLM_IMAGES_CONFIG",
    "LITELLM_MASTER_KEY",
    "LITELLM_VERSION",
    "Peer",
    "PeerStartError",
    "find_gguf",
    "find_litellm",
    "find_llama_server",
    "free_port",
    "litellm_proxy",
    "llama_server",
    "render_litellm_config",
]
