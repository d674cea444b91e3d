#!/usr/bin/env bash
# Create (idempotently) a dedicated venv holding the LiteLLM proxy used by the live peer tests.
# Usage: scripts/install-litellm.sh [VENV_DIR]
#   VENV_DIR defaults to $LITELLM_VENV or ~/.cache/llmconform/venv-litellm-$LITELLM_VERSION
#   (outside the clone, so it survives a fresh checkout).
# Pinned: litellm[proxy]==1.100.0. Never 1.107.0 (compromised release); newer ones pin a certifi
# the registry lacks.
set -euo pipefail

LITELLM_VERSION="${LITELLM_VERSION:-1.100.0}"
if [ "$LITELLM_VERSION" = "1.107.0" ]; then
  echo "install-litellm: refusing litellm 1.107.0" >&2
  exit 2
fi
VENV_DIR="${1:-${LITELLM_VENV:-$HOME/.cache/llmconform/venv-litellm-$LITELLM_VERSION}}"
PYTHON="${PYTHON:-python3}"
# prisma (from litellm's extra-proxy): without it the proxy's auth-error path does `import prisma`,
# fails, and a request with no key gets 500 instead of 401. Only the Python package is used (no DB,
# no engine binaries fetched).
PRISMA_VERSION="${PRISMA_VERSION:-0.15.0}"
STAMP="$VENV_DIR/.llmconform-litellm-$LITELLM_VERSION-r2"  # bump rN when the recipe changes

if [ -f "$STAMP" ] && [ -x "$VENV_DIR/bin/litellm" ]; then
  exit 0  # already done
fi

echo "install-litellm: creating $VENV_DIR (litellm[proxy]==$LITELLM_VERSION)"
start=$(date +%s)
rm -rf "$VENV_DIR"
"$PYTHON" -m venv "$VENV_DIR"
"$VENV_DIR/bin/python" -m pip install --quiet --upgrade pip
"$VENV_DIR/bin/python" -m pip install --quiet "litellm[proxy]==$LITELLM_VERSION" "prisma==$PRISMA_VERSION"
"$VENV_DIR/bin/litellm" --version >/dev/null 2>&1 || "$VENV_DIR/bin/python" -c "import litellm.proxy.proxy_server"
touch "$STAMP"
echo "install-litellm: done in $(( $(date +%s) - start ))s -> $VENV_DIR/bin/litellm"
