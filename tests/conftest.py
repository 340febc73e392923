import inspect
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Nothing is written into the checkout: the tests' processed-data cache lives in the user's
# cache (set before regionanalyse.config is imported; subprocesses inherit it).
os.environ.setdefault("REGIONANALYSE_PROCESSED", str(
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "regionanalyse" / "tests"))

ROOT = Path(__file__).resolve().parents[1]
# Tests read the shipped snapshot, never a data set refreshed into the user's data folder.
os.environ["REGIONANALYSE_DATA"] = str(ROOT / "tests" / ".no-user-data")
FIXTURES = Path(__file__).with_name("fixtures")


def run_cli(*args, env=None):
    """Run the console script as a user would; return CompletedProcess."""
    return subprocess.run([sys.executable, "-m", "regionanalyse.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, env=env)


def nav_cut(pid: str, name: str, region: str, members: list[str], rest: str = "Resten",
            seat: str | None = None):
    """nav-2016-11 cut to two regions, so an end-to-end build stays quick: `region` made of
    `members`, and every other member of nav-2016-11 as `rest`."""
    from regionanalyse.model import from_dict, load

    others = [c for r in load("nav-2016-11").regions for c in r.members if c not in members]
    first = {"name": region, "members": list(members), **({"seat": seat} if seat else {})}
    return from_dict({"id": pid, "name": name, "vintage": 2016, "source": "test",
                      "regions": [first, {"name": rest, "members": others}]}, f"{pid}.yaml")


def build_once(tmp_path_factory, proposal, jobs: int) -> Path:
    """Build `proposal` for 2016 as HTML and PDF into a new folder; return its output folder."""
    from regionanalyse.pipeline.build import build_proposal

    out = tmp_path_factory.mktemp("reports")
    assert build_proposal(proposal, 2016, ("html", "pdf"), out, jobs=jobs)
    return out / proposal.id


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
