"""Population history 2005–2026 on a proposal's borders."""
from __future__ import annotations

import pandas as pd

from ..model import Proposal
from ..sources import population
from ..territory import membership


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
