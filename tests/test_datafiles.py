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
    out = datafiles.collect(main_index=report.__dict__.get("_main_index"))
    main = out["tables"][out["main"]]
    regions = main[main["Region"] != "Hele landet"]
    assert len(regions) == 11
    assert regions["Folkemengde 1.1. (personer)"].sum() == 5_213_985  # SSB 1.1.2016
    assert main.loc[main["Region"] == "Hele landet", "Folkemengde 1.1. (personer)"].item() == 5_213_985
    assert list(out["sources"]["Ark"]) == list(out["tables"])


def test_a_helper_report_does_not_empty_the_appendix_tables():
    """The comparison's sources section makes a ProposalReport: its tables must stay staged;
    a new appendix (the old report gone) starts empty."""
    report = ComparisonReport(["nav-2016-11", "nav-2019-12"], 2019)
    report.side_by_side()
    report.sources_section()
    assert len(datafiles.REGISTRY.tables) == 1
    del report
    ComparisonReport(["nav-2016-11", "nav-2019-12"], 2019)
    assert datafiles.REGISTRY.tables == []
