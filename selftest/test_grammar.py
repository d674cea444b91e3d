"""The grammar of the x-llmconform-* extensions (src/llmconform/schemas/extensions.schema.json): every
shipped spec keeps to it, a misspelt key or a wrong type is refused with the file, the JSON pointer and
the nearest known key, and nothing outside spec.py reads the extensions' raw YAML."""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from llmconform import exchange, profile, spec

ROOT = Path(__file__).resolve().parents[1]
SPECS = sorted(spec.spec_dir().glob("*.yaml"))
SCHEMA = ROOT / "src" / "llmconform" / "schemas" / "extensions.schema.json"


def test_the_grammar_is_a_json_schema_and_describes_every_key():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    undescribed = []

    def visit(node, where):
        if isinstance(node, dict):
            for key, value in (node.get("properties") or {}).items():
                if isinstance(value, dict) and not (value.get("description") or value.get("$comment")) \
                        and not ("$ref" in value and "description" in _resolve(schema, value["$ref"])):
                    undescribed.append(f"{where}.{key}")
            for key, value in node.items():
                visit(value, f"{where}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                visit(value, f"{where}[{i}]")

    visit(schema["$defs"], "$defs")
    assert not undescribed, f"keys without a description saying what they mean: {undescribed}"


def _resolve(schema, ref):
    return schema["$defs"][ref.rsplit("/", 1)[-1]]


@pytest.mark.parametrize("path", SPECS, ids=[p.stem for p in SPECS])
def test_every_shipped_spec_keeps_to_the_grammar(path):
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert spec.problems(document) == []
    found = spec.extensions(document)
    # The grammar is read where the extensions stand: each spec has a root and operations with some.
    assert found["root"] and found["operation"], sorted(found)


def test_the_grammar_names_the_words_the_code_knows():
    """Outcome kinds an `owners` entry may name are the exchange's, features the profile's."""
    defs = json.loads(SCHEMA.read_text(encoding="utf-8"))["$defs"]
    assert set(defs["outcome"]["enum"]) == {"*", *exchange.ANSWER_OUTCOMES, *exchange.TRANSPORT_OUTCOMES}
    assert defs["feature"]["enum"] == list(profile.FEATURES)


def test_every_extension_is_documented_in_the_openapi_readme():
    readme = (ROOT / "openapi" / "README.md").read_text(encoding="utf-8")
    defs = json.loads(SCHEMA.read_text(encoding="utf-8"))["$defs"]
    names = {name for key, node in defs.items() if key.startswith("at-") for name in node["properties"]}
    assert names, "the grammar declares no extension"
    assert not [n for n in sorted(names) if f"`{n}`" not in readme], "openapi/README.md should say what each means"


# -- a spec that breaks it is refused, naming the key and the nearest known one --------------------------

CHAT = "openai-chat"
OPERATION = "/v1/chat/completions"


def _broken(tmp_path, change):
    """A copy of openapi/ whose chat spec `change` breaks; the path of its chat spec."""
    folder = tmp_path / "openapi"
    folder.mkdir()
    for path in SPECS:
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    document = yaml.safe_load((folder / f"{CHAT}.yaml").read_text(encoding="utf-8"))
    change(document)
    (folder / f"{CHAT}.yaml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return folder / f"{CHAT}.yaml"


def _operation(document):
    return document["paths"][OPERATION]["post"]


def _owned(document):
    """The name and entry of the first chat probe that declares owners."""
    return next((n, e) for n, e in _operation(document)["x-llmconform-probes"].items() if "owners" in e)


def _owner_misspelt(document):
    entry = _owned(document)[1]
    entry["owner"] = entry.pop("owners")


def _primary_a_string(document):
    _owned(document)[1]["primary"] = "yes"


def _served_skips_underscored(document):
    entry = next(iter(_operation(document)["x-llmconform-invalid"].values()))
    entry["served_skips"] = "how a refusal looks is another check's"


def _effect_misspelt(document):
    entry = next(e for e in _operation(document)["x-llmconform-probes"].values() if "effect" in e)
    entry["effect"] = {"say": "pelican-42"}


def _usage_on_an_operation(document):
    _operation(document)["x-llmconform-usage"] = document.pop("x-llmconform-usage")


def _feature_misspelt(document):
    entry = next(e for e in _operation(document)["x-llmconform-probes"].values() if "effect" in e)
    entry["feature"] = "vison"


def _extension_misspelt(document):
    _operation(document)["x-llmconform-probs"] = _operation(document).pop("x-llmconform-probes")


@pytest.mark.parametrize(("change", "pointer", "says"), [
    (_owner_misspelt, "/x-llmconform-probes/{owned}/owner",
     "unknown key 'owner' (did you mean 'owners'?)"),
    (_primary_a_string, "/x-llmconform-probes/{owned}/primary", "'yes' is not of type 'boolean'"),
    (_served_skips_underscored, "/x-llmconform-invalid/", "unknown key 'served_skips' (did you mean 'served-skips'?)"),
    (_effect_misspelt, "/effect/say", "unknown key 'say' (did you mean 'says'?)"),
    (_usage_on_an_operation, "/x-llmconform-usage", "it goes on the document's root"),
    (_feature_misspelt, "/feature", "'vison' is not one of"),
    (_extension_misspelt, "/x-llmconform-probs",
     "unknown key 'x-llmconform-probs' (did you mean 'x-llmconform-probes'?)"),
], ids=["owner-for-owners", "primary-a-string", "served_skips", "effect-say", "usage-misplaced", "feature-vison",
        "probes-misspelt"])
def test_a_broken_spec_is_refused_naming_the_file_pointer_and_nearest_key(tmp_path, change, pointer, says):
    path = _broken(tmp_path, change)
    owned = _owned(yaml.safe_load(SPECS[[p.stem for p in SPECS].index(CHAT)].read_text(encoding="utf-8")))[0]
    with pytest.raises(spec.SpecError) as refused:
        spec.read(CHAT, path)
    message = str(refused.value)
    assert message.startswith(f"{path}: /"), message
    assert pointer.format(owned=owned) in message and says in message, message


def test_the_command_line_refuses_a_broken_spec_in_one_line_before_any_request(tmp_path):
    """A user's spec folder (LLMCONFORM_OPENAPI_DIR) with `owner:` for `owners:`: exit 2, one line
    naming the file, the pointer and the key meant, and no request sent (the base URL is unroutable)."""
    path = _broken(tmp_path, _owner_misspelt)
    env = {**os.environ, "LLMCONFORM_OPENAPI_DIR": str(path.parent), "GRAMMAR_KEY": "k"}
    result = subprocess.run([sys.executable, "-m", "llmconform.cli", "run", "--base-url", "http://127.0.0.1:9",
                             "--model", "m", "--surface", CHAT, "--api-key-env", "GRAMMAR_KEY",
                             "--report-dir", str(tmp_path / "reports")],
                            capture_output=True, text=True, env=env, timeout=300, check=False)
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert result.returncode == 2, result.stdout + result.stderr
    assert len(lines) == 1 and lines[0].startswith(f"llmconform: {path}: /paths/"), lines
    assert "unknown key 'owner' (did you mean 'owners'?)" in lines[0]
    assert not (tmp_path / "reports").exists() or not any((tmp_path / "reports").iterdir())


# -- nothing outside spec.py reads the extensions' raw YAML --------------------------------------------------

SCANNED = [ROOT / "src" / "llmconform", ROOT / "tests", ROOT / "selftest"]
# HTTP headers the replay writes into cassettes, not spec extensions.
NOT_EXTENSIONS = {"x-llmconform-auth", "x-llmconform-probe"}


def _raw_reads(path: Path) -> list[str]:
    """`node["x-llmconform-…"]`, `node.get("x-llmconform-…")` and `"x-llmconform-…" in node`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        keys = []
        if isinstance(node, ast.Subscript):
            keys = [node.slice]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            keys = node.args[:1]
        elif isinstance(node, ast.Compare) and any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
            keys = [node.left]
        for key in keys:
            text = key.value if isinstance(key, ast.Constant) else None
            if isinstance(key, ast.JoinedStr):
                text = "".join(str(v.value) for v in key.values if isinstance(v, ast.Constant))
            if isinstance(text, str) and text.startswith("x-llmconform-") and text not in NOT_EXTENSIONS:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)[:100]}")
    return found


def test_nothing_outside_spec_py_reads_the_extensions_raw():
    found = [hit for folder in SCANNED for path in sorted(folder.rglob("*.py"))
             if path.name != "spec.py" and path != Path(__file__).resolve() for hit in _raw_reads(path)]
    assert not found, "read these through spec.py's typed entries and accessors:\n" + "\n".join(found)


def test_the_typed_entries_carry_what_the_specs_declare():
    """Each probe and invalid entry of every spec reads into its frozen dataclass with the values it
    declares (the owners, the effect, the rule on one line)."""
    counted = {"probes": 0, "invalid": 0}
    for path in SPECS:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for operation in spec.load(path.stem).operations():
            raw = document["paths"][operation.path][operation.method]
            for name, entry in operation.probes.items():
                declared = raw["x-llmconform-probes"][name]
                assert entry.value == declared.get("value") and entry.owner_map() == declared.get("owners", {})
                assert dict(entry.effect) == declared.get("effect", {})
                assert entry.primary == declared.get("primary", False)
                counted["probes"] += 1
            for name, invalid in operation.invalid.items():
                declared = raw["x-llmconform-invalid"][name]
                assert invalid.value == declared["value"] and invalid.expect == declared.get("expect", 400)
                assert invalid.rule == " ".join(str(declared.get("rule", "")).split())
                counted["invalid"] += 1
    assert counted["probes"] >= 100 and counted["invalid"] >= 30, counted
    with pytest.raises(AttributeError):
        next(iter(spec.load(CHAT).operation(OPERATION).probes.values())).value = {}  # type: ignore[misc]
