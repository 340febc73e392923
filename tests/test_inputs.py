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
    monkeypatch.setattr(inputs, "RAW_DIR", raw)
    before = _hashes(tmp_path)
    with open(raw / "sysselsatte_aku_fylke_2015_2016.csv", "a", encoding="utf-8") as fh:
        fh.write("\n")
    after = _hashes(tmp_path)
    assert all(before[stem] != after[stem] for stem in before)
    assert _hashes(tmp_path) == after  # and nothing else moves between two plans
