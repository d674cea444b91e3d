"""The wheel carries the suite: `openapi/`, `tests/`, `vendors/` and `cassettes/` stay at the top of
the repository and are copied into the package as `llmconform/_bundle/` when it is built, so the
installed tool finds them through the package, from any directory (see llmconform.paths)."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BUNDLED = ("openapi", "tests", "vendors", "cassettes")


class BuildWithSuite(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout itself
        bundle = Path(self.build_lib) / "llmconform" / "_bundle"
        for name in BUNDLED:
            shutil.copytree(HERE / name, bundle / name, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache"))


setup(cmdclass={"build_py": BuildWithSuite})
