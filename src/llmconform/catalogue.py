"""The catalogue of checks — `llmconform checks`, CHECKS.md and the README's count — made from
what pytest collects, so a parametrized check counts once per case, as it does in a report.
CHECKS.md also lists the sweep's findings, from the table that declares them.

`python -m llmconform.catalogue` rewrites CHECKS.md and the count; `--check` says whether both
are current.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import sys
from typing import Any, NamedTuple

import pytest

from llmconform.checkid import binding_of, binding_problems, check_id, rule_of
from llmconform.paths import PACKAGE, root, suite_dir
from llmconform.sweep.findings import FINDINGS

COUNT = re.compile(r"<!--checks-->\d+<!--/checks-->")


class Entry(NamedTuple):
    """One check of the catalogue: its id, the rule it holds, how binding it is, and its source."""

    id: str
    rule: str
    level: str
    source: str


class _Collector:
    """A plugin that only collects: one placeholder target, every item's id, rule, level and source
    recorded (and what is wrong with a declaration, for the self-test)."""

    __name__ = "llmconform"

    def __init__(self) -> None:
        self.found: list[Entry] = []
        self.problems: dict[str, list[str]] = {}

    def pytest_configure(self, config: pytest.Config) -> None:
        for line in ("feature(name): a feature the check needs", "live_only: generated requests",
                     "check(id, level, source): the check's id, level and source"):
            config.addinivalue_line("markers", line)

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "llmconform_target" in metafunc.fixturenames:
            metafunc.parametrize("llmconform_target", [None], ids=["catalogue"], scope="session")

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            ident = check_id(item)
            if ident:
                binding = binding_of(item)
                self.found.append(Entry(ident[1], rule_of(item), binding.level if binding else "",
                                        binding.source if binding else ""))
                if binding is None:
                    self.problems[ident[1]] = binding_problems(item)


def checks() -> list[Entry]:
    """Every check (id, rule, level, source), sorted by id."""
    return collected()[0]


def undeclared() -> dict[str, list[str]]:
    """Checks whose level or source is missing or wrong, with what is wrong."""
    return collected()[1]


@functools.cache
def collected() -> tuple[list[Entry], dict[str, list[str]]]:
    collector = _Collector()
    args = [str(suite_dir()), "--collect-only", "--rootdir", str(root()), "-c", str(PACKAGE / "suite.ini"),
            "-p", "no:terminal", "-p", "no:cacheprovider", "--import-mode=importlib"]
    before = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            pytest.main(args, plugins=[collector])
    finally:
        if before is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
    return sorted(collector.found), collector.problems


def render(rows: list[Entry]) -> str:
    musts = sum(row.level == "must" for row in rows)
    lines = ["# Checks", "", f"{len(rows)} checks, one per line: `surface/concern/name`, how binding its rule is "
             f"(MUST: a break FAILs — {musts}; SHOULD: it may only WARN — {len(rows) - musts}), the rule it holds "
             "and its source (the official definition it comes from).",
             "Generated from what pytest collects in `tests/` by `python -m llmconform.catalogue`; the design is "
             "in `../shared/design/CHECKS.md`.", ""]
    surface = None
    for ident, doc, level, source in rows:
        if ident.split("/")[0] != surface:
            surface = ident.split("/")[0]
            lines += ["", f"## {surface}", ""]
        lines.append(f"- `{ident}` ({level.upper() or 'no level'}) — {doc} Source: {source or '(none)'}")
    lines += ["", "## sweep", "", f"The {len(FINDINGS)} findings of `llmconform sweep` (one cheap probe per model; "
              "not checks of a surface, so not counted above): the id, the verdict it gives, and its rule.", ""]
    lines += [f"- `{ident}` ({verdict}) — {rule}" for ident, (verdict, rule) in FINDINGS.items()]
    return "\n".join(lines) + "\n"


def _files(rows: list[Entry]) -> dict[Any, str]:
    readme = root() / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    return {root() / "CHECKS.md": render(rows), readme: COUNT.sub(f"<!--checks-->{len(rows)}<!--/checks-->", text)}


def main(argv: list[str] | None = None) -> int:
    rows = checks()
    files = _files(rows)
    if "--check" in (argv if argv is not None else sys.argv[1:]):
        stale = [p.name for p, text in files.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
        if stale:
            print(f"{', '.join(stale)} stale: run python -m llmconform.catalogue", file=sys.stderr)
            return 1
        return 0
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    print(f"wrote CHECKS.md and the README's count: {len(rows)} checks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
