"""A region's rank among the proposal's regions."""
from __future__ import annotations

import pandas as pd

from .keyfigures import KeyFigures


def peer_ranks(figures: KeyFigures, region: str) -> pd.DataFrame:
    """The region's rank among the proposal's regions on key figures (1 = largest); `delt`:
    how many other regions have the same value (they share the ranks rang … rang + delt)."""
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
        tied = 0 if pd.isna(value) else int((known == value).sum() - 1)
        # a median over some of the regions is not the proposal's median: only when all known
        rows.append({"figur": col, "Nøkkeltall": label, "verdi": value, "rang": rank, "delt": tied,
                     "av": len(known), "regioner": len(values),
                     "median": known.median() if len(known) == len(values) else pd.NA})
    return pd.DataFrame(rows)
