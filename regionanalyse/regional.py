"""Analyses behind a region appendix: kommuner, population history, peers, labour-market cohesion."""
from __future__ import annotations

import geopandas as gpd
import pandas as pd

from . import membership
from .data import codes, geometry, labour, population
from .figures import KeyFigures
from .proposals import Proposal, find_seat


def kommune_table(proposal: Proposal, region: str, year: int) -> pd.DataFrame:
    """The region's kommuner in `year` codes with population and age shares, largest first."""
    assigned = membership.assign(proposal, year)
    pop = population.kommune_population(year)
    table = assigned[assigned["region"] == region].merge(pop, on="kommunenummer")
    for col in population.AGE_COLUMNS:
        table[f"{col}_pst"] = 100 * table[col] / table["folkemengde"]
    cols = ["kommunenummer", "kommunenavn", "folkemengde",
            *[f"{c}_pst" for c in population.AGE_COLUMNS], "exact", "note"]
    return table.sort_values("folkemengde", ascending=False)[cols].reset_index(drop=True)


def population_history(proposal: Proposal, region: str | None = None) -> pd.DataFrame:
    """Population 2005–2026 of a region (or each region) and Norway, index 2005 = 100.

    Columns: aar, region, folkemengde, indeks, exact (False where code changes make the
    year's region boundary approximate).
    """
    rows = []
    for year in population.YEARS:
        assigned = membership.assign(proposal, year)
        if region is not None:
            assigned = assigned[assigned["region"] == region]
        pop = population.kommune_population(year)
        merged = assigned.merge(pop[["kommunenummer", "folkemengde"]], on="kommunenummer")
        for name, group in merged.groupby("region"):
            rows.append({"aar": year, "region": name, "folkemengde": int(group["folkemengde"].sum()),
                         "exact": bool(group["exact"].all())})
        rows.append({"aar": year, "region": "Norge", "exact": True,
                     "folkemengde": population.national_population(year)})
    table = pd.DataFrame(rows)
    base = table[table["aar"] == population.YEARS[0]].set_index("region")["folkemengde"]
    table["indeks"] = 100 * table["folkemengde"] / table["region"].map(base)
    return table


def peer_ranks(figures: KeyFigures, region: str) -> pd.DataFrame:
    """The region's rank among the proposal's regions on key figures (1 = largest)."""
    table = figures.table.set_index("region")
    rows = []
    for col, label in (("folkemengde", "Folkemengde"), ("areal_km2", "Areal"),
                       ("navkontor", "NAV-kontor 2016"),
                       ("innbyggere_per_navkontor", "Innbyggere per NAV-kontor"),
                       ("antall_kommuner", "Antall kommuner")):
        values = table[col].astype("Float64")
        value = values[region]
        known = values.dropna()
        rank = pd.NA if pd.isna(value) else int((known > value).sum() + 1)
        rows.append({"figur": col, "Nøkkeltall": label, "verdi": value, "rang": rank,
                     "av": len(known), "median": known.median() if len(known) else pd.NA})
    return pd.DataFrame(rows)


def region_kommuner_geo(proposal: Proposal) -> gpd.GeoDataFrame:
    """Kommune polygons of the proposal's kommune layer with their region."""
    layer = geometry.kommune_layer_year(proposal.vintage)
    assigned = membership.assign(proposal, layer)
    return geometry.kommuner(layer).merge(assigned, on="kommunenummer", how="left")


def ba_cohesion(proposal: Proposal, year: int) -> pd.DataFrame:
    """BA-regions with the proposal regions they fall in; `split` where a border cuts one.

    Columns: ba_nr, ba_navn, regions (list), split, folkemengde (BA population, 1 January of
    the population year used), pop_year.
    """
    code_year = labour.ba_year(year)
    pop_year = year if year >= 2020 else 2020
    ba = labour.ba_regions(code_year)
    assigned = membership.assign(proposal, code_year)
    pop = population.kommune_population(pop_year)[["kommunenummer", "folkemengde"]]
    merged = ba.merge(assigned, on="kommunenummer").merge(pop, on="kommunenummer", how="left")
    rows = []
    for (nr, navn), group in merged.groupby(["ba_nr", "ba_navn"]):
        regions = list(dict.fromkeys(group.sort_values("folkemengde", ascending=False)["region"]))
        rows.append({"ba_nr": nr, "ba_navn": navn, "regions": regions, "split": len(regions) > 1,
                     "folkemengde": int(group["folkemengde"].sum()), "pop_year": pop_year,
                     "kommuner": list(group["kommunenummer"])})
    return pd.DataFrame(rows)


def split_ba_kommuner(proposal: Proposal, region: str, year: int) -> set[str]:
    """Kommuner (in the kommune layer's codes) of BA-regions that the region's border cuts."""
    ba = ba_cohesion(proposal, year)
    cut = ba[ba["split"] & ba["regions"].map(lambda r: region in r)]
    ba_codes = {k for kommuner in cut["kommuner"] for k in kommuner}
    cross = codes.crosswalk(labour.ba_year(year), geometry.kommune_layer_year(proposal.vintage))
    return set(cross.loc[cross["code_from"].isin(ba_codes), "code_to"])


def seat_kommune(proposal: Proposal, region: str) -> tuple[str, str, bool]:
    """(kommunenummer in the kommune layer, name, is_official_seat) for distance measures.

    Without a seat in the proposal, the region's most populous kommune is used and
    is_official_seat is False, so the report can say so.
    """
    spec = proposal.region(region)
    layer = geometry.kommune_layer_year(proposal.vintage)
    if spec.seat:
        seat = find_seat(proposal, spec.seat)
        code = codes.crosswalk(proposal.vintage, layer)
        target = code.loc[code["code_from"] == seat["kommunenummer"], "code_to"].iloc[0]
        return target, seat["kommunenavn"], True
    biggest = kommune_table(proposal, region, layer).iloc[0]
    return biggest["kommunenummer"], biggest["kommunenavn"], False


def seat_distances(proposal: Proposal, region: str) -> pd.DataFrame:
    """Straight-line distance (km, EPSG:25833) from the seat's centroid to each kommune's."""
    geo = region_kommuner_geo(proposal)
    seat_code, _, _ = seat_kommune(proposal, region)
    points = geo.set_index("kommunenummer").geometry.representative_point()
    seat_point = points[seat_code]
    inside = geo[geo["region"] == region]
    out = pd.DataFrame({"kommunenummer": inside["kommunenummer"], "kommunenavn": inside["kommunenavn"],
                        "avstand_km": points[inside["kommunenummer"]].distance(seat_point).values / 1000})
    return out.sort_values("avstand_km", ascending=False).reset_index(drop=True)


def detached_parts(proposal: Proposal, gap_m: float = 20_000) -> dict[str, list[list[str]]]:
    """Per region, the kommune names of parts lying more than ~2×`gap_m` from the main part.

    Kommuner are grown by `gap_m` before dissolving, so islands and fjords near the coast
    count as connected; a region made of separate areas (e.g. Oslo with Finnmark) does not.
    """
    geo = region_kommuner_geo(proposal)
    out = {}
    for region, group in geo.groupby("region", sort=False):
        parts = gpd.GeoSeries(group.buffer(gap_m).union_all(), crs=group.crs).explode(index_parts=False)
        if len(parts) < 2:
            continue
        points = group.geometry.representative_point()
        parts = parts.iloc[parts.area.argsort()[::-1]]  # largest first
        detached = [list(group.loc[points.within(part), "kommunenavn"]) for part in parts.iloc[1:]]
        if any(detached):
            out[region] = [names for names in detached if names]
    return out
