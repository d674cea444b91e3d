"""The conformance suite: one folder per surface, one file per concern, one test per check id
(`surface/concern/name`). Every test runs once per target (profile) the run was given."""

import pytest


def pytest_configure(config):
    if config.pluginmanager.get_plugin("llmconform") is None:
        raise pytest.UsageError("the conformance suite runs through `llmconform run` (see `llmconform run --help`)")


@pytest.fixture(autouse=True)
def _target(llmconform_target):
    return llmconform_target
