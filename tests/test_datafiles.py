"""The data files beside an appendix: its sections' cells as numbers, with reasons
(present/sections.py), written by the build from the same Sections the notebook shows."""
import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402

from regionanalyse.appendix import comparison, overview  # noqa: E402
from regionanalyse.indicators import symbols  # noqa: E402
from regionanalyse.present import cells  # noqa: E402
from regionanalyse.present.sections import data_frame, table  # noqa: E402
from regionanalyse.present.tables import Footnotes  # noqa: E402


def test_cells_become_numbers_with_reasons():
    foot = Footnotes()
    shown = pd.DataFrame({"Region": ["Oslo", "Nordland", "Hele landet"],
                          "Folkemengde (personer)": [cells.number(658390), cells.number(241906),
                                                     cells.number(900296)],
                          "Andel av landet": [cells.percent(12.634), cells.percent(4.64),
                                              cells.percent(17.2)],
                          "NAV-kontor målbilde 2020 (antall)": [
                              foot.cell(cells.number(14), "avledet som 200 minus de andre"),
                              cells.number(18), cells.number(32)],
                          "Årsverk": [foot.missing(symbols.NOT_AVAILABLE, "ingen offentlige tall"),
                                      foot.missing(symbols.NOT_AVAILABLE, "ingen offentlige tall"),
                                      cells.missing(symbols.NIL)]})
    section = table("t", shown, "Tabell 1. Prøve", "SSB", foot.lines())
    assert section.printed()["NAV-kontor målbilde 2020 (antall)"].tolist() == ["14\u00a0¹", "18", "32"]
    assert section.printed()["Andel av landet"].tolist() == ["12,6\u00a0%", "4,6\u00a0%", "17,2\u00a0%"]
    assert section.notes[:2] == ["¹ Avledet som 200 minus de andre.", "² Ingen offentlige tall."]
    out = data_frame(shown)
    assert list(out.columns) == ["Region", "Folkemengde (personer)", "Andel av landet (%)",
                                 "NAV-kontor målbilde 2020 (antall)", "Årsverk", "Merknad"]
    assert out["Folkemengde (personer)"].tolist() == [658390, 241906, 900296]
    assert out["Andel av landet (%)"].tolist() == [12.6, 4.6, 17.2]  # rounded as printed
    assert out["NAV-kontor målbilde 2020 (antall)"].tolist() == [14, 18, 32]
    assert out["Årsverk"].isna().all()
    assert out["Merknad"].tolist() == [
        "NAV-kontor målbilde 2020 (antall): Avledet som 200 minus de andre.; Årsverk: Ingen offentlige tall.",
        "Årsverk: Ingen offentlige tall.", "Årsverk: ikke beregnet (mangler for minst én del)"]


def test_a_dash_in_a_text_column_stays_text():
    """«–» for «no other region» is text, not SSB's nil symbol (the parser of printed tables
    read a column of dashes only as missing figures)."""
    out = data_frame(pd.DataFrame({"BA-region": ["Kristiansand (41)"],
                                   "Andre regioner": [cells.text("–")]}))
    assert out["Andre regioner"].tolist() == ["–"]
    assert "Merknad" not in out


def test_overview_tables_on_real_data():
    out = overview.build({"proposal": "nav-2016-11", "year": 2016}).data_files()
    main = out["tables"][out["main"]]
    assert out["main"].startswith("Tabell 1")
    regions = main[main["Region"] != "Hele landet"]
    assert len(regions) == 11
    assert regions["Folkemengde 1.1. (personer)"].sum() == 5_213_985  # SSB 1.1.2016
    assert main.loc[main["Region"] == "Hele landet", "Folkemengde 1.1. (personer)"].item() == 5_213_985
    assert list(out["sources"]["Ark"]) == list(out["tables"])


def test_comparison_data_files_in_a_year_without_office_counts():
    """2019: people per office cannot be given (the counts are of 2016): «.» in the HTML, an
    empty cell with «ikke aktuelt» in the data files; a region with no count of its own «..»."""
    sections = comparison.build({"proposals": ["nav-2016-11", "nav-2019-12"], "year": 2019})
    assert [s.caption[:9] for s in sections if s.kind == "table"] == ["Tabell 1.", "Tabell 2.", "Tabell 3."]
    side = sections.one("side_by_side")
    assert set(side.printed()["Innbyggere per NAV-kontor (2016)"]) == {"."}
    # each symbol the table prints is the one its note explains (the note said «:» for «..»)
    assert [n[:4] for n in side.notes] == ["«..»", "«.» "]
    out = sections.data_files()
    assert out["main"].startswith("Tabell 2 Nøkkeltall")
    main = out["tables"][out["main"]]
    assert main["Innbyggere per NAV-kontor (2016)"].isna().all()
    assert main["Folkemengde (personer)"].dtype == "Int64"
    unknown = main["NAV-kontor 2016 (antall)"].isna()
    assert unknown.sum() == 5 and (side.printed()["NAV-kontor 2016 (antall)"][unknown] == "..").all()
    assert set(main["Merknad"][unknown]) == {"NAV-kontor 2016 (antall): tallet finnes ikke i kildene; "
                                              "Innbyggere per NAV-kontor (2016): ikke aktuelt"}


def test_a_failed_appendix_never_lends_its_tables_to_the_next(tmp_path):
    """Two appendices in one worker: the first builds its sections and fails (its traceback, as
    IPython keeps it in sys.last_traceback, holds them); the next appendix's XLSX holds its own
    tables only (with a registry of shown tables, it held «Tabell 1 … Oslo» too)."""
    import gc

    import nbformat
    from openpyxl import load_workbook

    from regionanalyse.config import NOTEBOOK_DIR
    from regionanalyse.pipeline.plan import Job
    from regionanalyse.pipeline.worker import run_job

    failing = tmp_path / "failing.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from regionanalyse.appendix.region import build\n"
        "def show_then_fail(sections):\n"
        "    display(sections.one('key_table'))\n"
        "    raise RuntimeError('feil etter første tabell')\n"
        "show_then_fail(build({'proposal': 'nav-2016-11', 'region': 'Oslo', 'year': 2016}))")]),
        failing)

    def job(kind, notebook, stem, parameters):
        return Job(kind, "", "Vedlegg", "", str(notebook), parameters, (), str(tmp_path), stem,
                   outputs=[f"{stem}.csv", f"{stem}.xlsx"])

    params = {"proposal": "nav-2016-11", "year": 2016, "arsverk_file": None}
    assert run_job(job("region", failing, "vedlegg-11-oslo", {**params, "region": "Oslo"})).error
    good = run_job(job("oversikt", NOTEBOOK_DIR / "vedlegg_oversikt.ipynb", "vedlegg-00-oversikt", params))
    assert good.error is None
    assert gc.get_freeze_count() == 0  # gc.freeze is for a build's workers, not the caller
    sheets = load_workbook(tmp_path / "vedlegg-00-oversikt.xlsx", read_only=True).sheetnames
    assert sheets == ["Tabell 1 Regionene med", "Tabell 2 Forslaget mot de 19",
                      "Tabell 3 Vurderingskriterier", "Kilder"]
    # the workbook holds what the overview's build function gives for the job's parameters
    assert sheets == [*overview.build(params).data_files()["tables"], "Kilder"]
    assert not (tmp_path / "vedlegg-11-oslo.xlsx").exists()


def test_one_build_per_job():
    """Within a job the notebook (inline) and the worker's data files share one build; the
    next job, or a call outside a job, builds anew."""
    from regionanalyse.appendix import region
    from regionanalyse.appendix.base import one_build_per_job

    params = {"proposal": "nav-2016-11", "region": "Oslo", "year": 2016, "arsverk_file": None}
    with one_build_per_job():
        first = region.build(params)
        assert region.build(dict(params)) is first
        assert region.build({**params, "region": "Nordland"}) is not first
    with one_build_per_job():
        assert region.build(params) is not first


def test_table_cells_are_aligned_by_their_kind_not_their_text():
    """Numbers, ranges («12–34») and signs to the right, text to the left (class="tekst"),
    from the cell's kind; a text that happens to look like a number stays text."""
    import re

    import pytest

    from regionanalyse.present import fmt
    from regionanalyse.present.html import table_html

    frame = pd.DataFrame({"Rad": ["a", "b"],
                          "Tall": [cells.number(1234), cells.missing(symbols.NOT_AVAILABLE, "mangler")],
                          "Spenn": [cells.number_range("12–34"), cells.number_range("5\u00a0457–43\u00a0893")],
                          "Andre": [cells.nothing(), cells.text("Oslo, Viken")],
                          "Kode": [cells.text("0301"), 7]})
    body = table_html(frame, "Tabell 1. Prøve", "SSB").data
    rows = re.findall(r"<tr>(.*?)</tr>", body.partition("</thead>")[2], flags=re.S)
    marks = [re.findall(r'<td( class="tekst")?>', r) for r in rows]
    assert marks == [["", "", "", ' class="tekst"'], ["", "", ' class="tekst"', ""]]
    # in the data files a range and the sign for none stay as printed, without a reason
    data = data_frame(frame)
    assert data["Spenn"].tolist() == ["12–34", "5\u00a0457–43\u00a0893"]
    assert data["Andre"].tolist() == ["–", "Oslo, Viken"]
    assert data["Merknad"].isna().tolist() == [True, False] and data["Merknad"][1] == "Tall: mangler"
    # a missing value has no default wording: a bare None in a table, or fmt.number without
    # `missing=`, is an error
    with pytest.raises(ValueError, match="SSB symbol"):
        table_html(pd.DataFrame({"Rad": ["a"], "Tall": [None]}), "Tabell 2. Prøve", "SSB")
    with pytest.raises(ValueError, match="no default wording"):
        fmt.number(float("nan"))
    assert fmt.number(float("nan"), missing=symbols.NOT_AVAILABLE) == ".."
    assert not hasattr(fmt, "MISSING")
