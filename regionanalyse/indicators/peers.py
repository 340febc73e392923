"""A region's rank among the proposal's regions."""
from __future__ import annotations

import pandas as pd

from .keyfigures import KeyFigures


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
