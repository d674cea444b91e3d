#!/usr/bin/env bash
# Install (idempotently) Debian's headless Chromium and its WebDriver, which the browser self-test
# (selftest/test_browser.py) renders the offline run's HTML reports in.
# Usage: scripts/install-chromium.sh
# Browsers cannot be downloaded here (no internet but the package registries), so the browser is
# Debian's `chromium` and the driver its matching `chromium-driver` (same source package, same
# version): the Python side (selenium, from PyPI) is given the driver's path and fetches nothing.
set -euo pipefail

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"

if [ -x "$CHROMIUM" ] && [ -x "$CHROMEDRIVER" ]; then
  exit 0  # already there
fi
if [ "$(id -u)" != "0" ] && ! command -v sudo >/dev/null 2>&1; then
  echo "install-chromium: needs root to apt-get install chromium chromium-driver" >&2
  exit 2
fi
SUDO=""
[ "$(id -u)" = "0" ] || SUDO="sudo"
echo "install-chromium: apt-get install chromium chromium-driver"
start=$(date +%s)
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null
"$CHROMIUM" --version
echo "install-chromium: done in $(( $(date +%s) - start ))s"
