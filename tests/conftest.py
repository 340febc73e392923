import inspect
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).with_name("fixtures")


def run_cli(*args, env=None):
    """Run the console script as a user would; return CompletedProcess."""
    return subprocess.run([sys.executable, "-m", "regionanalyse.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, env=env)


@pytest.fixture
def write_yaml(tmp_path):
    def write(text: str, name: str = "forslag.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path
    return write


# Tests that start the command line (or another program) as a separate process are marked
# `cli`; `make test-fast` leaves them and the `slow` end-to-end builds out.
CLI_MODULES = {"test_hostile.py", "test_cli.py"}


def pytest_collection_modifyitems(items):
    for item in items:
        function = getattr(item, "function", None)
        source = inspect.getsource(function) if function else ""
        if item.path.name in CLI_MODULES or "run_cli(" in source or "subprocess" in source:
            item.add_marker(pytest.mark.cli)
