# llmconform — two commands do all the set-up on a fresh machine:
#   make conformance   the main job (offline replay of every vendor's cassettes by default)
#   make test          the project's own tests
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
LLMCONFORM := $(VENV)/bin/llmconform
STAMP := $(VENV)/.installed
REPORTS ?= reports
# Live runs: PROFILE=vendors/NAME.yaml, or BASE_URL=... MODEL=... [API_KEY_ENV=...] [SURFACE=openai-chat]
PROFILE ?=
BASE_URL ?=
MODEL ?=
API_KEY_ENV ?=
SURFACE ?= openai-chat
ARGS ?=
# Vendors with cassettes and a profile (a run recorded from flags has no profile to replay with).
VENDORS := $(sort $(filter $(basename $(notdir $(wildcard vendors/*.yaml))),$(notdir $(wildcard cassettes/*))))

.PHONY: install conformance test goldens goldens-live lint bench record cassettes clean spec-drift

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install -q --disable-pip-version-check -e '.[dev,sdk]'
	@touch $(STAMP)

conformance: install
ifneq ($(PROFILE),)
	$(LLMCONFORM) run --profile $(PROFILE) --report-dir $(REPORTS) $(ARGS)
else ifneq ($(BASE_URL),)
	$(LLMCONFORM) run --base-url $(BASE_URL) --model $(MODEL) $(foreach s,$(SURFACE),--surface $(s)) \
	  $(if $(API_KEY_ENV),--api-key-env $(API_KEY_ENV)) --report-dir $(REPORTS) $(ARGS)
else
	@# Offline: every vendor with cassettes, replayed with the network blocked. The documents'
	@# own departures are FAIL rows (reviewed in selftest/golden/<vendor>.<surface>.json), so only a usage or
	@# suite error (exit 2) fails this target.
	@rm -f $(REPORTS)/*.json
	@$(LLMCONFORM) run --replay $(foreach v,$(VENDORS),--profile vendors/$(v).yaml) --report-dir $(REPORTS) $(ARGS) \
	  > $(REPORTS).log 2>&1; status=$$?; \
	  if [ $$status -ge 2 ]; then cat $(REPORTS).log; exit $$status; fi; \
	  tail -n +1 $(REPORTS).log | grep -E "^(FAIL|WARN|ERROR) |^--- |^llmconform:" || true
	@$(LLMCONFORM) compare $(REPORTS)/*.json --md $(REPORTS)/matrix.md --html $(REPORTS)/matrix.html
	@echo "reports: $(REPORTS)/<vendor>.{json,md,html,xml}, $(REPORTS)/combined.{json,md,html,xml}, $(REPORTS)/matrix.{md,html}"
endif

# What a newer official definition (OFFICIAL=an OpenAPI file, [SURFACE=...]) changed against openapi/.
spec-drift: install
	@test -n "$(OFFICIAL)" || { echo "make spec-drift OFFICIAL=path/to/openapi.yml [SURFACE=openai-responses]"; exit 2; }
	$(LLMCONFORM) spec diff $(OFFICIAL) $(if $(filter command line,$(origin SURFACE)),--surface $(SURFACE)) $(ARGS)

record: install
	$(LLMCONFORM) run --profile $(PROFILE) --record --report-dir $(REPORTS) $(ARGS)

cassettes: install
	$(PY) -m llmconform.documented

test: install peers browser
	$(PY) -m pytest selftest -q $(ARGS)

# The goldens (selftest/golden/): the reviewed departures, rewritten from a run; the change is printed
# for review, and a new or changed verdict is marked UNREVIEWED until its reason is written.
goldens: install
	$(PY) -m selftest.goldens --write

goldens-live: install peers
	$(PY) -m selftest.goldens --live --write

lint: install
	$(VENV)/bin/ruff check src tests selftest conftest.py
	$(VENV)/bin/mypy src --ignore-missing-imports

bench: install
	$(PY) -m selftest.bench

clean:
	rm -rf $(REPORTS) $(REPORTS).log build *.egg-info src/*.egg-info

-include mk/peers.mk
-include mk/browser.mk
