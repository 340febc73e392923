"""Labour-market cohesion: SSB's BA-regions against the proposal's borders.

The classification follows the year: SSB's 2020 classification (2020 kommune codes) mapped
through the code changes for years before 2024, csdata's 2024 recoding of it from 2024. The
population is that of 1 January of the same year, in that year's kommune codes.
"""
from __future__ import annotations

import pandas as pd

from ..memo import memo
from ..model import Proposal
from ..sources import geometry, labour, population, succession
from ..territory import membership


@memo(None)
def ba_of_kommuner(year: int) -> pd.DataFrame:
    """Every kommune valid in `year` with its BA-region (kommunenummer, ba_nr, ba_navn).

    A kommune of `year` that became parts of several kommuner of the classification's code
    year (e.g. Tysfjord 2019) gets the BA-region of its largest part.
    """
    code_year = labour.ba_year(year)
    ba = labour.ba_regions(code_year)[["kommunenummer", "ba_nr", "ba_navn"]]
    cross = succession.crosswalk(year, code_year).merge(ba, left_on="code_to", right_on="kommunenummer")
    cross = cross.groupby(["code_from", "ba_nr", "ba_navn"], as_index=False)["weight"].sum()
    cross = cross.sort_values(["code_from", "weight"], ascending=[True, False])
    out = cross.drop_duplicates("code_from").rename(columns={"code_from": "kommunenummer"})
    return out[["kommunenummer", "ba_nr", "ba_navn"]].reset_index(drop=True)


def _kommuner(proposal: Proposal, year: int) -> pd.DataFrame:
    assigned = membership.assign(proposal, year)[["kommunenummer", "region"]]
    pop = population.kommune_population(year)[["kommunenummer", "folkemengde"]]
    return (assigned.merge(ba_of_kommuner(year), on="kommunenummer")
            .merge(pop, on="kommunenummer", how="left"))


def ba_cohesion(proposal: Proposal, year: int) -> pd.DataFrame:
    """BA-regions with the proposal regions they fall in; `delt` where a border cuts one.

    Columns: ba_nr, ba_navn, regioner (list, largest share first), delt, folkemengde (BA
    population 1 January `year`), bosatt_per_region (dict region → residents), kommuner (codes
    of `year`), aar (= year), ba_klassifisering (code year of the classification file used).
    Computed once per proposal and year; each call gets a copy.
    """
    return _ba_cohesion(proposal, year)


@memo(64)
def _ba_cohesion(proposal: Proposal, year: int) -> pd.DataFrame:
    merged = _kommuner(proposal, year)
    keys = ["ba_nr", "ba_navn"]
    # residents per BA-region and proposal region, largest first (ties in region order)
    shares = (merged.groupby([*keys, "region"])["folkemengde"].sum().reset_index()
              .sort_values([*keys, "folkemengde"], ascending=[True, True, False], kind="stable"))
    kommuner = merged.groupby(keys)["kommunenummer"].agg(list)
    rows = []
    for (nr, navn), group in shares.groupby(keys, sort=True):
        per_region = dict(zip(group["region"], group["folkemengde"].astype(int)))
        rows.append({"ba_nr": nr, "ba_navn": navn, "regioner": list(per_region),
                     "delt": len(per_region) > 1, "folkemengde": int(group["folkemengde"].sum()),
                     "bosatt_per_region": per_region, "kommuner": kommuner[(nr, navn)],
                     "aar": year, "ba_klassifisering": labour.ba_year(year)})
    return pd.DataFrame(rows)


def ba_summary(proposal: Proposal, year: int) -> pd.DataFrame:
    """Per region: BA-regions with kommuner in it, those its border splits, and residents.

    Columns: region, ba_regioner, ba_delt, bosatt_delt_ba (the region's OWN residents living
    in split BA-regions), bosatt_delt_ba_andre (residents of those BA-regions on the other
    side of the border), ba_klassifisering, aar. Index: region.
    """
    ba = ba_cohesion(proposal, year)
    rows = []
    for region in proposal.regions:
        name = region.name
        mine = ba[ba["regioner"].map(lambda rs: name in rs)]
        split = mine[mine["delt"]]
        own = sum(p[name] for p in split["bosatt_per_region"])
        rows.append({"region": name, "ba_regioner": len(mine), "ba_delt": len(split),
                     "bosatt_delt_ba": int(own),
                     "bosatt_delt_ba_andre": int(split["folkemengde"].sum() - own),
                     "ba_klassifisering": labour.ba_year(year), "aar": year})
    return pd.DataFrame(rows).set_index("region", drop=False)


def split_ba_kommuner(proposal: Proposal, region: str, year: int) -> set[str]:
    """Kommuner (in the kommune layer's codes) of BA-regions that the region's border cuts."""
    ba = ba_cohesion(proposal, year)
    cut = ba[ba["delt"] & ba["regioner"].map(lambda r: region in r)]
    ba_codes = {k for kommuner in cut["kommuner"] for k in kommuner}
    cross = succession.crosswalk(year, geometry.kommune_layer_year(proposal.vintage))
    return set(cross.loc[cross["code_from"].isin(ba_codes), "code_to"])
