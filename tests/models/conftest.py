"""The exchanges the models checks read: a fixture per probe its spec declares or its surface builds,
named after the probe (`llmconform.fixtures.fixture_name`); each is sent once per run and shared."""

from llmconform.fixtures import for_surface

globals().update(for_surface("models"))
