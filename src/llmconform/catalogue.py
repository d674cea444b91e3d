"""CHECKS.md, the catalogue of check ids, read from the suite's tests without running them.

`python -m llmconform.catalogue` rewrites it; `--check` says whether it is current.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from llmconform.paths import root, suite_dir


def checks(tests: Path | None = None) -> list[tuple[str, str]]:
    """(check id, first line of its docstring) for every test in tests/<surface>/test_<concern>.py."""
    tests = tests or suite_dir()
    found = []
    for path in sorted(tests.glob("*/test_*.py")):
        surface = path.parent.name.replace("_", "-")
        concern = path.stem.removeprefix("test_").replace("_", "-")
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                doc = " ".join((ast.get_docstring(node) or "").split())
                found.append((f"{surface}/{concern}/{node.name.removeprefix('test_').replace('_', '-')}", doc))
    return found


def render() -> str:
    rows = checks()
    lines = ["# Checks", "", f"{len(rows)} checks, one per line: `surface/concern/name` and the rule it holds.",
             "Generated from `tests/` by `python -m llmconform.catalogue`; the design is in "
             "`../shared/design/CHECKS.md`.", ""]
    surface = None
    for ident, doc in rows:
        if ident.split("/")[0] != surface:
            surface = ident.split("/")[0]
            lines += ["", f"## {surface}", ""]
        lines.append(f"- `{ident}` — {doc}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    target = root() / "CHECKS.md"
    text = render()
    if "--check" in (argv if argv is not None else sys.argv[1:]):
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            print("CHECKS.md is stale: run python -m llmconform.catalogue", file=sys.stderr)
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target.name}: {len(checks())} checks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
