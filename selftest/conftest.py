"""Self-tests: the checks pass on conforming servers and fail on each violation."""

import os
from collections.abc import Iterator

import pytest

from selftest.fakes import FakeProvider

# Every self-test's replay asks the SDK lane's worker, as a first run does, and none writes to the
# machine's cache folder: reusing the answers of an earlier run is test_sdkcache's subject alone.
os.environ["LLMCONFORM_SDK_CACHE"] = "off"


@pytest.fixture(scope="session")
def fake() -> Iterator[FakeProvider]:
    provider = FakeProvider().start()
    yield provider
    provider.stop()


@pytest.fixture(scope="session")
def offline(tmp_path_factory):
    """The offline run of every vendor with cassettes, as `make conformance` makes it, through the
    command line: per-vendor reports in a folder, the combined ones under explicit names, the matrix."""
    import os
    import subprocess
    import sys

    from selftest.harness import ROOT

    out = tmp_path_factory.mktemp("offline")
    vendors = sorted(p.name for p in (ROOT / "cassettes").iterdir() if p.is_dir())
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}  # a replay needs no key
    args = [sys.executable, "-m", "llmconform.cli", "run", "--replay", "--report-dir", str(out / "dir"),
            "--report-json", str(out / "all.json"), "--report-md", str(out / "all.md"),
            "--report-html", str(out / "all.html"), "--junit", str(out / "all.xml")]
    for vendor in vendors:
        args += ["--profile", str(ROOT / "vendors" / f"{vendor}.yaml")]
    run = subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)
    assert run.returncode in (0, 1), run.stdout[-3000:] + run.stderr[-3000:]
    compare = subprocess.run([sys.executable, "-m", "llmconform.cli", "compare",
                              *[str(out / "dir" / f"{v}.json") for v in vendors],
                              "--md", str(out / "dir" / "matrix.md"), "--html", str(out / "dir" / "matrix.html")],
                             capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert compare.returncode == 0, compare.stderr
    return {"dir": out / "dir", "root": out, "vendors": vendors, "code": run.returncode, "stdout": run.stdout,
            "compare": compare.stdout}
