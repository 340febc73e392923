"""The kommuner of a region with population and age shares."""
from __future__ import annotations

import pandas as pd

from ..model import Proposal
from ..sources import population
from ..territory import membership


def kommune_table(proposal: Proposal, region: str, year: int) -> pd.DataFrame:
    """The region's kommuner in `year` codes with population and age shares, largest first."""
    assigned = membership.assign(proposal, year)
    pop = population.kommune_population(year)
    table = assigned[assigned["region"] == region].merge(pop, on="kommunenummer")
    for col in population.AGE_COLUMNS:
        table[f"{col}_pst"] = 100 * table[col] / table["folkemengde"]
    cols = ["kommunenummer", "kommunenavn", "folkemengde",
            *[f"{c}_pst" for c in population.AGE_COLUMNS], "eksakt", "merknad"]
    return table.sort_values("folkemengde", ascending=False)[cols].reset_index(drop=True)
