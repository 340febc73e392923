"""Key figures on real data: SSB totals, the union rule, kommune-level proposals."""
import pandas as pd
import pytest

from regionanalyse.indicators.keyfigures import key_figures
from regionanalyse.model import from_dict, load
from regionanalyse.sources import population
from tests.conftest import FIXTURES


def test_nav_2016_11_matches_ssb_and_tabell_1():
    figures = key_figures(load("nav-2016-11"), 2016)
    t = figures.table.set_index("region")
    assert len(t) == 11
    assert t["folkemengde"].sum() == 5_213_985
    assert t.loc["Finnmark og Troms", "folkemengde"] == 240_088
    assert t["navkontor"].sum() == 457
    assert t["navkontor_malbilde"].sum() == 200
    assert t.loc["Oslo", "antall_kommuner"] == 1 and t["antall_kommuner"].sum() == 428
    assert t["areal_km2"].sum() == pytest.approx(323_600, rel=0.01)
    assert t["arsverk"].isna().all()
    assert figures.notes_for("arsverk")["merknad"].str.contains("ingen offentlige tall").all()
    assert figures.notes_for("navkontor_malbilde")["merknad"].str.contains("avledet").any()


def test_nav_2019_12_totals_and_union_rule():
    figures = key_figures(load("nav-2019-12"), 2019)
    t = figures.table.set_index("region")
    assert len(t) == 12
    assert t["folkemengde"].sum() == population.national_population(2019) == 5_328_212
    # Akershus is split between Øst- and Vest-Viken: no office count for either
    assert pd.isna(t.loc["NAV Vest-Viken", "navkontor"])
    reason = figures.notes_for("navkontor").set_index("region").loc["NAV Øst-Viken", "merknad"]
    assert "Østfold og Akershus samlet" in reason
    # Agder = Vest-Agder + Aust-Agder exactly: gets the set figure
    assert t.loc["NAV Agder", "navkontor"] == 30


def test_kommune_level_proposal_in_2024_codes():
    kommuner = population.kommune_population(2024)
    oslo_ring = ["0301", "3201", "3203"]  # Oslo, Bærum, Asker
    rest = [k for k in kommuner["kommunenummer"] if k not in oslo_ring]
    p = from_dict({"id": "k24", "name": "Kommunetest", "vintage": 2024, "regions": [
        {"name": "Hovedstaden", "seat": "Oslo", "members": oslo_ring},
        {"name": "Resten", "members": rest}]}, "k24.yaml")
    t = key_figures(p, 2024).table.set_index("region")
    expected = kommuner.set_index("kommunenummer").loc[oslo_ring, "folkemengde"].sum()
    assert t.loc["Hovedstaden", "folkemengde"] == expected
    assert t["folkemengde"].sum() == 5_550_203
    assert t.loc["Hovedstaden", "antall_kommuner"] == 3


def test_counting_a_2016_proposal_in_2024_flags_heim():
    figures = key_figures(load("fylker-2016"), 2024)
    notes = figures.notes_for("folkemengde")["merknad"]
    assert notes.str.contains("Heim").any()
    assert figures.table["folkemengde"].sum() == 5_550_203


def test_supplied_arsverk_file_is_used(monkeypatch):
    monkeypatch.setenv("REGIONANALYSE_ARSVERK", str(FIXTURES / "arsverk_SYNTETISK.csv"))
    t = key_figures(load("nav-2016-11"), 2016).table.set_index("region")
    assert t.loc["Finnmark og Troms", "arsverk"] == 500
    assert t.loc["Nordland", "arsverk_per_10000"] == pytest.approx(400 / 241_906 * 10_000)
    assert pd.isna(t.loc["Oslo", "arsverk"])


def test_split_ba_kommuner_are_in_map_layer_codes():
    from regionanalyse.indicators import ba_cohesion as regional

    codes = regional.split_ba_kommuner(load("nav-2016-11"), "Oslo", 2016)
    # BA Oslo/Bærum (2020 codes) spans Oslo and Akershus; the map layer is 2019
    assert {"0301", "0219", "0220"} <= codes
