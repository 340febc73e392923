"""Every input of a build declared once (pipeline/inputs.py): a changed input of any kind
changes the hash of exactly the appendices that read it, and a rebuild redoes them."""
from pathlib import Path

import pandas as pd
import pytest

from regionanalyse.model import load
from regionanalyse.pipeline.inputs import Inputs
from regionanalyse.pipeline.plan import plan
from tests.conftest import nav_cut

HEAD = "fylker,vintage,aar,arsverk,kilde\n"


def _arsverk(path: Path, value: int) -> Path:
    path.write_text(HEAD + f'03,2016,2016,{value},"SYNTETISK testfil – ikke ekte tall"\n', encoding="utf-8")
    return path


def _hashes(tmp_path, arsverk=None, formats=("html", "pdf")) -> dict[str, str]:
    return {job.stem: job.inputs_hash for job in plan(load("nav-2016-11"), 2016, formats, tmp_path, arsverk)}


def test_the_arsverk_file_from_the_environment_is_an_input(tmp_path, monkeypatch):
    path = _arsverk(tmp_path / "arsverk.csv", 1234)
    monkeypatch.setenv("REGIONANALYSE_ARSVERK", str(path))
    before = _hashes(tmp_path)
    _arsverk(path, 5678)  # same size, other content
    after = _hashes(tmp_path)
    assert before.keys() == after.keys() and len(before) == 12
    assert all(before[stem] != after[stem] for stem in before)
    job = plan(load("nav-2016-11"), 2016, ("html",), tmp_path)[0]
    assert job.parameters["arsverk_file"] == str(path.resolve())  # the worker is told, not left to look


def test_the_arsverk_option_and_a_relative_path(tmp_path, monkeypatch):
    monkeypatch.delenv("REGIONANALYSE_ARSVERK", raising=False)
    shipped = _hashes(tmp_path)
    monkeypatch.chdir(tmp_path)
    _arsverk(tmp_path / "mine.csv", 1234)
    given = plan(load("nav-2016-11"), 2016, ("html",), tmp_path, "mine.csv")[0]
    assert given.parameters["arsverk_file"] == str((tmp_path / "mine.csv").resolve())
    assert _hashes(tmp_path, "mine.csv") != shipped


def test_the_pdf_variant_counts_only_for_pdf(tmp_path, monkeypatch):
    monkeypatch.delenv("REGIONANALYSE_PDF_VARIANT", raising=False)
    html, pdf = _hashes(tmp_path, formats=("html",)), _hashes(tmp_path)
    monkeypatch.setenv("REGIONANALYSE_PDF_VARIANT", "pdf/a-2a")
    assert _hashes(tmp_path, formats=("html",)) == html
    assert not set(_hashes(tmp_path).values()) & set(pdf.values())


def test_inputs_name_every_kind_of_input(monkeypatch):
    monkeypatch.delenv("REGIONANALYSE_ARSVERK", raising=False)
    inputs = Inputs.resolve()
    assert Path(inputs.arsverk).name == "nav_arsverk.csv" and Path(inputs.arsverk).is_absolute()
    assert len(inputs.data_sha256) == len(inputs.code_sha256) == len(inputs.arsverk_sha256) == 64
    assert inputs.pdf_variant == "pdf/ua-1"
    assert dict(inputs.libraries)["weasyprint"]  # an installed renderer has a version
    assert Inputs.resolve() == inputs  # resolving again with nothing changed: the same inputs


@pytest.mark.slow
def test_a_changed_arsverk_file_rebuilds_the_appendices(tmp_path, monkeypatch):
    """The reproduction of issue 20: 1 234 stayed in the CSV after the file said 5 678."""
    from regionanalyse.pipeline.build import build_proposal

    path = _arsverk(tmp_path / "arsverk.csv", 1234)
    monkeypatch.setenv("REGIONANALYSE_ARSVERK", str(path))
    proposal = nav_cut("arsverk", "Årsverk", "Oslo", ["03"])

    def oslo() -> float:
        table = pd.read_csv(tmp_path / "out" / "arsverk" / "vedlegg-00-oversikt.csv", sep=";",
                            decimal=",", encoding="utf-8-sig")
        return table.loc[table["Region"] == "Oslo", "Årsverk"].item()

    assert build_proposal(proposal, 2016, ("html",), tmp_path / "out", jobs=1)
    assert oslo() == 1234
    _arsverk(path, 5678)
    assert build_proposal(proposal, 2016, ("html",), tmp_path / "out", jobs=1)
    assert oslo() == 5678


def test_a_changed_notebook_rebuilds_exactly_its_appendices(tmp_path, monkeypatch):
    import shutil

    import nbformat

    from regionanalyse.config import NOTEBOOK_DIR
    import regionanalyse.appendix as appendix

    notebooks = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOK_DIR, notebooks, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    monkeypatch.setattr(appendix, "NOTEBOOK_DIR", notebooks)
    before = _hashes(tmp_path)
    nb = nbformat.read(notebooks / "vedlegg_region.ipynb", as_version=4)
    nb.cells[-1].source += "\n# endret"
    nbformat.write(nb, notebooks / "vedlegg_region.ipynb")
    after = _hashes(tmp_path)
    changed = sorted(stem for stem in before if before[stem] != after[stem])
    assert changed == sorted(stem for stem in before if stem != "vedlegg-00-oversikt")


def test_a_changed_raw_data_file_rebuilds_every_appendix(tmp_path, monkeypatch):
    import shutil

    from regionanalyse.config import RAW_DIR
    from regionanalyse.pipeline import inputs

    raw = tmp_path / "raw"
    shutil.copytree(RAW_DIR, raw)
    monkeypatch.setenv("REGIONANALYSE_RAW", str(raw))
    before = _hashes(tmp_path)
    with open(raw / "sysselsatte_aku_fylke_2015_2016.csv", "a", encoding="utf-8") as fh:
        fh.write("\n")
    after = _hashes(tmp_path)
    assert all(before[stem] != after[stem] for stem in before)
    assert _hashes(tmp_path) == after  # and nothing else moves between two plans


# ---- a changed input of any kind rebuilds exactly what it touches ---------------------------
# The plan of one proposal (nav-2016-11: the overview and 11 region appendices, HTML and PDF)
# and of one comparison that does not hold it (HTML only). Each case changes one input; the
# build's stale_reason must name exactly the appendices that input reaches, and why.

COMPARISON = "vedlegg-sammenligning"


def _plan_all(out: Path, *, year: int = 2016, arsverk=None, proposal=None) -> list:
    from regionanalyse.pipeline.plan import plan_comparison

    jobs = plan(proposal or load("nav-2016-11"), year, ("html", "pdf"), out, arsverk)
    return jobs + plan_comparison([load("fylker-2016"), load("nav-2019-12")], 2016, ("html",), out, arsverk)


def _copy_raw(tmp_path: Path, monkeypatch) -> Path:
    import shutil

    from regionanalyse.config import SHIPPED_RAW_DIR

    raw = tmp_path / "raw"
    shutil.copytree(SHIPPED_RAW_DIR, raw)
    monkeypatch.setenv("REGIONANALYSE_RAW", str(raw))
    return raw


def _copy_notebooks(tmp_path: Path, monkeypatch) -> Path:
    import shutil

    import regionanalyse.appendix as appendix
    from regionanalyse.config import NOTEBOOK_DIR

    notebooks = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOK_DIR, notebooks, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    monkeypatch.setattr(appendix, "NOTEBOOK_DIR", notebooks)
    return notebooks


def _edit_notebook(path: Path) -> None:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nb.cells[-1].source += "\n# endret"
    nbformat.write(nb, path)


def _copy_package(tmp_path: Path, monkeypatch) -> Path:
    import shutil

    from regionanalyse.pipeline import inputs

    package = tmp_path / "regionanalyse"
    shutil.copytree(inputs.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(inputs, "PACKAGE_DIR", package)
    return package


class Case:
    """`setup` runs before the first plan, `change` between the two plans; both get
    (tmp_path, monkeypatch, state) and may return keyword arguments for the plan after."""

    def __init__(self, name, change, rebuilt, reason, setup=None):
        self.name, self.change, self.rebuilt, self.reason, self.setup = name, change, rebuilt, reason, setup

    def __repr__(self):
        return self.name


def _append_line(path: Path) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("\n")


def _arsverk_env(value):
    def run(tmp_path, monkeypatch, state):
        monkeypatch.setenv("REGIONANALYSE_ARSVERK", str(_arsverk(tmp_path / "arsverk.csv", value)))
    return run


def _data_set(tmp_path, monkeypatch, state):
    """The same files, now as a refreshed data set: only the colophon's data set name differs."""
    import shutil

    home = tmp_path / "home"
    shutil.copytree(state["raw"], home / "sets" / "2026-12-05-1")
    (home / "current").write_text("2026-12-05-1\n", encoding="utf-8")
    monkeypatch.delenv("REGIONANALYSE_RAW")
    monkeypatch.setenv("REGIONANALYSE_DATA", str(home))


def _library(tmp_path, monkeypatch, state):
    from regionanalyse.pipeline import inputs

    real = inputs.metadata.version
    monkeypatch.setattr(inputs.metadata, "version", lambda name: "99.0" if name == "weasyprint" else real(name))
    inputs.library_versions.cache_clear()


def _version(tmp_path, monkeypatch, state):
    """A release: version.py changes, so the package's code does too."""
    from regionanalyse.pipeline import inputs

    monkeypatch.setattr(inputs, "__version__", "99.0")


def _proposal_note(tmp_path, monkeypatch, state):
    return {"proposal": load("nav-2016-11").replace(note="Endret merknad")}


ALL, REGIONS, PROPOSAL, NONE = "all", "regions", "proposal", "none"
CASES = [
    Case("raw data file", lambda t, m, s: _append_line(s["raw"] / "sysselsatte_aku_fylke_2015_2016.csv"),
         ALL, "rådata", setup=lambda t, m, s: s.update(raw=_copy_raw(t, m))),
    Case("offices file (raw data)", lambda t, m, s: _append_line(s["raw"] / "nav_kontor_2016_tabell1.csv"),
         ALL, "rådata", setup=lambda t, m, s: s.update(raw=_copy_raw(t, m))),
    # the årsverk file held where it is: the shipped one lies in the data folder, and moving it
    # is a change of the file the notebooks are told to read («årsverk-fil, parametre»)
    Case("data set name", _data_set, ALL, "datasett", setup=lambda t, m, s: (
        s.update(raw=_copy_raw(t, m)), m.setenv("REGIONANALYSE_ARSVERK", str(s["raw"] / "nav_arsverk.csv")))),
    Case("årsverk file ($REGIONANALYSE_ARSVERK)", _arsverk_env(5678), ALL, "årsverk-fil",
         setup=_arsverk_env(1234)),
    Case("årsverk file (--arsverk)", lambda t, m, s: {"arsverk": str(_arsverk(t / "mine.csv", 1234))},
         ALL, "årsverk-fil, parametre"),
    Case("PDF variant ($REGIONANALYSE_PDF_VARIANT)", lambda t, m, s: m.setenv("REGIONANALYSE_PDF_VARIANT", "pdf/a-2a"),
         PROPOSAL, "PDF-variant"),
    Case("region notebook", lambda t, m, s: _edit_notebook(s["notebooks"] / "vedlegg_region.ipynb"),
         REGIONS, "notatbok", setup=lambda t, m, s: s.update(notebooks=_copy_notebooks(t, m))),
    Case("comparison notebook", lambda t, m, s: _edit_notebook(s["notebooks"] / "vedlegg_sammenligning.ipynb"),
         (COMPARISON,), "notatbok", setup=lambda t, m, s: s.update(notebooks=_copy_notebooks(t, m))),
    Case("the notebook of no appendix here", lambda t, m, s: _edit_notebook(s["notebooks"] / "utforsk.ipynb"),
         NONE, None, setup=lambda t, m, s: s.update(notebooks=_copy_notebooks(t, m))),
    Case("package code", lambda t, m, s: _append_line(s["package"] / "present" / "tables.py"),
         ALL, "pakkens kode", setup=lambda t, m, s: s.update(package=_copy_package(t, m))),
    Case("template style sheet", lambda t, m, s: _append_line(next((s["package"] / "render" / "templates").rglob("*.css"))),
         ALL, "pakkens kode", setup=lambda t, m, s: s.update(package=_copy_package(t, m))),
    Case("package version", _version, ALL, "pakkens kode, pakkeversjon"),
    Case("library version", _library, ALL, "bibliotekversjoner"),
    Case("proposal YAML", _proposal_note, PROPOSAL, "forslag"),
    Case("year", lambda t, m, s: {"year": 2017}, PROPOSAL, "parametre"),
]


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_a_changed_input_rebuilds_exactly_what_it_touches(case, tmp_path, monkeypatch):
    from regionanalyse import memo
    from regionanalyse.pipeline import inputs
    from regionanalyse.pipeline.plan import stale_reason

    for name in ("REGIONANALYSE_ARSVERK", "REGIONANALYSE_PDF_VARIANT", "REGIONANALYSE_RAW"):
        monkeypatch.delenv(name, raising=False)
    state: dict = {}
    if case.setup:
        case.setup(tmp_path, monkeypatch, state)
    out = tmp_path / "out"
    before = {job.stem: {"inputs": job.inputs_hash, "parts": job.input_parts} for job in _plan_all(out)}
    after = _plan_all(out, **(case.change(tmp_path, monkeypatch, state) or {}))
    reasons = {job.stem: stale_reason(job, before[job.stem], present=True) for job in after}
    assert reasons.keys() == before.keys() and len(reasons) == 13
    stems = [s for s in reasons if s != COMPARISON]
    expected = {ALL: list(reasons), PROPOSAL: stems, NONE: [],
                REGIONS: [s for s in stems if s != "vedlegg-00-oversikt"]}.get(case.rebuilt, case.rebuilt)
    assert {s: r for s, r in reasons.items() if r} == {s: f"inndata endret: {case.reason}" for s in expected}
    inputs.library_versions.cache_clear()
    memo.clear_all() if case.name == "data set name" else None


def test_every_kind_of_input_has_a_case():
    from regionanalyse.pipeline.inputs import KINDS

    tested = {kind.strip() for case in CASES if case.reason for kind in case.reason.split(",")}
    # the title and the formats follow from the proposal and the options: no input of their own
    assert tested | {"tittel", "formater"} == set(KINDS.values())


def test_every_environment_variable_the_package_reads_is_declared():
    """Each variable the package reads (os.environ, or a REGIONANALYSE_* name anywhere) is in
    inputs.ENVIRONMENT: an input of the hash, by kind, or not one, and why."""
    import re

    from regionanalyse.config import PACKAGE_DIR
    from regionanalyse.pipeline.inputs import ENVIRONMENT, KINDS

    read = set()
    for path in PACKAGE_DIR.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        read |= set(re.findall(r"REGIONANALYSE_[A-Z_]+", text))
        read |= set(re.findall(r"os\.environ(?:\.get\(|\[)\"([A-Z_]+)\"", text))
    read -= {"REGIONANALYSE_"}
    assert read <= set(ENVIRONMENT), sorted(read - set(ENVIRONMENT))
    for name, how in ENVIRONMENT.items():
        assert how.startswith("none: ") or {k.strip() for k in how.split(",")} <= set(KINDS), name
