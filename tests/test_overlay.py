"""Issue 17 item 4: land moved between kommuner without a code change is counted where it lay.

Checked on the real layers against tests/independent/overlay.py (no package import; pieces
found per polygon pair in another CRS, a different noise rule, geodesic areas), whose output
is tests/independent/moved_land.json.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from regionanalyse.indicators import areas
from regionanalyse.indicators.keyfigures import key_figures
from regionanalyse.model import load
from regionanalyse.sources import overlay
from regionanalyse.territory import membership

INDEPENDENT = json.loads((Path(__file__).parent / "independent" / "moved_land.json")
                         .read_text("utf-8"))


@pytest.mark.parametrize("older", [2019, 2020])
def test_moves_match_the_independent_overlay(older):
    got = overlay.moves(older, 2024)
    expected = {(a, b): km2 for a, b, km2 in INDEPENDENT["moves"][str(older)]}
    assert set(zip(got["kommune_fra"], got["kommune_til"])) == set(expected)
    for a, b, km2 in got.itertuples(index=False):  # UTM 33 planar vs geodesic: < 1 %
        assert km2 == pytest.approx(expected[(a, b)], rel=0.01), (a, b)


def test_orsta_holds_bjorke_and_viddal_until_2019():
    moved = overlay.moves(2019, 2024).set_index(["kommune_fra", "kommune_til"])["areal_km2"]
    assert 135 < moved[("1520", "1577")] < 146  # Ørsta → Volda, ≈ 145 km² in the issue
    now = areas.kommune_areas(2024)["1520"]
    for year in range(2005, 2027):
        gained = areas.kommune_areas(year)["1520"] - now
        assert gained == pytest.approx(moved[("1520", "1577")] if year <= 2019 else 0.0,
                                       abs=1e-6), year


@pytest.mark.parametrize("pid,year", [("nav-2019-12", 2005), ("nav-2019-12", 2019),
                                      ("nav-2016-11", 2016), ("fylker-2016", 2005),
                                      ("fylker-2016", 2019), ("nav-2019-12", 2020)])
def test_region_areas_change_as_the_independent_overlay_says(pid, year):
    proposal = load(pid)
    expected = INDEPENDENT["region_change_km2"][f"{pid}|{year}"]
    figures = key_figures(proposal, year)
    notes = figures.notes_for("areal_km2").set_index("region")["merknad"]
    assigned = membership.assign(proposal, year)
    change = assigned["kommunenummer"].map(areas.moved_land(year)).groupby(assigned["region"]).sum()
    changed = {r: v for r, v in change.items() if abs(v) >= 0.05}
    assert set(changed) == set(expected)
    for region, value in changed.items():
        assert value == pytest.approx(expected[region], rel=0.01, abs=0.06), region
        text = notes[region]
        assert "uten kodeendring" in text and "etter kommunegrensene 2019, men i" in text
        assert "etter kommunegrensene 2024" in text
    # the national total stays the basis layer's
    assert figures.table["areal_km2"].sum() == pytest.approx(areas.national_area(), rel=1e-9)


def test_vestland_and_more_og_romsdal_2005():
    """The issue's case: before 2020 the Volda polygon of 2024 put Ørsta's land in NAV Vestland
    (through Hornindal, which shares it)."""
    t = key_figures(load("nav-2019-12"), 2005)
    notes = t.notes_for("areal_km2").set_index("region")["merknad"]
    assert "mindre enn kodelisten alene gir" in notes["NAV Vestland"]
    assert "større enn kodelisten alene gir" in notes["NAV Møre og Romsdal"]
    for region in ("NAV Vestland", "NAV Møre og Romsdal"):
        assert ("139,9 km² som lå i Ørsta (1520) etter kommunegrensene 2019, men i Volda (1577) "
                "etter kommunegrensene 2024 (i 2005: Hornindal (1444) og Volda (1519))") in notes[region]
        assert "Balestrand" not in notes[region]  # moves inside one region are not listed
