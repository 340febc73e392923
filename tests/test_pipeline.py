"""The build pipeline: cache keys, executors, staged tables (CSV/XLSX = what the PDF shows)."""
import importlib
import sys
import textwrap

import nbformat
import pandas as pd
import pytest
from pypdf import PdfReader

from regionanalyse.sources import cache


def _write_loader(folder, value):
    (folder / "fake_loader.py").write_text(textwrap.dedent(f"""
        import pandas as pd
        def build():
            return pd.DataFrame({{"x": [{value}]}})
    """), encoding="utf-8")


def test_changing_a_loader_invalidates_the_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "PROCESSED_DIR", tmp_path / "processed")
    raw = tmp_path / "raw.csv"
    raw.write_text("a\n1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    _write_loader(tmp_path, 1)
    import fake_loader

    assert cache.cached("fake", [raw], fake_loader.build)["x"].tolist() == [1]
    _write_loader(tmp_path, 2)  # the transformation changes, the raw file does not
    fake_loader = importlib.reload(fake_loader)
    assert cache.cached("fake", [raw], fake_loader.build)["x"].tolist() == [2]
    sys.modules.pop("fake_loader")


def test_changing_a_raw_file_invalidates_the_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "PROCESSED_DIR", tmp_path / "processed")
    raw = tmp_path / "raw.csv"
    raw.write_text("a\n1\n", encoding="utf-8")

    def build():
        return pd.read_csv(raw)

    assert cache.cached("raw", [raw], build)["a"].tolist() == [1]
    raw.write_text("a\n22\n", encoding="utf-8")
    assert cache.cached("raw", [raw], build)["a"].tolist() == [22]


@pytest.mark.slow
def test_warm_kernel_forgets_the_previous_notebook(tmp_path):
    from regionanalyse.pipeline.executors import WarmExecutor

    first, second = tmp_path / "first.ipynb", tmp_path / "second.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("leak = 1")]), first)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "assert 'leak' not in globals(), 'variable from the previous notebook'")]), second)
    runner = WarmExecutor()
    try:
        runner.execute(str(first), str(tmp_path / "out1.ipynb"), {})
        runner.execute(str(second), str(tmp_path / "out2.ipynb"), {})
    finally:
        runner.discard()


def _pdf_text(path):
    return "\n".join(p.extract_text() for p in PdfReader(path).pages).replace("\u00a0", " ")


@pytest.mark.slow
def test_warm_and_fresh_executors_give_the_same_appendix(tmp_path):
    from regionanalyse.model import from_dict, load
    from regionanalyse.pipeline.build import build_proposal

    rest = [c for r in load("nav-2016-11").regions if r.name != "Oslo" for c in r.members]
    proposal = from_dict({"id": "exec", "name": "Kjøremåter", "vintage": 2016, "source": "test",
                          "regions": [{"name": "Oslo", "members": ["03"]},
                                      {"name": "Resten", "members": rest}]}, "exec.yaml")
    texts = {}
    for executor in ("warm", "fresh"):
        out = tmp_path / executor
        assert build_proposal(proposal, 2016, ("pdf",), out, jobs=1, executor=executor)
        texts[executor] = {p.name: _pdf_text(p) for p in sorted((out / "exec").glob("vedlegg-*.pdf"))}
    assert len(texts["warm"]) == 3
    assert texts["warm"] == texts["fresh"]
    # the data files hold the numbers the PDF shows: every kommune's population, as printed
    folder = tmp_path / "warm" / "exec"
    kommuner = pd.read_csv(folder / "vedlegg-01-oslo.csv", sep=";", decimal=",", encoding="utf-8-sig")
    text = texts["warm"]["vedlegg-01-oslo.pdf"]
    population = kommuner["Folkemengde (personer)"]
    assert len(kommuner) == 1 and f"{int(population.iloc[0]):,}".replace(",", " ") in text
    overview = pd.read_excel(folder / "vedlegg-00-oversikt.xlsx", sheet_name=0)
    population = next(c for c in overview.columns if c.startswith("Folkemengde"))
    for value in overview[population].dropna():
        assert f"{int(value):,}".replace(",", " ") in texts["warm"]["vedlegg-00-oversikt.pdf"]
