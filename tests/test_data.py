"""Loaders against known SSB totals and the sources' own cross-checks."""
import hashlib

import pytest

from regionanalyse.sources import codes, geometry, labour, nav, population, succession
from regionanalyse.config import RAW_DIR
from regionanalyse.errors import DataError


def test_raw_files_match_checksums():
    for line in (RAW_DIR / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        assert hashlib.sha256((RAW_DIR / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.parametrize("year,total,n", [(2016, 5_213_985, 428), (2024, 5_550_203, 357)])
def test_population_national_totals_match_ssb(year, total, n):
    kommuner = population.kommune_population(year)
    assert len(kommuner) == n
    assert population.national_population(year) == total
    assert population.fylke_population(year)["folkemengde"].sum() == total


def test_population_age_groups_add_up_and_troms_2016():
    k = population.kommune_population(2016)
    assert (k[population.AGE_COLUMNS].sum(axis=1) == k["folkemengde"]).all()
    troms = population.fylke_population(2016).set_index("fylkesnummer").loc["19", "folkemengde"]
    assert troms == 164_330


def test_population_year_out_of_range_is_a_clear_error():
    with pytest.raises(DataError, match="2005–2026"):
        population.kommune_population(2030)


def test_crosswalk_2016_to_2024_matches_the_sources_table_but_for_haram():
    """The sources' 2016 → 2024 table follows csdata's chains, which send all five kommuner of
    Ålesund 2020 to both Ålesund and Haram 2024. Haram was re-established with its old borders
    (kommuner_gjenopprettet.csv): old Haram goes to Haram only, the other four to Ålesund."""
    import pandas as pd

    table = pd.read_csv(RAW_DIR / "kommune2016_til_fylke_2018_2019_2020_2024.csv", dtype=str)
    cw = succession.crosswalk(2016, 2024)
    ours = cw.groupby("code_from")["code_to"].agg(lambda s: ";".join(sorted(s)))
    theirs = table.set_index("kommunenummer_2016")["kommunenummer_2024"].map(
        lambda s: ";".join(sorted(s.split(";"))))
    theirs[theirs == "1508;1580"] = "1508"
    theirs["1534"] = "1580"
    assert (ours.reindex(theirs.index) == theirs).all()
    assert set(cw.loc[cw["code_to"] == "5055", "code_from"]) == {"1571", "1612", "1613"}  # Heim
    assert set(cw.loc[cw["code_to"] == "1580", "code_from"]) == {"1534"}


def test_split_shares_are_the_residents_each_successor_received():
    """Hand-computed from the population file (1 January 2019 and 2020): Hamarøy 2 766 − 1 747 =
    1 019, Narvik 21 845 − 18 630 − 2 470 = 745 of Tysfjord's; Snillfjord: Heim 5 963 − 4 228 −
    1 574 = 161, Hitra 5 050 − 4 694 = 356, Orkland 18 217 − 12 086 − 1 693 − 3 905 = 533."""
    shares = {code: dict(parts) for code, parts in succession.split_shares().items()}
    assert shares["1850"] == pytest.approx({"1806": 745 / 1764, "1875": 1019 / 1764})
    assert shares["5012"] == pytest.approx({"5055": 161 / 1050, "5056": 356 / 1050, "5059": 533 / 1050})
    assert shares["1507"] == pytest.approx({"1508": 58509 / 67866, "1580": 9357 / 67866})
    back = succession.crosswalk(2019, 2024)
    assert back.loc[back["code_from"] == "1534", ["code_to", "weight"]].values.tolist() == [["1580", 1.0]]


def test_haram_2019_and_2024_cover_the_same_land():
    """The re-establishment file is checked against the maps: of Haram's polygon in the 2019
    layer, ~90 % lies in Haram 2024 and 3 % in Ålesund 2024 (border drawn differently) (the rest is sea the two
    generalised layers draw differently); of the other four kommuner of Ålesund 2020, almost
    nothing lies in Haram 2024."""
    k19 = geometry.kommune_polygons(2019).set_index("kommunenummer").geometry
    k24 = geometry.kommune_polygons(2024).set_index("kommunenummer").geometry
    old = k19["1534"]
    assert old.intersection(k24["1580"]).area / old.area > 0.85
    assert old.intersection(k24["1508"]).area / old.area < 0.05
    for other in ("1504", "1523", "1529", "1546"):
        assert k19[other].intersection(k24["1580"]).area / k19[other].area < 0.05, other


@pytest.mark.parametrize("years", [(2019, 2020), (2023, 2024), (2005, 2026), (2026, 2005)])
def test_territory_groups_are_the_connected_parts_of_the_crosswalk(years):
    """The groups are what a plain union-find over the crosswalk gives, and cover every kommune."""
    cross = succession.crosswalk(*years)
    parent: dict = {}

    def root(node):
        while parent.get(node, node) != node:
            node = parent[node]
        return node

    for old, new in zip(cross["code_from"], cross["code_to"]):
        parent[root(("from", old))] = root(("to", new))
    parts: dict = {}
    nodes = {("from", c) for c in cross["code_from"]} | {("to", c) for c in cross["code_to"]}
    for side, code in nodes:
        parts.setdefault(root((side, code)), (set(), set()))[side == "to"].add(code)
    groups = succession.territory_groups(*years)
    assert len(groups) == len(parts)
    assert set(groups) == {(frozenset(old), frozenset(new)) for old, new in parts.values()}
    kommuner = set(codes.kommune_codes(years[0])["kommunenummer"])
    assert set().union(*(old for old, _ in groups)) == kommuner


def test_geometry_areas_close_to_ssb_official():
    fylker = geometry.fylke_polygons(2017).set_index("fylkesnummer")["areal_km2"]
    assert len(fylker) == 19
    assert fylker["15"] == pytest.approx(15_101, rel=0.01)  # Møre og Romsdal incl. Rindal
    assert fylker["03"] == pytest.approx(454, rel=0.01)
    for year, n in ((2019, 422), (2020, 356), (2024, 357)):
        assert len(geometry.kommune_polygons(year)) == n
        assert geometry.kommune_polygons(year).crs.to_epsg() == 25833


def test_office_counts_total_457_and_200():
    offices = nav.office_counts()
    assert offices["navkontor"].sum() == 457
    assert offices["navkontor_malbilde"].sum() == 200
    assert offices.set_index("fylker").loc[[frozenset({"03"})], "merknad"].str.contains("avledet").all()


def test_shipped_arsverk_file_is_empty_and_synthetic_fixture_validates():
    from tests.conftest import FIXTURES

    assert nav.arsverk().empty
    synthetic = nav.arsverk(FIXTURES / "arsverk_SYNTETISK.csv")
    assert synthetic["arsverk"].sum() == 900


@pytest.mark.parametrize("content,message", [
    ("fylker,aar,arsverk\n18,2016,3\n", "mangler kolonne"),
    ("fylker,vintage,aar,arsverk,kilde\n18,2016,2016,mange,x\n", "linje 2: årsverk «mange»"),
    ("fylker,vintage,aar,arsverk,kilde\n18,2016,2016,10,\n", "kilde mangler"),
    ("fylker,vintage,aar,arsverk,kilde\n18;19,2016,2016,10,x\n19,2016,2016,5,x\n", "overlapper"),
])
def test_arsverk_file_faults_name_file_and_fault(tmp_path, content, message):
    path = tmp_path / "mine_arsverk.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=message) as err:
        nav.arsverk(path)
    assert "mine_arsverk.csv" in str(err.value)


def test_labour_sources():
    assert len(labour.ba_regions(2020)["ba_nr"].unique()) == 159
    assert labour.employment()["sysselsatte_1000_2016"].sum() == 2650
