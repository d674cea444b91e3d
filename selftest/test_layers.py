"""The library's layers, read from its real imports — `import x`, `from x import y`, relative ones
(`from ..x import y`), `importlib.import_module("x")` with a constant name, at any depth (type-only and
function-level ones included): each module imports only from its own layer or below, no two modules
import each other round a loop, pytest is imported only from the fixture layer up, and the checks in
tests/ import only the API declared for check authors (llmconform.checks.CHECK_API).
docs/architecture.md draws the same layers. Each rule also runs on a temporary tree that breaks it."""

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from llmconform.checks import CHECK_API

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "llmconform"
TESTS = ROOT / "tests"
# Lowest first. A module not listed here fails the test: place it where its imports say it belongs.
LAYERS = [
    ("verdicts and the result model", ["llmconform", "verdict", "clients", "result", "settings", "paths", "redact",
                                       "sse", "interrupt", "checkid", "suggest"]),
    ("exchange, spec, profile", ["exchange", "spec", "profile", "factory"]),
    ("readers of exchanges", ["fingerprint", "replay", "sdk", "checks"]),
    ("client", ["client", "websocket"]),
    ("surfaces", ["surfaces", "surfaces.*"]),
    ("target", ["target", "documented"]),
    ("checks' fixtures, schemathesis, pre-flight, reports", ["fixtures", "rows", "fuzz", "preflight", "report",
                                                            "report.*", "console", "options", "sdklane",
                                                            "sdkcache"]),
    ("plugin, sweep, the catalogue and the drift check", ["plugin", "sweep", "sweep.*", "catalogue", "drift"]),
    ("command line", ["cli"]),
]


# The first layer that may import pytest: fixtures and rows hand pytest its fixtures and read its items;
# below them a verdict is an exception of llmconform.verdict (a Skip included), never pytest's.
PYTEST_FROM = "checks' fixtures, schemathesis, pre-flight, reports"


def _name(path: Path, src: Path = SRC) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(["llmconform", *parts]) if parts else "llmconform"


@dataclass(frozen=True)
class Import:
    module: str  # absolute, relative imports resolved
    names: tuple[str, ...]  # what `from module import ...` takes; () for the module itself
    line: int
    in_function: bool


def imports(path: Path, module: str) -> Iterator[Import]:
    """Every import a file makes, however written; `module` is its dotted name (a package's is its own)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]

    def absolute(name: str, level: int) -> str:
        if not level:
            return name
        base = package.split(".")[: len(package.split(".")) - (level - 1)] if package else []
        return ".".join([*base, name] if name else base)

    def walk(node: ast.AST, in_function: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                yield from (Import(a.name, (), child.lineno, inner) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                yield Import(absolute(child.module or "", child.level), tuple(a.name for a in child.names),
                             child.lineno, inner)
            elif isinstance(child, ast.Call) and _dynamic(child):
                name = child.args[0].value  # type: ignore[attr-defined]
                yield Import(absolute(name.lstrip("."), len(name) - len(name.lstrip("."))), (), child.lineno, inner)
            yield from walk(child, inner)

    yield from walk(ast.parse(path.read_text(encoding="utf-8")), False)


def _dynamic(call: ast.Call) -> bool:
    """`importlib.import_module("x")`, `import_module("x")`, `__import__("x")` with a constant name."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return (name in ("import_module", "__import__") and bool(call.args) and isinstance(call.args[0], ast.Constant)
            and isinstance(call.args[0].value, str))


def _modules(src: Path) -> dict[str, Path]:
    return {_name(p, src): p for p in src.rglob("*.py")}


def _targets(found: Import, modules: dict[str, Path] | set[str]) -> set[str]:
    """The llmconform modules one import reaches: the module, and each name that is a submodule."""
    return {found.module, *(f"{found.module}.{n}" for n in found.names)} & set(modules)


def _graph(src: Path = SRC) -> dict[str, set[str]]:
    modules = _modules(src)
    return {name: {m for found in imports(path, name) for m in _targets(found, modules) if m != name}
            for name, path in modules.items()}


def _layer(module: str) -> int:
    short = module.removeprefix("llmconform.") if module != "llmconform" else "llmconform"
    for index, (_, names) in enumerate(LAYERS):
        for pattern in names:
            if short == pattern or (pattern.endswith(".*") and short.startswith(pattern[:-1])):
                return index
    raise AssertionError(f"{module} has no layer: add it to LAYERS where its imports put it")


def upward(src: Path = SRC) -> list[str]:
    return sorted(f"{m} ({LAYERS[_layer(m)][0]}) imports {d} ({LAYERS[_layer(d)][0]})"
                  for m, deps in _graph(src).items() for d in deps if _layer(d) > _layer(m))


# Where a function may import from llmconform, and why; anywhere else such an import dodges a cycle.
LAZY = {
    "llmconform.cli": "a subcommand's modules load when it runs: `llmconform --version` stays instant",
    "llmconform.report": "its writers are submodules that import the package they sit in",
    "llmconform.options": "the client (httpx, vcrpy) loads when its limits are built: a replay's command line "
                          "has read its options and started the SDK worker by then",
    "llmconform.sdklane": "the SDK helpers (httpx) load once the worker is started, and in the worker",
}


def function_level(src: Path = SRC) -> list[str]:
    modules = _modules(src)
    return sorted({f"{name}:{found.line}: {_shown(found)}" for name, path in modules.items() if name not in LAZY
                   for found in imports(path, name) if found.in_function and _targets(found, modules)})


def _shown(found: Import) -> str:
    return f"from {found.module} import {', '.join(found.names)}" if found.names else f"import {found.module}"


def loops(src: Path = SRC) -> list[str]:
    graph = _graph(src)
    found = []

    def visit(node: str, path: list[str]) -> None:
        for dep in graph[node]:
            if dep in path:
                found.append(" -> ".join([*path[path.index(dep):], dep]))
            elif dep not in done:
                visit(dep, [*path, dep])
        done.add(node)

    done: set[str] = set()
    for module in graph:
        if module not in done:
            visit(module, [module])
    # A package importing its own submodules (a face re-exporting) is not a loop of concerns.
    return sorted({loop for loop in found if not all(p.startswith(loop.split(" -> ")[0]) for p in loop.split(" -> "))})


def pytest_below_fixtures(src: Path = SRC) -> list[str]:
    lowest = [name for name, _ in LAYERS].index(PYTEST_FROM)
    return sorted(f"{name}:{found.line}: {_shown(found)}" for name, path in _modules(src).items()
                  if _layer(name) < lowest for found in imports(path, name)
                  if found.module.split(".")[0] in ("pytest", "_pytest"))


def _allowed(api: dict[str, tuple[str, ...]], module: str, name: str | None) -> bool:
    entry = api.get(module)
    if entry is None:
        entry = next((names for pattern, names in api.items()
                      if pattern.endswith(".*") and module.startswith(pattern[:-1])), None)
    if entry is None:
        return False
    return name is None or name in entry or ("*" in entry and not name.startswith("_"))


def outside_api(tests: Path = TESTS, src: Path = SRC, api: dict[str, tuple[str, ...]] = CHECK_API) -> list[str]:
    """What a file under tests/ imports from llmconform beyond the API declared for check authors: a
    module it does not list, or a name the module's entry does not give ("*": its public names)."""
    modules = _modules(src)
    found = []
    for path in sorted(tests.rglob("*.py")):
        where = path.relative_to(tests.parent)
        for item in imports(path, "tests." + ".".join(path.relative_to(tests).with_suffix("").parts)):
            if item.module.split(".")[0] != "llmconform":
                continue
            taken = [(f"{item.module}.{n}", None) if f"{item.module}.{n}" in modules else (item.module, n)
                     for n in item.names] or [(item.module, None)]
            found += [f"{where}:{item.line}: {module}{'' if name is None else '.' + name}"
                      for module, name in taken if not _allowed(api, module, name)]
    return found


def test_every_import_points_down():
    found = upward()
    assert not found, "imports from a lower layer to a higher one:\n" + "\n".join(found)


def test_no_function_level_import_outside_the_lazy_entry_points():
    found = function_level()
    assert not found, "function-level imports (move them to the top; a cycle they dodged is a layering bug):\n" \
        + "\n".join(found)


def test_no_import_loops():
    found = loops()
    assert not found, "import loops:\n" + "\n".join(found)


def test_pytest_is_imported_only_from_the_fixture_layer_up():
    found = pytest_below_fixtures()
    assert not found, ("pytest imported below the fixture layer (raise llmconform.verdict's Skip, Fail, ...; the "
                       "plugin turns them into pytest's outcomes):\n" + "\n".join(found))


def test_the_checks_import_only_the_declared_api():
    found = outside_api()
    assert not found, ("tests/ imports llmconform beyond the API for check authors (llmconform.checks.CHECK_API: "
                       "use what it declares, or declare it there):\n" + "\n".join(found))


def test_every_rule_catches_a_tree_that_breaks_it(tmp_path):
    """A temporary library and suite, each file breaking one rule in a way the plain reading of
    `from x import y` at the top of a module would miss."""
    src, tests = tmp_path / "src" / "llmconform", tmp_path / "tests"
    files = {
        src / "__init__.py": "",
        src / "verdict.py": "from .plugin import Plugin\n",  # relative, upward
        src / "exchange.py": "import importlib\n\nCLIENT = importlib.import_module('llmconform.client')\n",
        src / "spec.py": "def late():\n    import llmconform.target\n",  # plain import in a function
        src / "paths.py": "import pytest\n",  # pytest below the fixture layer
        src / "redact.py": "from llmconform import sse\n",
        src / "sse.py": "from . import redact\n",  # a loop, one side relative
        src / "plugin.py": "", src / "client.py": "", src / "target.py": "", src / "checks.py": "",
        src / "fixtures.py": "",
        tests / "conftest.py": "from llmconform.fixtures import for_surface\n",  # declared: fine
        tests / "chat" / "test_a.py": ("from llmconform import checks, target\n"
                                       "from llmconform.verdict import _seal, expect\n"
                                       "import importlib\n\ndef test_x():\n"
                                       "    importlib.import_module('llmconform.client')\n"),
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    api = {"llmconform.checks": ("*",), "llmconform.verdict": ("*",), "llmconform.fixtures": ("for_surface",)}
    assert upward(src) == [
        "llmconform.exchange (exchange, spec, profile) imports llmconform.client (client)",
        "llmconform.spec (exchange, spec, profile) imports llmconform.target (target)",
        "llmconform.verdict (verdicts and the result model) imports llmconform.plugin (plugin, sweep, the catalogue "
        "and the drift check)"]
    assert function_level(src) == ["llmconform.spec:2: import llmconform.target"]
    assert loops(src) in (["llmconform.redact -> llmconform.sse -> llmconform.redact"],
                          ["llmconform.sse -> llmconform.redact -> llmconform.sse"])
    assert pytest_below_fixtures(src) == ["llmconform.paths:1: import pytest"]
    assert outside_api(tests, src, api) == ["tests/chat/test_a.py:1: llmconform.target",
                                            "tests/chat/test_a.py:2: llmconform.verdict._seal",
                                            "tests/chat/test_a.py:6: llmconform.client"]
