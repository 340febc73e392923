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
