"""The data files beside an appendix (present/datafiles.py): printed tables back to numbers."""
import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402

from regionanalyse.appendix.comparison import ComparisonReport  # noqa: E402
from regionanalyse.appendix.overview import OverviewReport  # noqa: E402
from regionanalyse.present import datafiles  # noqa: E402


def test_printed_cells_become_numbers_with_reasons():
    shown = pd.DataFrame({"Region": ["Oslo", "Nordland", "Hele landet"],
                          "Folkemengde (personer)": ["658\u00a0390", "241\u00a0906", "900\u00a0296"],
                          "Andel av landet": ["12,6\u00a0%", "4,6\u00a0%", "17,2\u00a0%"],
                          "NAV-kontor målbilde 2020 (antall)": ["14 ¹", "18", "32"],
                          "Årsverk": [".. ²", ".. ²", "–"]})
    out = datafiles.as_printed(shown, ["¹ Avledet som 200 minus de andre.", "² Ingen offentlige tall."])
    assert list(out.columns) == ["Region", "Folkemengde (personer)", "Andel av landet (%)",
                                 "NAV-kontor målbilde 2020 (antall)", "Årsverk", "Merknad"]
    assert out["Folkemengde (personer)"].tolist() == [658390, 241906, 900296]
    assert out["Andel av landet (%)"].tolist() == [12.6, 4.6, 17.2]
    assert out["NAV-kontor målbilde 2020 (antall)"].tolist() == [14, 18, 32]
    assert out["Årsverk"].isna().all()
    assert out["Merknad"].tolist() == [
        "NAV-kontor målbilde 2020 (antall): Avledet som 200 minus de andre.; Årsverk: Ingen offentlige tall.",
        "Årsverk: Ingen offentlige tall.", "Årsverk: ikke beregnet (mangler for minst én del)"]


def test_overview_tables_as_printed_on_real_data():
    report = OverviewReport("nav-2016-11", 2016)
    report.table()
    report.criteria()
    out = datafiles.collect(report.book)
    main = out["tables"][out["main"]]
    regions = main[main["Region"] != "Hele landet"]
    assert len(regions) == 11
    assert regions["Folkemengde 1.1. (personer)"].sum() == 5_213_985  # SSB 1.1.2016
    assert main.loc[main["Region"] == "Hele landet", "Folkemengde 1.1. (personer)"].item() == 5_213_985
    assert list(out["sources"]["Ark"]) == list(out["tables"])


def test_each_report_keeps_its_own_tables():
    """The comparison's sources section makes a ProposalReport: the comparison's tables stay
    its own; a new appendix starts empty even while the previous report is alive."""
    report = ComparisonReport(["nav-2016-11", "nav-2019-12"], 2019)
    report.side_by_side()
    report.sources_section()
    assert [t.caption for t in report.book.tables] == [
        "Tabell 2. Nøkkeltall per region, folkemengde 1. januar 2019"]
    assert ComparisonReport(["nav-2016-11", "nav-2019-12"], 2019).book.tables == []
    assert len(report.book.tables) == 1


def test_a_failed_appendix_never_lends_its_tables_to_the_next(tmp_path):
    """Two appendices in one worker: the first shows a table and fails (its traceback, as
    IPython keeps it in sys.last_traceback, holds the report); the next appendix's XLSX holds
    its own tables only."""
    import gc

    import nbformat
    from openpyxl import load_workbook

    from regionanalyse.config import NOTEBOOK_DIR
    from regionanalyse.pipeline.plan import Job
    from regionanalyse.pipeline.worker import run_job

    failing = tmp_path / "failing.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from regionanalyse.appendix.region import RegionReport\n"
        "def show_then_fail(report):\n"
        "    report.key_table()\n"
        "    raise RuntimeError('feil etter første tabell')\n"
        "show_then_fail(RegionReport('nav-2016-11', 'Oslo', 2016))")]), failing)

    def job(notebook, stem, parameters):
        return Job("oversikt", "", "Vedlegg", "", str(notebook), parameters, (), str(tmp_path), stem,
                   outputs=[f"{stem}.csv", f"{stem}.xlsx"])

    assert run_job(job(failing, "vedlegg-01-oslo", {})).error
    good = run_job(job(NOTEBOOK_DIR / "vedlegg_oversikt.ipynb", "vedlegg-00-oversikt",
                       {"proposal": "nav-2016-11", "year": 2016, "arsverk_file": None}))
    assert good.error is None
    assert gc.get_freeze_count() == 0  # gc.freeze is for a build's workers, not the caller
    sheets = load_workbook(tmp_path / "vedlegg-00-oversikt.xlsx", read_only=True).sheetnames
    assert sheets[0].startswith("Tabell 1 Regionene") and "Kilder" in sheets
    assert not [s for s in sheets if "Oslo" in s], sheets
