"""Thin: lets the self-tests import `llmconform` from this checkout, with or without `pip install -e .`.
The conformance suite in tests/ runs through `llmconform run`, which hands pytest its own plugin."""

import sys
from pathlib import Path

SRC = Path(__file__).parent / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))
