"""Adding a check that reads an existing probe is its test function plus one self-test row.

In a temporary copy of the project a throwaway check is added the way a newcomer would: the
check in its surface's test file, its violation as one row of the self-test table
(`selftest/violations.py`). The catalogue is regenerated (`python -m llmconform.catalogue`
writes CHECKS.md and the README's count); then those two hand-edited files and the two generated
ones are all that changed, and the check tables, the goldens and the catalogue's self-tests pass
in the copy: the new check passes on the conforming fake and every seed replay, and fails under
its violation.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from selftest.harness import ROOT

CHECK = "openai-chat/response/object-name"
TEST = f'''

@pytest.mark.check("{CHECK}", level="must",
                   source="openapi/openai-chat.yaml#/components/schemas/CreateChatCompletionResponse")
def test_object_name(basic):
    """`object` is "chat.completion" (a throwaway check: selftest/test_new_check.py)."""
    data = checks.ok_json(basic)
    expect(data.get("object") == "chat.completion", '`object` "chat.completion"', data.get("object"))
'''
ROW = f'    "{CHECK}": ("chat.object-wrong", "fail"),\n'


def _copy(dest: Path) -> None:
    # The working tree as it is, new files included: what the project holds, not what git last saw.
    listing = ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
    tracked = subprocess.run(listing, cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    for argv in (["init", "-q"], ["add", "-A"], ["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "copy"]):
        subprocess.run(["git", *argv], cwd=dest, check=True, capture_output=True)


def _run(copy: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": f"{copy / 'src'}{os.pathsep}{copy}"}
    return subprocess.run([sys.executable, *argv], cwd=copy, env=env, capture_output=True, text=True, timeout=900)


def _pytest(copy: Path, *selection: str) -> subprocess.CompletedProcess[str]:
    return _run(copy, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA", *selection)


def test_a_new_check_is_its_test_and_one_self_test_row(tmp_path):
    copy = tmp_path / "project"
    _copy(copy)
    found = _run(copy, "-c", "import llmconform, selftest; print(llmconform.__file__, selftest.__file__)")
    assert found.stdout.startswith(str(copy)), f"the copy must run its own code: {found.stdout}{found.stderr}"

    test_file, table = copy / "tests/openai_chat/test_response.py", copy / "selftest/violations.py"
    test_file.write_text(test_file.read_text() + TEST)
    unlisted = _pytest(copy, "selftest/test_check_tables.py::test_every_check_has_a_violation[openai-chat]")
    assert unlisted.returncode == 1 and CHECK in unlisted.stdout, "a check without its self-test row is refused"

    text = table.read_text()
    assert "    # openai-chat\n" in text
    table.write_text(text.replace("    # openai-chat\n", "    # openai-chat\n" + ROW, 1))
    generated = _run(copy, "-m", "llmconform.catalogue")
    assert generated.returncode == 0, generated.stderr

    status = subprocess.run(["git", "status", "--porcelain"], cwd=copy, capture_output=True, text=True).stdout
    changed = sorted(line[3:] for line in status.splitlines())
    assert changed == ["CHECKS.md", "README.md", "selftest/violations.py", "tests/openai_chat/test_response.py"]

    tables = "selftest/test_check_tables.py::test_"
    held = _pytest(copy, f"{tables}every_check_passes_on_a_conforming_server[openai-chat]",
                   f"{tables}every_check_has_a_violation[openai-chat]", f"{tables}check_catches_its_violation[{CHECK}]",
                   "selftest/test_golden_replay.py", "selftest/test_specs.py")
    assert held.returncode == 0, held.stdout[-3000:] + held.stderr[-2000:]
    assert f"PASSED selftest/test_check_tables.py::test_check_catches_its_violation[{CHECK}]" in held.stdout
