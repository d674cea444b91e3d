"""The library's layers, read from its real imports (type-only and function-level ones included):
each module imports only from its own layer or below, and no two modules import each other
round a loop. docs/architecture.md draws the same layers."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "llmconform"
# Lowest first. A module not listed here fails the test: place it where its imports say it belongs.
LAYERS = [
    ("verdicts and the result model", ["llmconform", "verdict", "clients", "result", "settings", "paths", "redact",
                                       "sse", "interrupt",
                                       "checkid", "sweep.render"]),
    ("exchange, spec, profile", ["exchange", "spec", "profile"]),
    ("readers of exchanges", ["fingerprint", "replay", "sdk", "checks"]),
    ("client", ["client"]),
    ("surfaces", ["surfaces", "surfaces.*"]),
    ("target", ["target", "documented"]),
    ("checks' fixtures, schemathesis, pre-flight, reports", ["fixtures", "rows", "fuzz", "preflight", "report",
                                                            "report.*", "console"]),
    ("plugin, sweep, the catalogue and the drift check", ["plugin", "sweep", "sweep.*", "catalogue", "drift"]),
    ("command line", ["cli"]),
]


def _name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(["llmconform", *parts]) if parts else "llmconform"


def _graph() -> dict[str, set[str]]:
    modules = {_name(p): p for p in SRC.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("llmconform"):
                found.add(node.module)
                found.update(f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in modules)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith("llmconform"))
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def _layer(module: str) -> int:
    short = module.removeprefix("llmconform.") if module != "llmconform" else "llmconform"
    for index, (_, names) in enumerate(LAYERS):
        for pattern in names:
            if short == pattern or (pattern.endswith(".*") and short.startswith(pattern[:-1])):
                return index
    raise AssertionError(f"{module} has no layer: add it to LAYERS where its imports put it")


def test_every_import_points_down():
    upward = [f"{m} ({LAYERS[_layer(m)][0]}) imports {d} ({LAYERS[_layer(d)][0]})"
              for m, deps in _graph().items() for d in deps if _layer(d) > _layer(m)]
    assert not upward, "imports from a lower layer to a higher one:\n" + "\n".join(sorted(upward))


# Where a function may import from llmconform, and why; anywhere else such an import dodges a cycle.
LAZY = {
    "llmconform.cli": "a subcommand's modules load when it runs: `llmconform --version` stays instant",
    "llmconform.report": "its writers are submodules that import the package they sit in",
}


def test_no_function_level_import_outside_the_lazy_entry_points():
    found = []
    for path in SRC.rglob("*.py"):
        module = _name(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and module not in LAZY:
                found += [f"{module}.{node.name}: {ast.unparse(inner)}" for inner in ast.walk(node)
                          if isinstance(inner, ast.ImportFrom) and (inner.module or "").startswith("llmconform")]
    assert not found, "function-level imports (move them to the top; a cycle they dodged is a layering bug):\n" \
        + "\n".join(sorted(set(found)))


def test_no_import_loops():
    graph = _graph()
    loops = []

    def visit(node: str, path: list[str]) -> None:
        for dep in graph[node]:
            if dep in path:
                loops.append(" -> ".join([*path[path.index(dep):], dep]))
            elif dep not in done:
                visit(dep, [*path, dep])
        done.add(node)

    done: set[str] = set()
    for module in graph:
        if module not in done:
            visit(module, [module])
    # A package importing its own submodules (a face re-exporting) is not a loop of concerns.
    real = [loop for loop in loops if not all(p.startswith(loop.split(" -> ")[0]) for p in loop.split(" -> "))]
    assert not real, "import loops:\n" + "\n".join(sorted(set(real)))
