"""Land the map moved between kommuner without a code change (border adjustments).

The code list records mergers and splits, not border adjustments: Bjørke and Viddal went from
Ørsta to Volda in 2020 and both kept their codes. Laying an older kommune layer over a newer one
finds such land: a piece of kommune A's older polygon lying in kommune B's newer polygon, where
the code list does not carry A (or part of it) to B.

Generalised layers disagree along every border, by slivers that add up to 26 km² along a long
border (Tolga/Tynset, 2019 against 2024) but are a few hundred metres thin. A piece counts as
moved land only where it keeps at least CORE_KM2 after shrinking it by SHRINK_M (measured on
the three layers: every moved piece keeps ≥ 1,4 km², every sliver ≤ 0,21 km²); the whole area
of such pieces is moved.
"""
from __future__ import annotations

import geopandas as gpd
import pandas as pd

from ..memo import memo
from . import geometry, succession
from .cache import cached, raw_path

SHRINK_M = 1000.0
CORE_KM2 = 0.5
COLUMNS = ["kommune_fra", "kommune_til", "areal_km2"]


@memo(None)
def moves(older: int, newer: int) -> pd.DataFrame:
    """Land moved from kommuner of layer `older` to kommuner of layer `newer` that the code
    list does not record. Columns: kommune_fra (code valid in `older`), kommune_til (code valid
    in `newer`), areal_km2 (area of the moved pieces, EPSG:25833); sorted by falling area."""
    sources = [raw_path(geometry.KOMMUNE_FILES[y]) for y in (older, newer)]
    return cached(f"flyttet-land-{older}-{newer}", sources, lambda: _moves(older, newer))


def _moves(older: int, newer: int) -> pd.DataFrame:
    left = geometry.kommune_polygons(older)[["kommunenummer", "geometry"]].rename(
        columns={"kommunenummer": "kommune_fra"})
    right = geometry.kommune_polygons(newer)[["kommunenummer", "geometry"]].rename(
        columns={"kommunenummer": "kommune_til"})
    recorded = succession.crosswalk(older, newer)
    recorded = set(zip(recorded["code_from"], recorded["code_to"]))
    pieces = gpd.overlay(left, right, how="intersection", keep_geom_type=True)
    pieces = pieces[[pair not in recorded for pair in
                     zip(pieces["kommune_fra"], pieces["kommune_til"])]]
    parts = pieces.explode(index_parts=False)
    core = parts.geometry.buffer(-SHRINK_M).area / 1e6
    parts = parts[core.to_numpy() >= CORE_KM2]
    out = (parts.assign(areal_km2=parts.geometry.area / 1e6)
           .groupby(["kommune_fra", "kommune_til"], as_index=False)["areal_km2"].sum())
    return out.sort_values(["areal_km2", "kommune_fra"], ascending=[False, True])[COLUMNS] \
        .reset_index(drop=True)
