"""The sea edges of the neighbour graph the alternatives were drawn on, for the method annex:
bridges, tunnels and ferries between kommuner, and (with fylke units) the fylke pairs that are
neighbours only through them."""
from __future__ import annotations

import pandas as pd

from ..sources import codes
from ..territory.adjacency import sea_edges, units

KINDS = {"bru": "bru", "tunnel": "tunnel", "ferje": "ferje"}


def kommune_crossings(year: int) -> pd.DataFrame:
    """Every sea edge of the kommune graph of `year` (codes and names of the map layer it is
    drawn on), with Norwegian headings: Kommuner, Type, Forbindelse, Kilde, Avstand (km)."""
    sea = sea_edges(year)
    return pd.DataFrame({
        "Kommuner": [f"{na} ({a}) – {nb} ({b})" for a, na, b, nb in
                     sea[["kommune_a", "navn_a", "kommune_b", "navn_b"]].itertuples(index=False)],
        "Type": sea["type"].map(KINDS).fillna(sea["type"]),
        "Forbindelse": sea["forbindelse"],
        "Kilde": sea["kilde"],
        "Avstand (km)": sea["avstand_km"].round(1),
    })


def fylke_crossings(year: int) -> pd.DataFrame:
    """The fylke pairs of `year` that are neighbours only over sea, each with the kommune
    crossings behind it: Fylker, Kommuner, Type, Forbindelse, Kilde (one row per crossing)."""
    fedges = units(year, "fylke").edges
    sea_only = {frozenset(p) for p in fedges.loc[fedges["type"] == "sjø", ["a", "b"]].to_numpy()}
    nodes = units(year, "kommune").nodes
    fylker_of = nodes.groupby("layer_kode")["fylkesnummer"].agg(set).to_dict()
    names = codes.fylke_codes(year).set_index("fylkesnummer")["fylkesnavn"]
    crossings = kommune_crossings(year)
    rows = []
    for sea, crossing in zip(sea_edges(year).itertuples(index=False), crossings.itertuples(index=False)):
        for fa in sorted(fylker_of.get(sea.kommune_a, ())):
            for fb in sorted(fylker_of.get(sea.kommune_b, ())):
                if frozenset((fa, fb)) in sea_only:
                    a, b = sorted((fa, fb))
                    rows.append({"Fylker": f"{names.get(a, a)} – {names.get(b, b)}",
                                 "Kommuner": crossing.Kommuner, "Type": crossing.Type,
                                 "Forbindelse": crossing.Forbindelse, "Kilde": crossing.Kilde})
    return pd.DataFrame(rows, columns=["Fylker", "Kommuner", "Type", "Forbindelse", "Kilde"]
                        ).sort_values(["Fylker", "Kommuner"]).reset_index(drop=True)
