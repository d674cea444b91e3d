"""Thin: lets the suite in tests/ run from this checkout, with or without `pip install -e .`."""

import sys
from importlib.metadata import entry_points
from pathlib import Path

SRC = Path(__file__).parent / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

if not any(ep.value == "llmconform.plugin" for ep in entry_points(group="pytest11")):
    pytest_plugins = ["llmconform.plugin"]
