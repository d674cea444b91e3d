"""The conformance suite: one folder per surface, one file per concern, one test per check id
(`surface/concern/name`). Every test runs once per target (profile) the run was given."""

import pytest


@pytest.fixture(autouse=True)
def _target(llmconform_target):
    return llmconform_target
