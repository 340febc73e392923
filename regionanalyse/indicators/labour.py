"""Labour-market cohesion: SSB's BA-regions against the proposal's borders."""
from __future__ import annotations

import pandas as pd

from ..model import Proposal
from ..sources import codes, geometry, labour, population
from ..territory import membership


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
