"""Issue 9: every number holds up in every built-in proposal and year.

Property test over all built-in proposals in 2005, 2016, 2019, 2020, 2024 and 2026, and
regression tests whose expected values come from tests/independent/recompute.py (a script
that does not import the package; its output is tests/independent/expected.json).
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest

from regionanalyse.indicators import areas
from regionanalyse.indicators.history import population_history
from regionanalyse.indicators.keyfigures import key_figures
from regionanalyse.indicators.ba_cohesion import ba_of_kommuner, ba_summary
from regionanalyse.model import builtin_ids, from_dict, load
from regionanalyse.sources import codes, population, succession
from regionanalyse.territory import membership
from regionanalyse.territory.validate import validate

YEARS = (2005, 2016, 2019, 2020, 2024, 2026)
EXPECTED = json.loads((Path(__file__).parent / "independent" / "expected.json").read_text("utf-8"))


# the held-out kommune-level proposal of vintage 2024 (SYNTHETIC, real codes; issue 21)
HELD_OUT = {"test-2024-delte": str(Path(__file__).parent / "fixtures" / "forslag_2024_delte_kommuner.yaml")}


@lru_cache(maxsize=None)
def figures(pid: str, year: int) -> pd.DataFrame:
    return key_figures(load(HELD_OUT.get(pid, pid)), year).table.set_index("region")


@lru_cache(maxsize=None)
def moved_land(pid: str, year: int) -> pd.Series:
    """Per region: km² its area changes by through land moved without a code change."""
    assigned = membership.assign(load(HELD_OUT.get(pid, pid)), year)
    return assigned["kommunenummer"].map(areas.moved_land(year)).groupby(assigned["region"]).sum()


@lru_cache(maxsize=None)
def history(pid: str) -> pd.DataFrame:
    return population_history(load(HELD_OUT.get(pid, pid)))


@lru_cache(maxsize=None)
def basis_groups(year: int) -> dict[str, frozenset]:
    """Kommune of `year` → the basis-layer kommuner its group covers."""
    out = {}
    for old, new in areas._groups(year):
        for code in old:
            out[code] = (frozenset(new), len(old))
    return out


def test_builtins_are_all_covered():
    assert set(builtin_ids()) >= {"fylker-2016", "fylker-2020", "fylker-2024", "nav-2016-11",
                                  "nav-2019-12"}


@pytest.mark.parametrize("pid", sorted(builtin_ids()))
def test_properties_in_every_year(pid):
    national_area = areas.national_area()
    for year in YEARS:
        t = figures(pid, year)
        assert t["folkemengde"].sum() == population.national_population(year), (pid, year)
        assert t["antall_kommuner"].sum() == len(codes.kommune_codes(year)), (pid, year)
        assert t["areal_km2"].sum() == pytest.approx(national_area, rel=1e-9), (pid, year)
        assert (t["bosatt_delt_ba"] <= t["folkemengde"]).all(), (pid, year)
        assert (t["bosatt_delt_ba"] >= 0).all() and (t["ba_delt"] <= t["ba_regioner"]).all()
        # no raw code dropped: every kommune of the year is assigned and has a BA-region
        assigned = membership.assign(load(pid), year)
        assert set(assigned["kommunenummer"]) == set(codes.kommune_codes(year)["kommunenummer"])
        assert set(ba_of_kommuner(year)["kommunenummer"]) == set(assigned["kommunenummer"])
        assert t["innbyggere_per_navkontor"].isna().all() or year == 2016


@pytest.mark.parametrize("pid", sorted(builtin_ids()))
def test_chain_linked_index_never_jumps(pid):
    h = history(pid).sort_values(["region", "aar"])
    step = h.groupby("region")["indeks"].pct_change().dropna()
    assert step.abs().max() < 0.03, h.loc[step.abs().idxmax()]
    assert (h[h["aar"] == 2005]["indeks"] == 100).all()
    assert set(h["region"]) == {r.name for r in load(pid).regions} | {"Norge"}


def kommune_level(vintage: int, n_regions: int):
    """A valid proposal whose regions take every n-th kommune of `vintage`, so that most
    mergers and splits of 2005–2026 cross a region border."""
    kommuner = list(codes.kommune_codes(vintage)["kommunenummer"])
    return from_dict({"id": f"hver-{n_regions}-{vintage}", "name": "Kommune for kommune",
                      "vintage": vintage,
                      "regions": [{"name": f"Region {i + 1}", "members": kommuner[i::n_regions]}
                                  for i in range(n_regions)]}, "test")


def year_by_year_history(proposal) -> pd.DataFrame:
    """The chain-linked history by its definition (see history._history), one year and one
    territory group at a time."""
    names = proposal.region_names()
    vintage_region = dict(membership.expand(proposal).drop_duplicates("kommunenummer")
                          [["kommunenummer", "region"]].itertuples(index=False))
    index, rows, prev_region, prev_pop = dict.fromkeys(names, 100.0), [], None, None
    for year in population.YEARS:
        region = dict(membership.assign(proposal, year)[["kommunenummer", "region"]]
                      .itertuples(index=False))
        pop = population.kommune_population(year).set_index("kommunenummer")["folkemengde"]
        pop = pop.to_dict()
        touched: dict[str, set] = {}  # kommune of the year → the regions its land lies in
        cross = succession.crosswalk(year, proposal.vintage)
        for old, new in zip(cross["code_from"], cross["code_to"]):
            touched.setdefault(old, set()).add(vintage_region[new])
        brudd = set().union(*(r for r in touched.values() if len(r) > 1))
        if prev_region is not None:
            num, den = dict.fromkeys(names, 0), dict.fromkeys(names, 0)
            for old, new in succession.territory_groups(year - 1, year):
                share: dict[str, int] = {}
                for code in new:
                    share[region[code]] = share.get(region[code], 0) + pop[code]
                regions = set(share) | {prev_region[code] for code in old}
                if len(regions) > 1:
                    brudd |= regions
                target = max(share, key=share.get)
                num[target] += sum(pop[c] for c in new)
                den[target] += sum(prev_pop[c] for c in old)
            index = {name: index[name] * (num[name] / den[name]) if den[name] else float("nan")
                     for name in names}
            brudd |= {name for name in names if index[name] != index[name]}
        prev_region, prev_pop = region, pop
        rows += [{"region": name, "aar": year, "indeks": index[name], "brudd": name in brudd,
                  "folkemengde": sum(p for c, p in pop.items() if region[c] == name)
                  if name in region.values() else pd.NA}
                 for name in names]
        rows.append({"region": "Norge", "aar": year, "folkemengde": sum(pop.values()),
                     "indeks": 100 * sum(pop.values()) / population.national_population(2005),
                     "brudd": False})
    table = pd.DataFrame(rows)[["region", "aar", "folkemengde", "indeks", "brudd"]]
    return table.assign(folkemengde=table["folkemengde"].astype("Int64"))


def halsa_alone():
    """Halsa (2019) as a region of its own: merged into Heim in 2020, counted in the other region."""
    rest = sorted(set(codes.kommune_codes(2019)["kommunenummer"]) - {"1571"})
    return from_dict({"id": "halsa", "name": "Halsa alene", "vintage": 2019, "source": "test",
                      "regions": [{"name": "Halsa", "members": ["1571"]},
                                  {"name": "Resten", "members": rest}]}, "halsa.yaml")


@pytest.mark.parametrize("case", ["nav-2019-12", *(pytest.param(c, marks=pytest.mark.slow)
                                                   for c in ("2019/3", "2024/4", "halsa"))])
def test_history_equals_the_year_by_year_definition(case):
    """Also for kommune-level regions ("vintage/n"), where most steps cross a border, and for a
    region that cannot be followed after a merger (the year-by-year loop takes ~1.5 s a case)."""
    proposal = (halsa_alone() if case == "halsa" else
                kommune_level(*map(int, case.split("/"))) if "/" in case else load(case))
    assert not validate(proposal)
    pd.testing.assert_frame_equal(population_history(proposal), year_by_year_history(proposal),
                                  check_exact=True)


def test_history_of_a_region_whose_kommune_merges_into_another_region():
    """Halsa (2019) merged into Heim in 2020, counted in the other region: Halsa's own region
    has no population of its own from 2020 and no index; missing, never 0, and no crash."""
    proposal = halsa_alone()
    assert not validate(proposal)
    hist = population_history(proposal)  # equal to the year-by-year definition: see above
    halsa = hist[hist["region"] == "Halsa"].set_index("aar")
    assert halsa.loc[2019, "folkemengde"] > 1000 and halsa.loc[2019, "indeks"] > 0
    assert halsa.loc[2020:, "folkemengde"].isna().all() and halsa.loc[2020:, "indeks"].isna().all()
    assert halsa.loc[2020:, "brudd"].all()
    rest = hist[hist["region"] == "Resten"]
    assert rest["indeks"].notna().all() and rest["folkemengde"].notna().all()


def test_same_territory_same_area_in_every_year_and_proposal():
    """Regions made of whole basis groups are compared by the land they cover."""
    by_territory: dict[frozenset, list] = {}
    for pid in sorted(builtin_ids()):
        for year in YEARS:
            groups = basis_groups(year)
            assigned = membership.assign(load(pid), year)
            t = figures(pid, year)
            for region, members in assigned.groupby("region")["kommunenummer"]:
                land = frozenset().union(*(groups[c][0] for c in members))
                whole = all(sum(1 for c in members if groups[c][0] == groups[m][0]) ==
                            groups[m][1] for m in members)
                # land moved without a code change across the region's border makes it
                # other land than the code groups say (tests/test_overlay.py)
                land = (land, round(float(moved_land(pid, year).get(region, 0.0)), 1))
                if whole:
                    by_territory.setdefault(land, []).append((pid, year, region,
                                                              t.at[region, "areal_km2"]))
    compared = 0
    for land, seen in by_territory.items():
        values = [v for *_, v in seen]
        assert max(values) <= min(values) * 1.001, seen
        compared += len(seen) - 1
    rogaland = [s for s in by_territory.values() if any(r in ("Rogaland", "NAV Rogaland")
                                                        for _, _, r, _ in s)]
    assert len(rogaland) == 1 and len(rogaland[0]) == len(builtin_ids()) * len(YEARS)
    assert compared > 200


def test_area_note_states_the_measured_deviation():
    ssb = pd.read_csv(areas.geometry.config.raw_dir() / "areal_fylke_19.csv", dtype={"fylkesnummer": str})
    ssb = ssb.dropna(subset=["totalareal_km2_ssb2013"]).set_index("fylkesnavn")
    t = figures("fylker-2016", 2016)
    dev = 100 * (t.loc[ssb.index, "areal_km2"] / ssb["totalareal_km2_ssb2013"] - 1)
    assert round(dev.min(), 1) == -1.7 and dev.idxmin() == "Vestfold"
    assert round(dev.max(), 1) == 0.5 and dev.idxmax() == "Oslo"
    assert (dev.abs() < 0.5).sum() == 13
    assert "−1,7 % (Vestfold)" in areas.SSB_DEVIATION_NOTE and "13 av 15" in areas.SSB_DEVIATION_NOTE


# ----------------------------------------------------------------------------- regression
CASES = sorted(EXPECTED["figures"])


@pytest.mark.parametrize("case", CASES)
def test_figures_match_independent_recomputation(case):
    pid, year = case.split("|")
    t = figures(pid, int(year))
    for region, exp in EXPECTED["figures"][case].items():
        row = t.loc[region]
        if exp["folkemengde"] is None:  # no kommune of the year is counted in the region
            assert pd.isna(row["folkemengde"]) and row["antall_kommuner"] == 0, (case, region)
            continue
        for col in ("folkemengde", "antall_kommuner", "ba_regioner", "ba_delt", "bosatt_delt_ba"):
            assert row[col] == exp[col], (case, region, col)
        # land moved without a code change: the independent overlay measures it geodesically
        # (tests/independent/overlay.py), 1 % apart from the package's planar areas
        moved = abs(moved_land(pid, int(year)).get(region, 0.0))
        assert row["areal_km2"] == pytest.approx(exp["areal_km2"], abs=0.06 + 0.01 * moved), (case, region)


@pytest.mark.parametrize("pid", sorted(EXPECTED["history"]))
def test_history_matches_independent_recomputation(pid):
    got = history(pid).set_index(["region", "aar"]).sort_index()
    exp = pd.DataFrame(EXPECTED["history"][pid]).set_index(["region", "aar"]).sort_index()
    assert list(got.index) == list(exp.index)
    assert got["folkemengde"].isna().tolist() == exp["folkemengde"].isna().tolist()
    known = exp["folkemengde"].notna()
    assert (got.loc[known, "folkemengde"] == exp.loc[known, "folkemengde"]).all()
    assert (got["brudd"] == exp["brudd"]).all()
    assert got["indeks"].isna().tolist() == exp["indeks"].isna().tolist()
    assert (got["indeks"] - exp["indeks"]).abs().max() < 0.001


def test_issue_cases():
    """The printed figures the issue found wrong, with their correct values."""
    nav19 = ba_summary(load("nav-2019-12"), 2019)
    assert nav19.loc["NAV Innlandet", ["ba_regioner", "ba_delt"]].tolist() == [17, 3]
    # own residents only (it was the whole population of the crossing BA-regions, 1,33 mill.)
    assert nav19.loc["NAV Innlandet", "bosatt_delt_ba"] == 31_451
    assert nav19.loc["NAV Rogaland", "bosatt_delt_ba"] == 100_022
    assert nav19.loc["NAV Vestland", "bosatt_delt_ba"] == 10_950
    from regionanalyse.indicators.ba_cohesion import ba_cohesion
    ba = ba_cohesion(load("nav-2019-12"), 2019).set_index("ba_navn")
    assert ba.loc["Surnadal", "regioner"] == ["NAV Møre og Romsdal", "NAV Trøndelag"]
    assert ba.loc["Ringerike", "delt"] and "NAV Vest-Viken" in ba.loc["Ringerike", "regioner"]
    ba24 = ba_cohesion(load("fylker-2024"), 2024).set_index("ba_navn")
    assert ba24.loc["Surnadal", "delt"]
    # the classification and population follow the year
    assert set(ba_summary(load("nav-2019-12"), 2016)["aar"]) == {2016}
    assert set(ba_summary(load("fylker-2024"), 2024)["ba_klassifisering"]) == {2024}
    # 2020 → 2024: the Viken split shows in the BA rows (Ringerike is split only in 2024)
    f20 = ba_cohesion(load("fylker-2020"), 2024).set_index("ba_navn")
    assert not f20.loc["Ringerike", "delt"] and ba24.loc["Ringerike", "delt"]
    # Vest-Viken = Buskerud + Asker + Bærum
    t19 = figures("nav-2019-12", 2019)
    k = population.kommune_population(2019).set_index("kommunenummer")["folkemengde"]
    assert t19.loc["NAV Vest-Viken", "folkemengde"] == (
        k[k.index.str.startswith("06")].sum() + k["0219"] + k["0220"]) == 471_512
    # Telemark, Vestfold og Buskerud does not drop 4,5 % in 2020; both sides are marked
    h = history("nav-2016-11").set_index(["region", "aar"])
    tvb = "Telemark, Vestfold og Buskerud"
    assert h.loc[(tvb, 2020), "indeks"] / h.loc[(tvb, 2019), "indeks"] == pytest.approx(1.00537, abs=1e-4)
    assert h.loc[(tvb, 2020), "folkemengde"] < h.loc[(tvb, 2019), "folkemengde"]  # level moved
    assert h.loc[(tvb, 2020), "brudd"] and h.loc[("Østfold og Akershus", 2020), "brudd"]
    assert not h.loc[(tvb, 2019), "brudd"] and not h.loc[("Oslo", 2020), "brudd"]
    h19 = history("nav-2019-12").set_index(["region", "aar"])
    assert h19.loc[("NAV Vestfold og Telemark", 2020), "brudd"]
    assert h19.loc[("NAV Vest-Viken", 2020), "brudd"]  # Svelvik's gaining side
    # same territory, same area: Rogaland and Nordland
    rogaland = {figures(p, y).at[r, "areal_km2"] for p, y, r in
                [("fylker-2016", 2016, "Rogaland"), ("nav-2019-12", 2019, "NAV Rogaland"),
                 ("fylker-2020", 2020, "Rogaland"), ("fylker-2024", 2024, "Rogaland")]}
    assert max(rogaland) - min(rogaland) < 1e-6 and round(min(rogaland)) == 9_373
    assert figures("nav-2016-11", 2016).at["Nordland", "areal_km2"] == pytest.approx(
        figures("nav-2019-12", 2019).at["NAV Nordland", "areal_km2"], rel=1e-9)
    # names as they were in the report's year: «Oslove» was adopted in December 2023
    assert figures("nav-2019-12", 2019).at["NAV Oslo", "sete"] == "Oslo"
    assert population.kommune_population(2019).set_index("kommunenummer").at["0301", "kommunenavn"] == "Oslo"
    assert population.kommune_population(2024).set_index("kommunenummer").at["0301", "kommunenavn"] == "Oslo-Oslove"
    # 2016 office counts are never divided by another year's population
    assert figures("nav-2016-11", 2016)["innbyggere_per_navkontor"].notna().sum() == 11
    assert figures("nav-2016-11", 2019)["innbyggere_per_navkontor"].isna().all()


def test_cli_contracts():
    import io

    from conftest import cli_main

    out = cli_main("table", "nav-2019-12", "--year", "2019", "--format", "csv")
    assert out.returncode == 0, out.stderr
    table = pd.read_csv(io.StringIO(out.stdout)).set_index("region")
    assert list(table.columns[-5:]) == ["ba_regioner", "ba_delt", "bosatt_delt_ba",
                                        "ba_klassifisering", "navkontor_aar"]
    assert table.loc["NAV Innlandet", ["ba_regioner", "ba_delt", "bosatt_delt_ba"]].tolist() == [17, 3, 31451]
    assert set(table["ba_klassifisering"]) == {2020} and set(table["navkontor_aar"]) == {2016}
    out = cli_main("history", "nav-2016-11", "--region", "Telemark, Vestfold og Buskerud")
    assert out.returncode == 0, out.stderr
    hist = pd.read_csv(io.StringIO(out.stdout))
    assert list(hist.columns) == ["region", "aar", "folkemengde", "indeks", "brudd"]
    assert set(hist["region"]) == {"Telemark, Vestfold og Buskerud", "Norge"}
    assert len(hist) == 2 * 22 and hist.groupby("region")["aar"].nunique().eq(22).all()
    row = hist.set_index(["region", "aar"]).loc[("Telemark, Vestfold og Buskerud", 2020)]
    assert bool(row["brudd"]) and row["indeks"] == pytest.approx(112.82, abs=0.01)
    md = cli_main("history", "fylker-2024", "--format", "markdown")
    assert md.returncode == 0 and "Norge" in md.stdout and "brudd" in md.stdout
    assert cli_main("history", "fylker-2024", "--region", "Viken").returncode == 1


def test_comparison_balance_matches_independent_recomputation():
    from regionanalyse.indicators.proposals import balance

    cases = {k: v for k, v in EXPECTED["regression"].items() if k.startswith("balanse|")}
    assert len(cases) == 5
    for key, (n_split, residents) in cases.items():
        _, pid, year, _ = key.split("|")
        row = balance([load(pid)], int(year)).iloc[0]
        assert [row["ba_delt"], row["bosatt_delt_ba"]] == [n_split, residents], key
