"""The build pipeline: cache keys, executors, staged tables (CSV/XLSX = what the PDF shows)."""
import importlib
import subprocess
import sys
import textwrap

import nbformat
import pandas as pd
import pytest
from pypdf import PdfReader

from regionanalyse.sources import cache
from tests.conftest import nav_cut


def _write_loader(folder, value):
    (folder / "fake_loader.py").write_text(textwrap.dedent(f"""
        import pandas as pd
        def build():
            return pd.DataFrame({{"x": [{value}]}})
    """), encoding="utf-8")


def test_changing_a_loader_invalidates_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("REGIONANALYSE_PROCESSED", str(tmp_path / "processed"))
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


def test_changing_a_loader_it_depends_on_invalidates_the_cache(tmp_path, monkeypatch):
    """A derived table (e.g. the neighbour edges from the kommune polygons) is rebuilt when
    the loader of its inputs changes, though its own module and the raw file do not."""
    monkeypatch.setenv("REGIONANALYSE_PROCESSED", str(tmp_path / "processed"))
    raw = tmp_path / "raw.csv"
    raw.write_text("a\n1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    _write_loader(tmp_path, 1)
    import fake_loader

    def derived():
        return fake_loader.build() * 10

    assert cache.cached("derived", [raw], derived, depends=(fake_loader,))["x"].tolist() == [10]
    _write_loader(tmp_path, 2)
    fake_loader = importlib.reload(fake_loader)
    assert cache.cached("derived", [raw], derived, depends=(fake_loader,))["x"].tolist() == [20]
    sys.modules.pop("fake_loader")


def test_changing_a_raw_file_invalidates_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("REGIONANALYSE_PROCESSED", str(tmp_path / "processed"))
    raw = tmp_path / "raw.csv"
    raw.write_text("a\n1\n", encoding="utf-8")

    def build():
        return pd.read_csv(raw)

    assert cache.cached("raw", [raw], build)["a"].tolist() == [1]
    raw.write_text("a\n22\n", encoding="utf-8")
    assert cache.cached("raw", [raw], build)["a"].tolist() == [22]


@pytest.mark.parametrize("name", ["inline", pytest.param("warm", marks=pytest.mark.slow)])
def test_reused_executor_forgets_the_previous_notebook(tmp_path, name):
    from regionanalyse.pipeline.executors import EXECUTORS

    first, second = tmp_path / "first.ipynb", tmp_path / "second.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("leak = 1")]), first)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "assert 'leak' not in globals(), 'variable from the previous notebook'")]), second)
    runner = EXECUTORS[name]()
    try:
        runner.execute(str(first), str(tmp_path / "out1.ipynb"), {})
        runner.execute(str(second), str(tmp_path / "out2.ipynb"), {})
    finally:
        runner.discard()


def test_inline_executor_collects_outputs_as_a_kernel_does(tmp_path):
    """Stream text, display() data and the last expression, in order; parameters injected."""
    from regionanalyse.pipeline.executors import EXECUTORS

    source = tmp_path / "nb.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("from IPython.display import HTML, display\n"
                                  "print('før')\ndisplay(HTML('<b>vist</b>'))\nx + 1"),
    ], metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}}),
        source)
    nb = EXECUTORS["inline"]().execute(str(source), str(tmp_path / "out.ipynb"), {"x": 41})
    outputs = nb.cells[-1].outputs
    assert [o.output_type for o in outputs] == ["stream", "display_data", "execute_result"]
    assert outputs[0].text == "før\n"
    assert outputs[1].data["text/html"] == "<b>vist</b>"
    assert outputs[2].data["text/plain"] == "42"
    assert "injected-parameters" in nb.cells[1].metadata.tags
    nbformat.validate(nb)


def test_inline_executor_stops_at_the_failing_cell_and_keeps_the_notebook(tmp_path):
    from regionanalyse.pipeline.executors import EXECUTORS
    from regionanalyse.pipeline.inline import NotebookError

    source, out = tmp_path / "nb.ipynb", tmp_path / "out.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("raise ValueError('ukjent region «X»')"),
        nbformat.v4.new_code_cell("never = 1")]), source)
    with pytest.raises(NotebookError, match="^ValueError: ukjent region «X»$"):
        EXECUTORS["inline"]().execute(str(source), str(out), {})
    failed = nbformat.read(out, as_version=4)
    assert failed.cells[0].outputs[0].output_type == "error"
    assert failed.cells[0].outputs[0].ename == "ValueError"
    assert failed.cells[1].outputs == []


def _page_images(path) -> list[str]:
    """SHA-256 of each page rendered at 60 dpi (poppler's pdftoppm)."""
    import hashlib
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), f"{tmp}/side"], check=True)
        return [hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(Path(tmp).glob("side-*.png"))]


def _pdf_text(path):
    return "\n".join(p.extract_text() for p in PdfReader(path).pages).replace("\u00a0", " ")


@pytest.mark.slow
def test_inline_warm_and_fresh_executors_give_the_same_appendix(tmp_path):
    from regionanalyse.pipeline.build import build_proposal

    proposal = nav_cut("exec", "Kjøremåter", "Oslo", ["03"])
    texts, pages = {}, {}
    for executor in ("inline", "warm", "fresh"):
        out = tmp_path / executor
        assert build_proposal(proposal, 2016, ("pdf",), out, jobs=1, executor=executor)
        texts[executor] = {p.name: _pdf_text(p) for p in sorted((out / "exec").glob("vedlegg-*.pdf"))}
        pages[executor] = {p.name: _page_images(p) for p in sorted((out / "exec").glob("vedlegg-*.pdf"))}
    assert len(texts["inline"]) == 3
    assert texts["inline"] == texts["warm"] == texts["fresh"]
    # and they look the same: every page, rendered (maps and figures included)
    assert pages["inline"] == pages["warm"] == pages["fresh"]
    assert sum(len(p) for p in pages["inline"].values()) >= 6
    # the data files hold the numbers the PDF shows: every kommune's population, as printed
    folder = tmp_path / "inline" / "exec"
    kommuner = pd.read_csv(folder / "vedlegg-01-oslo.csv", sep=";", decimal=",", encoding="utf-8-sig")
    text = texts["inline"]["vedlegg-01-oslo.pdf"]
    population = kommuner["Folkemengde (personer)"]
    assert len(kommuner) == 1 and f"{int(population.iloc[0]):,}".replace(",", " ") in text
    overview = pd.read_excel(folder / "vedlegg-00-oversikt.xlsx", sheet_name=0)
    population = next(c for c in overview.columns if c.startswith("Folkemengde"))
    for value in overview[population].dropna():
        assert f"{int(value):,}".replace(",", " ") in texts["inline"]["vedlegg-00-oversikt.pdf"]


def test_inline_parameters_are_literals_whatever_the_text(tmp_path):
    """The inline executor injects parameters as papermill does (a cell tagged
    injected-parameters after the «parameters» cell), each value a Python literal: a region
    name that looks like code stays text, and anything but plain data is refused."""
    from regionanalyse.pipeline.executors import EXECUTORS, _parameterized

    source = tmp_path / "nb.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("region = None", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("region, paths")]), source)
    hostile = 'Ø"); import os; os.system("x") #\n{{ x }} <script>\\'
    nb = EXECUTORS["inline"]().execute(str(source), str(tmp_path / "out.ipynb"),
                                       {"region": hostile, "paths": ["a.yaml", "b.yaml"]})
    assert nb.cells[1].metadata.tags == ["injected-parameters"]
    assert nb.cells[-1].outputs[0].data["text/plain"] == repr((hostile, ["a.yaml", "b.yaml"]))
    with pytest.raises(TypeError):
        _parameterized(str(source), {"region": object()})
