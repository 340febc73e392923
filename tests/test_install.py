"""The package as a user installs it: a wheel in a fresh virtual environment, run from elsewhere."""
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]



@pytest.mark.slow
def test_wheel_works_from_another_directory(tmp_path):
    dist, source = tmp_path / "dist", tmp_path / "source"
    # built from a copy: setuptools writes build/ into the tree it builds, not into the checkout
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "reports", "processed", "node_modules", "*.egg-info", "build", "__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "-w", str(dist), str(source)], check=True, capture_output=True, cwd=tmp_path)
    wheel = next(dist.glob("regionanalyse-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(env_dir), "platbase": str(env_dir)}))
    # the dependencies come from the test environment (a path line, so its editable install of
    # regionanalyse is not activated); the package itself only from the wheel
    (site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    python = env_dir / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                    str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    where = subprocess.run([str(python), "-c", "import regionanalyse.config as c; print(c.PACKAGE_DIR); "
                            "print(c.RAW_DIR); print(c.NOTEBOOK_DIR / 'vedlegg_region.ipynb')"],
                           capture_output=True, text=True, cwd=elsewhere, env=env, check=True)
    package_dir, raw_dir, notebook = where.stdout.split()
    assert package_dir.startswith(str(env_dir)) and raw_dir.startswith(str(env_dir))
    assert Path(notebook).is_file()
    table = subprocess.run([str(env_dir / "bin" / "regionanalyse"), "table", "nav-2016-11", "--year", "2016"],
                           capture_output=True, text=True, cwd=elsewhere, env=env)
    assert table.returncode == 0, table.stderr
    import io

    import pandas as pd

    assert pd.read_csv(io.StringIO(table.stdout))["folkemengde"].sum() == 5_213_985
    assert (tmp_path / "cache").is_dir()  # the parquet cache goes to the user's cache, not the wheel


@pytest.mark.parametrize("group", ["dependencies", "test"])
def test_lock_file_pins_every_dependency(group):
    """requirements.lock (what setup.sh installs) must follow pyproject.toml: run `make lock`."""
    import re
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] if group == "dependencies" else project["optional-dependencies"]["test"]
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8").lower()
    for requirement in wanted:
        name = re.split(r"[<>=!\[ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        assert re.search(rf"^{re.escape(name)}==\S+ \\$", lock, re.M), f"{name} is not pinned"
    assert "--hash=sha256:" in lock
