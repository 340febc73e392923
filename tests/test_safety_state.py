"""State files read back from an output folder are read defensively (issue 22, black box): a
broken manifest.json is reported and replaced, never a traceback, never carried on; the same for
the settings file of an alternatives folder."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import cli_main

NORTH = ["20", "19"]
SOUTH = ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "14", "15", "16",
         "17", "18"]


def cli(cwd: Path, *args) -> subprocess.CompletedProcess:
    """The command line in `cwd` (its main() in this process: conftest.cli_main; an uncaught
    exception shows as a traceback in stderr, as from a process)."""
    result = cli_main(*args, cwd=cwd)
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict]:
    cwd = tmp_path_factory.mktemp("state")
    (cwd / "to.yaml").write_text(json.dumps({
        "id": "to", "name": "To", "vintage": 2016, "source": "test",
        "regions": [{"name": "Nord", "members": NORTH}, {"name": "Sør", "members": SOUTH}]}),
        encoding="utf-8")
    result = cli(cwd, "build", "to.yaml", "--to", "html", "--jobs", "2", "--out", "out")
    assert result.returncode == 0, result.stderr[-2000:]
    return cwd, json.loads((cwd / "out" / "to" / "manifest.json").read_text(encoding="utf-8"))


def _broken(good: dict, case: str) -> bytes:
    """The manifest `good` broken in the way `case` names."""
    stem = next(iter(good))
    return {"entry-list": json.dumps({**good, "x": []}),
            "entry-text": json.dumps({**good, stem: "tekst"}),
            "checks-list": json.dumps({**good, stem: {**good[stem], "checks": [1, 2]}}),
            "list": "[1, 2, 3]", "not-json": "{ikke json", "number": "17",
            "binary": "\udcff\udcfe"}[case].encode("utf-8", "surrogateescape")


BROKEN = ["entry-list", "entry-text", "checks-list", "list", "not-json", "number", "binary"]
GOOD_ENTRY = {"inputs": "abc", "files": ["a.html"], "checks": {"a.html": {"ok": True}}}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_manifest_is_read_as_its_good_entries_and_rewritten(tmp_path, case, caplog):
    """Every shape of fault, through the reader the build uses (the build itself is run for one
    fault of each kind below)."""
    from regionanalyse.pipeline.publish import read_manifest

    good = {"vedlegg_1": GOOD_ENTRY, "vedlegg_2": {**GOOD_ENTRY, "files": ["b.html"]}}
    path = tmp_path / "manifest.json"
    path.write_bytes(_broken(good, case))
    whole_file = case in ("list", "not-json", "number", "binary")
    with caplog.at_level("WARNING", logger="regionanalyse"):
        read = read_manifest(path, repair=True)
    assert "manifest.json" in caplog.text
    expected = {} if whole_file else {k: v for k, v in good.items()
                                      if not (case != "entry-list" and k == "vedlegg_1")}
    assert read == expected
    assert json.loads(path.read_text(encoding="utf-8")) == expected  # rewritten without them


@pytest.mark.slow
@pytest.mark.parametrize("case", ["checks-list", "binary"])  # a bad entry; a file that is no map
def test_broken_manifest_is_reported_and_replaced(built, case):
    cwd, good = built
    manifest = cwd / "out" / "to" / "manifest.json"
    manifest.write_bytes(_broken(good, case))
    result = cli(cwd, "build", "to.yaml", "--to", "html", "--jobs", "2", "--out", "out")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "manifest.json" in result.stderr, result.stderr[-2000:]
    rewritten = json.loads(manifest.read_text(encoding="utf-8"))
    assert set(rewritten) == set(good), rewritten.keys()  # no bad entry carried on
    assert all(isinstance(e, dict) and isinstance(e.get("checks"), dict) for e in rewritten.values())
    again = cli(cwd, "build", "to.yaml", "--to", "html", "--jobs", "2", "--out", "out")
    assert again.returncode == 0 and "alt er oppdatert" in again.stderr, again.stderr[-2000:]
    assert "manifest.json" not in again.stderr.replace("manifest.json skrevet", "")


@pytest.mark.parametrize("text", ['{"x": []}', "[1, 2, 3]", "{ikke json", '{"level": 3}', "symlink"])
def test_broken_alternatives_settings_is_a_clear_error(tmp_path, text):
    """The alternatives appendix (public API) on a folder whose innstillinger.json is broken."""
    from regionanalyse.appendix.alternatives import EnsembleReport
    from regionanalyse.errors import DataError

    settings = tmp_path / "innstillinger.json"
    if text == "symlink":
        (tmp_path / "annen.json").write_text("{}", encoding="utf-8")
        settings.symlink_to(tmp_path / "annen.json")
    else:
        settings.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match="innstillinger.json"):
        EnsembleReport("nav-2016-11", 2016, str(tmp_path))
