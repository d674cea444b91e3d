"""The exchanges the relay-suno checks read: a fixture per probe its spec declares or its surface builds."""

from llmconform.fixtures import for_surface

globals().update(for_surface("relay-suno"))
