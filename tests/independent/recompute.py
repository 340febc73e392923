"""Independent recomputation of regionanalyse's figures from data/raw (issue 9).

This module deliberately does NOT import regionanalyse. It reads the raw files with
pandas/geopandas and recomputes, for a proposal YAML and a year:

* population and number of kommuner per region (kommuner of the year assigned to the
  region through the code list's successor chains, majority by vintage population where a
  kommune of the year covers parts of several regions),
* BA cohesion (SSB's 2020 classification mapped to the year's codes before 2024, the 2024
  recoding from 2024): BA-regions with kommuner in the region, those the region's border
  splits, and the region's OWN residents living in split BA-regions (population of the year),
* a chain-linked population index 2005 = 100: for every step Y-1 → Y the two code sets are
  joined into connected components (the smallest groups of kommuner covering the same
  territory in both years), each component is counted in the region holding most of it, and
  the step's growth is computed on those components only, then chained. `brudd` marks every
  region touched by an approximate assignment in that year (gaining and losing side),
* areas on one basis: the finest geometry layer (kommuner_2024_robhop_S, EPSG:25833) carried
  back through the code changes, with land moved without a code change (overlay.py) counted
  where it lay in the year; where several kommuner of the year share one piece of that
  layer (mergers after the year, the 2020 splits of Tysfjord and Snillfjord), the piece is
  divided by the kommuner's area shares in the 2019 kommune layer, and below that (Rissa and
  Leksvik → Indre Fosen 2018) by the 2017 fylke layer.

It also checks every code in every raw file against the code list of the file's year
(`code_audit()`), and knows the three certain recodings of the BA files.

Run `python tests/independent/recompute.py` to print the audit and write expected.json.
"""
from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
BUILTIN_DIRS = [ROOT / "regionanalyse" / "proposal" / "builtin",
                ROOT / "regionanalyse" / "proposals" / "builtin"]
YEARS = range(2005, 2027)
CRS = "EPSG:25833"

# Codes in the BA files that do not exist in the files' years, with the certain recoding
# (same kommune name, first two digits of a fylke the kommune never belonged to under that
# number; the code list gives the code valid in the file's year).
#   1567 Rindal: Møre og Romsdal until 31.12.2018, then Trøndelag 5061 (2019–).
#   3444 Jevnaker / 3445 Lunner: "Innlandet" codes planned before Stortinget moved both to
#   Viken in 2020; the code list has 3053/3054 (Viken, 2020–2023) and 3236/3234 (Akershus,
#   2024–).
BA_RECODE = {
    2020: {"1567": "5061", "3444": "3053", "3445": "3054"},
    2024: {"1567": "5061", "3444": "3236", "3445": "3234"},
}


def read(name: str, codes: list[str] = ()) -> pd.DataFrame:
    return pd.read_csv(RAW / name, dtype={c: str for c in codes}, keep_default_na=False,
                       na_values=[""])


# ----------------------------------------------------------------------------- code list
@lru_cache(maxsize=None)
def code_list() -> pd.DataFrame:
    kl = read("kommuner_2005_2026_kodeliste.csv",
              ["kommunenummer", "fylkesnummer", "etterfolger_kommunenummer",
               "etterfolger_vekt_csdata"])
    return kl.set_index("kommunenummer", drop=False)


@lru_cache(maxsize=None)
def valid(year: int) -> frozenset[str]:
    kl = code_list()
    return frozenset(kl.loc[(kl.forste_aar_1jan <= year) & (kl.siste_aar_1jan >= year),
                            "kommunenummer"])


def valid_fylker(year: int) -> frozenset[str]:
    kl = code_list()
    return frozenset(kl.loc[list(valid(year)), "fylkesnummer"])


def _predecessors(code: str) -> list[str]:
    kl = code_list()
    return [c for c, succ in zip(kl.kommunenummer, kl.etterfolger_kommunenummer)
            if isinstance(succ, str) and code in succ.split(";")]


@lru_cache(maxsize=None)
def successors(code: str) -> tuple[tuple[str, float], ...]:
    """Successor codes of `code`, each with the share of `code`'s residents it received.

    Not csdata's weights (guesses) and not the package's estimate: a split's flows are
    estimated as the successor's population on 1 January after the change minus what its
    other predecessors would have had by then had they grown as in the year before (their own
    growth rate carried one year forward)."""
    row = code_list().loc[code]
    succ = row.etterfolger_kommunenummer
    if pd.isna(succ):
        return ()
    parts = str(succ).split(";")
    if len(parts) == 1:
        return ((parts[0], 1.0),)
    last = int(row.siste_aar_1jan)
    before, after, earlier = population(last), population(last + 1), population(last - 1)
    flow = {}
    for s in parts:
        others = [p for p in _predecessors(s) if p != code]
        projected = sum(float(before[p]) * float(before[p]) / float(earlier[p]) if p in earlier.index
                        else float(before[p]) for p in others)
        flow[s] = max(0.0, float(after[s]) - projected)
    total = sum(flow.values())
    return tuple((s, flow[s] / total) for s in parts)


@lru_cache(maxsize=None)
def land_goes_to(old: str, split: str) -> str | None:
    """Where the land of `old` (a kommune of the 2019 map that merged into `split`) lies when
    `split` is divided: the successor holding ≥ 80 % of old's polygon (2019 layer against the
    2024 layer), or None when no successor does or old is not on the 2019 map."""
    k19 = layer("kommuner_2019_csmaps.geojson").set_index("kommunenummer")
    k24 = layer("kommuner_2024_robhop_S.geojson").set_index("kommunenummer")
    if old not in k19.index:
        return None
    shape = k19.geometry[old]
    inside = {s: shape.intersection(k24.geometry[s]).area for s, _ in successors(split)
              if s in k24.index}
    best = max(inside, key=inside.get) if inside else None
    if best is None or inside[best] < 0.8 * sum(inside.values()):
        return None
    return best


@lru_cache(maxsize=None)
def forward(code: str, year: int, path: tuple[str, ...] = ()) -> tuple[tuple[str, float], ...]:
    """Codes valid in `year` that `code` (valid earlier) became, with the share of its people.
    Where a kommune formed by a merger is divided later, the land of each merged kommune goes
    where the map puts it (`land_goes_to`); otherwise the residents' flows decide."""
    kl = code_list()
    if kl.loc[code, "siste_aar_1jan"] >= year:
        return ((code, 1.0),)
    path = (*path, code)
    succ = successors(code)
    if len(succ) > 1:
        for earlier in path[:-1]:
            target = land_goes_to(earlier, code)
            if target is not None:
                succ = ((target, 1.0),)
                break
    out: dict[str, float] = {}
    for s, w in succ:
        for t, w2 in forward(s, year, path):
            out[t] = out.get(t, 0.0) + w * w2
    return tuple(out.items())


def links(year_a: int, year_b: int) -> list[tuple[str, str, float]]:
    """(code in year_a, code in year_b, weight) links between two years' code sets."""
    lo, hi = sorted((year_a, year_b))
    rows = [(c, t, w) for c in sorted(valid(lo)) for t, w in forward(c, hi)]
    if year_a <= year_b:
        return rows
    return [(t, c, w) for c, t, w in rows]


def components(year_a: int, year_b: int) -> list[tuple[set[str], set[str]]]:
    """Connected components of the link graph: (codes of year_a, codes of year_b)."""
    parent: dict[tuple[int, str], tuple[int, str]] = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b, _ in links(year_a, year_b):
        ra, rb = find((0, a)), find((1, b))
        if ra != rb:
            parent[ra] = rb
    groups: dict = {}
    for node in list(parent):
        groups.setdefault(find(node), []).append(node)
    out = []
    for nodes in groups.values():
        out.append(({c for s, c in nodes if s == 0}, {c for s, c in nodes if s == 1}))
    return out


# ----------------------------------------------------------------------------- population
@lru_cache(maxsize=None)
def population_all() -> pd.DataFrame:
    return read("befolkning_kommune_1jan_2005_2026_ssb07459.csv", ["kommunenummer", "fylkesnummer"])


@lru_cache(maxsize=None)
def population(year: int) -> pd.Series:
    p = population_all()
    return p[p.aar == year].set_index("kommunenummer")["folkemengde"]


# ----------------------------------------------------------------------------- proposals
def load_proposal(path_or_id: str | Path) -> dict:
    path = Path(path_or_id)
    if not path.is_file():
        found = [d / f"{path_or_id}.yaml" for d in BUILTIN_DIRS
                 if (d / f"{path_or_id}.yaml").is_file()]
        found += sorted((ROOT / "regionanalyse").glob(f"**/builtin/{path_or_id}.yaml"))
        if found:
            path = found[0]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    vintage = int(data["vintage"])
    kl = code_list()
    members: dict[str, str] = {}
    for region in data["regions"]:
        for m in region["members"]:
            m = str(m)
            if len(m) == 2:
                codes = [c for c in valid(vintage) if kl.loc[c, "fylkesnummer"] == m]
            else:
                codes = [m]
            for c in codes:
                if c not in valid(vintage):
                    raise ValueError(f"{path}: {c} not valid in {vintage}")
                members.setdefault(c, region["name"])
    return {"id": data.get("id", path.stem), "vintage": vintage, "members": members,
            "regions": [r["name"] for r in data["regions"]]}


@lru_cache(maxsize=None)
def _assign(pid: str, year: int) -> pd.DataFrame:
    prop = PROPOSALS[pid]
    v = prop["vintage"]
    # people of the earlier of the two years in each piece: a kommune goes where its people went
    pop_year = population(min(year, v))
    shares: dict[str, dict[str, float]] = {}
    for c_year, c_vint, w in links(year, v):
        region = prop["members"].get(c_vint)
        if region is None:
            continue
        s = shares.setdefault(c_year, {})
        s[region] = s.get(region, 0.0) + w * float(pop_year.get(c_year if year < v else c_vint, 0))
    rows = []
    for code, s in shares.items():
        region = max(s, key=s.get)
        rows.append({"kommunenummer": code, "region": region, "exact": len(s) == 1,
                     "touches": tuple(sorted(s))})
    return pd.DataFrame(rows).set_index("kommunenummer", drop=False)


PROPOSALS: dict[str, dict] = {}


def proposal(path_or_id: str | Path) -> str:
    prop = load_proposal(path_or_id)
    PROPOSALS[prop["id"]] = prop
    return prop["id"]


def assign(pid: str, year: int) -> pd.DataFrame:
    return _assign(pid, year)


def region_population(pid: str, year: int) -> pd.DataFrame:
    a = assign(pid, year).copy()
    a["folkemengde"] = a["kommunenummer"].map(population(year))
    return a.groupby("region").agg(folkemengde=("folkemengde", "sum"),
                                   antall_kommuner=("kommunenummer", "size"))


# ----------------------------------------------------------------------------- BA regions
@lru_cache(maxsize=None)
def ba_file(code_year: int) -> pd.DataFrame:
    ba = read(f"ba_regioner_{code_year}_kommuner.csv", ["kommunenummer", "fylkesnummer"])
    ba["kommunenummer"] = ba["kommunenummer"].replace(BA_RECODE[code_year])
    ba["fylkesnummer"] = ba["kommunenummer"].str[:2]
    assert set(ba.kommunenummer) == set(valid(code_year)), code_year
    return ba.set_index("kommunenummer", drop=False)


def ba_classification_year(year: int) -> int:
    return 2024 if year >= 2024 else 2020


@lru_cache(maxsize=None)
def ba_of_year_codes(year: int) -> pd.Series:
    """BA number of every kommune valid in `year` (largest share where a kommune maps to several)."""
    cy = ba_classification_year(year)
    ba = ba_file(cy)["ba_nr"]
    out = {}
    shares: dict[str, dict[int, float]] = {}
    for c, t, w in links(year, cy):
        s = shares.setdefault(c, {})
        s[int(ba[t])] = s.get(int(ba[t]), 0.0) + w
    for c, s in shares.items():
        out[c] = max(s, key=s.get)
    return pd.Series(out)


def ba_cohesion(pid: str, year: int) -> pd.DataFrame:
    a = assign(pid, year).copy()
    a["ba_nr"] = a["kommunenummer"].map(ba_of_year_codes(year))
    a["folkemengde"] = a["kommunenummer"].map(population(year))
    regions_per_ba = a.groupby("ba_nr")["region"].nunique()
    a["split"] = a["ba_nr"].map(regions_per_ba) > 1
    rows = {}
    for region, g in a.groupby("region"):
        rows[region] = {
            "ba_regioner": int(g["ba_nr"].nunique()),
            "ba_delt": int(g.loc[g.split, "ba_nr"].nunique()),
            "bosatt_delt_ba": int(g.loc[g.split, "folkemengde"].sum()),
            "ba_delt_nr": sorted(int(x) for x in g.loc[g.split, "ba_nr"].unique()),
            "ba_klassifisering": 2020,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def ba_names(code_year: int) -> dict[int, str]:
    b = ba_file(code_year)
    return dict(zip(b.ba_nr.astype(int), b.ba_navn))


# ----------------------------------------------------------------------------- history
def history(pid: str) -> pd.DataFrame:
    """Chain-linked index per region and Norway; brudd where the year's boundary is approximate."""
    rows = []
    index = {}
    prev_pop = None
    nat_index = 100.0
    for year in YEARS:
        a = assign(pid, year)
        pop = population(year)
        level = region_population(pid, year)["folkemengde"]
        brudd = set()
        for touches in a.loc[~a.exact, "touches"]:
            brudd.update(touches)
        regions = PROPOSALS[pid]["regions"]
        if year == YEARS[0]:
            for r in regions:
                index[r] = 100.0
        else:
            prev = population(year - 1)
            num: dict[str, float] = {}
            den: dict[str, float] = {}
            for old, new in components(year - 1, year):
                # region of the component: majority of the new year's population as assigned
                by_region: dict[str, float] = {}
                for c in new:
                    r = a.loc[c, "region"]
                    by_region[r] = by_region.get(r, 0.0) + float(pop[c])
                a_prev = assign(pid, year - 1)
                for c in old:
                    by_region.setdefault(a_prev.loc[c, "region"], 0.0)
                if len(by_region) > 1:
                    brudd.update(by_region)
                r = max(by_region, key=by_region.get)
                num[r] = num.get(r, 0.0) + sum(float(pop[c]) for c in new)
                den[r] = den.get(r, 0.0) + sum(float(prev[c]) for c in old)
            for r in regions:
                # a region none of whose land of the year before is counted in it: not followed
                index[r] = index[r] * num[r] / den[r] if den.get(r) else float("nan")
            nat_index = 100.0 * pop.sum() / population(YEARS[0]).sum()
        for r in regions:
            lost = index[r] != index[r]
            rows.append({"region": r, "aar": year,
                         "folkemengde": int(level[r]) if r in level.index else None,
                         "indeks": None if lost else index[r], "brudd": r in brudd or lost})
        rows.append({"region": "Norge", "aar": year, "folkemengde": int(pop.sum()),
                     "indeks": nat_index, "brudd": False})
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- areas
@lru_cache(maxsize=None)
def layer(name: str) -> gpd.GeoDataFrame:
    g = gpd.read_file(RAW / name).to_crs(CRS)
    g["areal_km2"] = g.geometry.area / 1e6
    return g


@lru_cache(maxsize=None)
def atoms() -> pd.Series:
    g = layer("kommuner_2024_robhop_S.geojson")
    return g.set_index("kommunenummer")["areal_km2"]


@lru_cache(maxsize=None)
def _fylke17_share() -> dict[tuple[str, str], float]:
    """Share of each 2019 kommune polygon lying in each 2016/2017 fylke (2017 layer)."""
    k19 = layer("kommuner_2019_csmaps.geojson")
    f17 = layer("fylker_2017_geonorge_full.geojson")
    inter = gpd.overlay(k19[["kommunenummer", "geometry"]], f17[["fylkesnummer", "geometry"]],
                        how="intersection", keep_geom_type=True)
    inter["a"] = inter.geometry.area
    tot = inter.groupby("kommunenummer")["a"].sum()
    return {(k, f): a / tot[k] for k, f, a in zip(inter.kommunenummer, inter.fylkesnummer, inter.a)}


def _weight_2019(code: str, year: int) -> float:
    """Relative area weight of a kommune of `year` (≤ 2019) from the 2019 kommune layer."""
    a19 = layer("kommuner_2019_csmaps.geojson").set_index("kommunenummer")["areal_km2"]
    targets = forward(code, 2019)
    total = 0.0
    kl = code_list()
    for t, w in targets:
        # several kommuner of `year` merged into t before 2019: divide t by the 2017 fylke
        # layer where they lie in different fylker, else they are not separable (weight split
        # evenly; only used when they fall in different regions, which no built-in needs)
        siblings = [c for c in valid(year) if any(tt == t for tt, _ in forward(c, 2019))]
        if len(siblings) == 1:
            total += w * a19[t]
            continue
        f = kl.loc[code, "fylkesnummer"]
        same = [c for c in siblings if kl.loc[c, "fylkesnummer"] == f]
        share = _fylke17_share().get((t, f), 0.0) if year <= 2017 else 1.0
        if year >= 2018:
            share = 1.0 / len(siblings)
        total += w * a19[t] * share / len(same)
    return total


def kommune_area(year: int) -> pd.Series:
    """Area (km²) of every kommune valid in `year`, on the 2024 layer's basis, with land moved
    without a code change counted where it lay in `year` (tests/independent/overlay.py)."""
    import overlay  # the other independent script (it imports this one)

    return overlay.kommune_area(year)


@lru_cache(maxsize=None)
def code_area(year: int) -> pd.Series:
    """Area (km²) of every kommune valid in `year`, on the 2024 layer's basis, following the
    code list alone."""
    at = atoms()
    out: dict[str, float] = {}
    for old, new in components(year, 2024):
        total = float(sum(at[c] for c in new))
        if len(old) == 1:
            out[next(iter(old))] = total
            continue
        if year >= 2020:
            raise AssertionError(f"unexpected merge after {year}: {old}")
        w = {c: _weight_2019(c, year) for c in old}
        s = sum(w.values())
        for c in old:
            out[c] = total * w[c] / s
    return pd.Series(out)


def region_area(pid: str, year: int) -> pd.Series:
    a = assign(pid, year).copy()
    a["areal_km2"] = a["kommunenummer"].map(kommune_area(year))
    return a.groupby("region")["areal_km2"].sum()


# ----------------------------------------------------------------------------- code audit
def code_audit() -> list[dict]:
    """Every code in every raw file checked against the code list of the file's year."""
    problems = []

    def check(file, year, codes, kind="kommune", rows=None):
        ok = valid(year) if kind == "kommune" else valid_fylker(year)
        for i, c in enumerate(codes):
            if pd.isna(c) or c not in ok:
                problems.append({"file": file, "row": (rows[i] if rows is not None else i + 2),
                                 "code": c, "year": year, "kind": kind})

    p = population_all()
    for year, g in p.groupby("aar"):
        check("befolkning_kommune_1jan_2005_2026_ssb07459.csv", year, list(g.kommunenummer),
              rows=list(g.index + 2))
        bad = g[g.kommunenummer.str[:2] != g.fylkesnummer]
        for i, r in bad.iterrows():
            problems.append({"file": "befolkning_kommune", "row": i + 2, "code": r.fylkesnummer,
                             "year": year, "kind": "fylke≠prefix"})
        missing = set(valid(year)) - set(g.kommunenummer)
        for c in sorted(missing):
            problems.append({"file": "befolkning_kommune", "row": None, "code": c, "year": year,
                             "kind": "missing"})
    pf = read("befolkning_fylke_1jan_2005_2026_ssb07459.csv", ["fylkesnummer"])
    for year, g in pf.groupby("aar"):
        check("befolkning_fylke_1jan_2005_2026_ssb07459.csv", year, list(g.fylkesnummer), "fylke",
              rows=list(g.index + 2))
    for cy in (2020, 2024):
        name = f"ba_regioner_{cy}_kommuner.csv"
        ba = read(name, ["kommunenummer", "fylkesnummer"])
        check(name, cy, list(ba.kommunenummer))
        check(name, cy, list(ba.fylkesnummer), "fylke")
        known = ba[ba.kommunenummer.isin(valid(cy))]
        wrong = known[known.fylkesnummer != known.kommunenummer.map(code_list().fylkesnummer)]
        for i, r in wrong.iterrows():
            problems.append({"file": name, "row": i + 2, "code": r.fylkesnummer, "year": cy,
                             "kind": "fylke of kommune"})
    for name, year in [("kommuner_2019_csmaps.geojson", 2019), ("kommuner_2020_csmaps.geojson", 2020),
                       ("kommuner_2024_robhop_S.geojson", 2024)]:
        g = gpd.read_file(RAW / name)
        check(name, year, list(g.kommunenummer))
        check(name, year, list(g.fylkesnummer), "fylke")
        for c in sorted(set(valid(year)) - set(g.kommunenummer)):
            problems.append({"file": name, "row": None, "code": c, "year": year, "kind": "missing"})
    for name, year in [("fylker_2017_geonorge_full.geojson", 2017), ("fylker_2019_csmaps.geojson", 2019),
                       ("fylker_2020_robhop_small.geojson", 2020), ("fylker_2024_robhop_S.geojson", 2024)]:
        g = gpd.read_file(RAW / name)
        check(name, year, list(g.fylkesnummer), "fylke")
    k16 = read("kommune2016_til_fylke_2018_2019_2020_2024.csv",
               [c for c in pd.read_csv(RAW / "kommune2016_til_fylke_2018_2019_2020_2024.csv", nrows=0).columns
                if c.startswith(("kommunenummer", "fylke"))])
    for y in (2016, 2018, 2019, 2020, 2024):
        col = k16[f"kommunenummer_{y}"]
        # a 2016 kommune later split lists all its successors, ';'-separated
        check("kommune2016_til_fylke_2018_2019_2020_2024.csv", y,
              [c for v in col for c in v.split(";")],
              rows=[i + 2 for i, v in enumerate(col) for _ in v.split(";")])
        check("kommune2016_til_fylke_2018_2019_2020_2024.csv", y, list(k16[f"fylke_{y}"]), "fylke")
    for name, col in [("areal_fylke_19.csv", "fylkesnummer"),
                      ("sysselsatte_aku_fylke_2015_2016.csv", "fylkesnummer")]:
        check(name, 2016, list(read(name, [col])[col]), "fylke")
    nav = read("nav_kontor_2016_tabell1.csv", ["fylker"])
    for i, s in enumerate(nav.fylker):
        check("nav_kontor_2016_tabell1.csv", int(nav.vintage[i]), s.split(";"), "fylke",
              rows=[i + 2] * len(s.split(";")))
    units = read("nav_fylkesledd_fra_2019.csv", ["fylkesnummer_2016"])
    for i, s in enumerate(units.fylkesnummer_2016):
        check("nav_fylkesledd_fra_2019.csv", 2016, s.split(";"), "fylke",
              rows=[i + 2] * len(s.split(";")))
    # the code list itself: successors must exist in the year after the code's last year
    kl = code_list()
    for c, r in kl.iterrows():
        for s, _ in successors(c):
            if s not in valid(int(r.siste_aar_1jan) + 1):
                problems.append({"file": "kommuner_2005_2026_kodeliste.csv", "row": None,
                                 "code": f"{c}→{s}", "year": int(r.siste_aar_1jan) + 1,
                                 "kind": "successor"})
        if pd.isna(r.etterfolger_kommunenummer) and r.siste_aar_1jan < 2026:
            problems.append({"file": "kommuner_2005_2026_kodeliste.csv", "row": None, "code": c,
                             "year": int(r.siste_aar_1jan), "kind": "no successor"})
    return problems


# ----------------------------------------------------------------------------- expected values
CASES = [("nav-2016-11", 2016), ("nav-2016-11", 2019), ("nav-2016-11", 2020),
         ("nav-2019-12", 2019), ("nav-2019-12", 2016), ("nav-2019-12", 2024),
         ("fylker-2024", 2024), ("fylker-2020", 2024), ("fylker-2020", 2020),
         ("fylker-2016", 2016)]
# A held-out kommune-level proposal of vintage 2024 (tests/fixtures), in every year: Haram,
# Hamarøy and Heim/Hitra/Orkland in regions of their own (kommuner split or re-established).
HELD_OUT = ROOT / "tests" / "fixtures" / "forslag_2024_delte_kommuner.yaml"
CASES += [("test-2024-delte", year) for year in YEARS]


def figures(pid: str, year: int) -> dict:
    pop = region_population(pid, year)
    ba = ba_cohesion(pid, year)
    area = region_area(pid, year)
    out = {}
    names = ba_names(ba_classification_year(year))
    for r in PROPOSALS[pid]["regions"]:
        if r not in pop.index:  # no kommune of the year is counted in the region
            out[r] = {"folkemengde": None, "antall_kommuner": 0}
            continue
        out[r] = {"folkemengde": int(pop.loc[r, "folkemengde"]),
                  "antall_kommuner": int(pop.loc[r, "antall_kommuner"]),
                  "areal_km2": round(float(area[r]), 1),
                  "ba_regioner": int(ba.loc[r, "ba_regioner"]),
                  "ba_delt": int(ba.loc[r, "ba_delt"]),
                  "bosatt_delt_ba": int(ba.loc[r, "bosatt_delt_ba"]),
                  "ba_delt_navn": [names[n] for n in ba.loc[r, "ba_delt_nr"]]}
    return out


def area_vs_ssb() -> dict:
    """Deviation (%) of the one-basis polygon areas of 2016 fylker from SSB's 2013 totals."""
    pid = proposal("fylker-2016")
    a = assign(pid, 2016).copy()
    a["fylke"] = a["kommunenummer"].map(code_list().fylkesnummer)
    a["areal"] = a["kommunenummer"].map(kommune_area(2016))
    ours = a.groupby("fylke")["areal"].sum()
    ssb = read("areal_fylke_19.csv", ["fylkesnummer"]).set_index("fylkesnummer")
    out = {}
    for f, r in ssb.iterrows():
        if pd.notna(r.totalareal_km2_ssb2013):
            out[f] = {"ssb": float(r.totalareal_km2_ssb2013), "basis": round(float(ours[f]), 1),
                      "avvik_pst": round(100 * (ours[f] / r.totalareal_km2_ssb2013 - 1), 2)}
    return out


def split_ba_total(pid: str, year: int) -> list[int]:
    """[BA-regions split by any border of the proposal, everyone living in them] (comparison)."""
    a = assign(pid, year).copy()
    a["ba"] = a["kommunenummer"].map(ba_of_year_codes(year))
    a["pop"] = a["kommunenummer"].map(population(year))
    n = a.groupby("ba")["region"].nunique()
    split = n[n > 1].index
    return [int(len(split)), int(a.loc[a["ba"].isin(split), "pop"].sum())]


def regression() -> dict:
    """The cases named in issue 9, with the values this script computes."""
    for pid in ["fylker-2016", "fylker-2020", "fylker-2024", "nav-2016-11", "nav-2019-12"]:
        proposal(pid)
    nav19 = ba_cohesion("nav-2019-12", 2019)
    names20 = ba_names(2020)
    h16 = history("nav-2016-11").set_index(["region", "aar"])
    h19 = history("nav-2019-12").set_index(["region", "aar"])
    tvb = "Telemark, Vestfold og Buskerud"
    return {
        "nav-2019-12|2019|NAV Innlandet|ba_regioner": int(nav19.loc["NAV Innlandet", "ba_regioner"]),
        "nav-2019-12|2019|NAV Innlandet|ba_delt": int(nav19.loc["NAV Innlandet", "ba_delt"]),
        "nav-2019-12|2019|NAV Innlandet|bosatt_delt_ba": int(nav19.loc["NAV Innlandet", "bosatt_delt_ba"]),
        "nav-2019-12|2019|NAV Møre og Romsdal|ba_delt_navn":
            [names20[n] for n in nav19.loc["NAV Møre og Romsdal", "ba_delt_nr"]],
        "nav-2019-12|2019|NAV Vest-Viken|ba_delt_navn":
            [names20[n] for n in nav19.loc["NAV Vest-Viken", "ba_delt_nr"]],
        "fylker-2024|2024|Møre og Romsdal|ba_delt_navn":
            [ba_names(2024)[n] for n in ba_cohesion("fylker-2024", 2024).loc["Møre og Romsdal", "ba_delt_nr"]],
        "nav-2019-12|2019|NAV Rogaland|bosatt_delt_ba": int(nav19.loc["NAV Rogaland", "bosatt_delt_ba"]),
        "nav-2019-12|2019|NAV Vestland|bosatt_delt_ba": int(nav19.loc["NAV Vestland", "bosatt_delt_ba"]),
        "nav-2019-12|2019|NAV Vest-Viken|folkemengde (= Buskerud + Asker + Bærum)":
            int(region_population("nav-2019-12", 2019).loc["NAV Vest-Viken", "folkemengde"]),
        "nav-2016-11|Telemark, Vestfold og Buskerud|indeks 2019, 2020":
            [round(h16.loc[(tvb, 2019), "indeks"], 3), round(h16.loc[(tvb, 2020), "indeks"], 3)],
        "nav-2016-11|2020|brudd": sorted(r for (r, y), v in h16["brudd"].items() if y == 2020 and v),
        "nav-2019-12|NAV Vestfold og Telemark|indeks 2019, 2020":
            [round(h19.loc[("NAV Vestfold og Telemark", 2019), "indeks"], 3),
             round(h19.loc[("NAV Vestfold og Telemark", 2020), "indeks"], 3)],
        "nav-2019-12|2020|brudd": sorted(r for (r, y), v in h19["brudd"].items() if y == 2020 and v),
        "areal|Rogaland (fylker-2016 2016, nav-2019-12 2019, fylker-2020 2020, fylker-2024 2024)": [
            round(float(region_area(p, y)[r]), 1) for p, y, r in
            [("fylker-2016", 2016, "Rogaland"), ("nav-2019-12", 2019, "NAV Rogaland"),
             ("fylker-2020", 2020, "Rogaland"), ("fylker-2024", 2024, "Rogaland")]],
        **{f"balanse|{p}|{y}|ba_delt, bosatt_delt_ba": split_ba_total(p, y) for p, y in
           [("fylker-2016", 2016), ("nav-2016-11", 2016), ("nav-2019-12", 2016),
            ("fylker-2020", 2024), ("fylker-2024", 2024)]},
        "areal|Nordland (nav-2016-11 2016, nav-2019-12 2019)": [
            round(float(region_area("nav-2016-11", 2016)["Nordland"]), 1),
            round(float(region_area("nav-2019-12", 2019)["NAV Nordland"]), 1)],
    }


def main() -> None:
    problems = code_audit()
    print(f"{len(problems)} code problems")
    for p in problems:
        print("  ", p)
    for pid in ["fylker-2016", "fylker-2020", "fylker-2024", "nav-2016-11", "nav-2019-12"]:
        proposal(pid)
    proposal(HELD_OUT)
    expected = {
        "note": ("Computed by tests/independent/recompute.py, which does not import regionanalyse; "
                 "it reads data/raw with pandas/geopandas. BA files recoded 1567→5061, "
                 "3444→3053/3236, 3445→3054/3234 (2020/2024 codes). Population 1 January of the "
                 "year (SSB 07459); BA classification 2020 mapped to the year's codes before 2024, "
                 "csdata's 2024 recoding from 2024; bosatt_delt_ba = the region's own residents in "
                 "BA-regions its border splits. Areas: kommuner_2024_robhop_S (EPSG:25833) carried "
                 "back through code changes, land moved without a code change (overlay.py: pieces of the "
                 "2019/2020 layers in unlinked 2024 kommuner, inscribed radius ≥ 1 200 m, geodesic "
                 "areas) counted where it lay. Index: chain-linked on connected components of each "
                 "year step, 2005 = 100."),
        "code_problems": problems,
        "figures": {f"{pid}|{year}": figures(pid, year) for pid, year in CASES},
        "national": {str(y): {"folkemengde": int(population(y).sum()),
                              "areal_km2": round(float(kommune_area(y).sum()), 1)}
                     for y in (2005, 2016, 2019, 2020, 2024, 2026)},
        "history": {},
        "area_vs_ssb2013": area_vs_ssb(),
        "regression": regression(),
    }
    for pid in ["nav-2016-11", "nav-2019-12", "fylker-2016", "fylker-2020", "fylker-2024",
                "test-2024-delte"]:
        h = history(pid)
        expected["history"][pid] = [
            {k: (round(v, 3) if isinstance(v, float) else v) for k, v in row.items()}
            for row in h.to_dict("records")]
    out = Path(__file__).with_name("expected.json")
    out.write_text(json.dumps(expected, ensure_ascii=False, indent=1, default=int) + "\n",
                   encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    sys.exit(main())
