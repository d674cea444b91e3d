# Headless Chromium for the browser self-test (selftest/test_browser.py), which renders the offline
# run's HTML reports and asserts on the rendered page. Included by the main Makefile.
#   make browser   Debian's chromium + chromium-driver, installed by apt when absent (idempotent)

CHROMIUM ?= /usr/bin/chromium
CHROMEDRIVER ?= /usr/bin/chromedriver

.PHONY: browser

browser:
	@CHROMIUM="$(CHROMIUM)" CHROMEDRIVER="$(CHROMEDRIVER)" bash scripts/install-chromium.sh
