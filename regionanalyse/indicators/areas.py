"""Areas on one basis: the same territory has the same area in every year and proposal.

Every area comes from the finest kommune layer (kommuner_2024_robhop_S, clipped to the
coastline), carried back through the code changes: a kommune of an earlier year that is
whole in the 2024 layer gets the sum of its 2024 polygons. Where several kommuner of the year
share one group of 2024 polygons (mergers after the year, and the 2020 splits of Tysfjord and
Snillfjord), the group's area is divided by their areas in the 2019 kommune layer, and, for
kommuner merged before 2019 across a fylke border (Rissa and Leksvik → Indre Fosen), by the
2017 fylke layer. Group totals, and therefore every region that holds whole groups, are exact
sums of the 2024 layer.
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from ..model import Proposal
from ..sources import codes, geometry, succession
from ..sources.cache import cached, raw_path
from ..territory import membership

BASIS_LAYER = 2024
SHARE_LAYER = 2019
FYLKE_SHARE_LAYER = 2017
SOURCE = (f"{geometry.SOURCE}; areal beregnet fra kommunegrensene {BASIS_LAYER} og ført tilbake "
          f"gjennom kommuneendringene (sammenslåtte kommuner fordelt etter kommunegrensene "
          f"{SHARE_LAYER} og fylkesgrensene {FYLKE_SHARE_LAYER})")
# Measured: one-basis areas of the 2016 fylker against SSB's official total areas 2013
# (areal_fylke_19.csv, 15 fylker); checked in tests/test_consistency.py.
SSB_DEVIATION_NOTE = ("Arealene er beregnet fra kommunepolygoner (Kartverket) og avviker fra SSBs "
                      "offisielle totalareal (2013) med mellom −1,7 % (Vestfold) og +0,5 % (Oslo); "
                      "for 13 av 15 sammenlignbare fylker er avviket under 0,5 %.")


def _groups(year: int) -> tuple[tuple[frozenset, frozenset], ...]:
    """Groups of kommuner of `year` and of the basis layer covering the same land."""
    return succession.territory_groups(year, BASIS_LAYER)


@lru_cache(maxsize=None)
def _fylke_share(code_2019: str, fylke: str) -> float:
    """Share of a 2019 kommune polygon lying in a 2016/2017 fylke (2017 fylke layer)."""
    kommune = geometry.kommuner(SHARE_LAYER).set_index("kommunenummer").geometry[code_2019]
    fylker = geometry.fylker(FYLKE_SHARE_LAYER).set_index("fylkesnummer").geometry
    inside = {f: kommune.intersection(g).area for f, g in fylker.items() if g.intersects(kommune)}
    total = sum(inside.values())
    return inside.get(fylke, 0.0) / total if total else 0.0


def _share_weights(year: int, codes_of_year) -> dict[str, float]:
    """Relative area of kommuner of `year` (≤ 2019) inside their groups, from older layers."""
    areas19 = geometry.kommuner(SHARE_LAYER).set_index("kommunenummer")["areal_km2"]
    fylke_of = codes.code_list()["fylkesnummer"].to_dict()
    cross = succession.crosswalk(year, SHARE_LAYER)
    siblings = cross.groupby("code_to")["code_from"].agg(list).to_dict()
    weights = {}
    for code, target, w in cross[cross["code_from"].isin(codes_of_year)].itertuples(index=False):
        fylke = fylke_of[code]
        same = [c for c in siblings[target] if fylke_of[c] == fylke]
        share = 1.0
        if len(same) < len(siblings[target]) and year <= FYLKE_SHARE_LAYER:
            share = _fylke_share(target, fylke)
        weights[code] = weights.get(code, 0.0) + w * areas19[target] * share / len(same)
    return weights


@lru_cache(maxsize=None)
def kommune_areas(year: int) -> pd.Series:
    """Area (km²) of every kommune valid on 1 January `year`, on the one basis (from the
    processed-data cache, keyed on the layers, the code list and the code computing them)."""
    sources = [raw_path(geometry.KOMMUNE_FILES[BASIS_LAYER]), raw_path(geometry.KOMMUNE_FILES[SHARE_LAYER]),
               raw_path(geometry.FYLKE_FILES[FYLKE_SHARE_LAYER]), raw_path(codes.CODE_FILE)]
    frame = cached(f"areal-{year}", sources, lambda: _kommune_areas(year).to_frame(),
                   depends=(geometry, codes))
    return frame["areal_km2"]


def _kommune_areas(year: int) -> pd.Series:
    atoms = geometry.kommuner(BASIS_LAYER).set_index("kommunenummer")["areal_km2"]
    groups = _groups(year)
    shared = {c for old, _ in groups if len(old) > 1 for c in old}
    weights = _share_weights(year, shared) if shared else {}
    out: dict[str, float] = {}
    for old, new in groups:  # sorted: the same sums in the same order in every process
        total = float(atoms[sorted(new)].sum())
        if len(old) == 1:
            out[next(iter(old))] = total
            continue
        norm = sum(weights[c] for c in sorted(old))
        for c in sorted(old):
            out[c] = total * weights[c] / norm
    return pd.Series(out, name="areal_km2")


def region_areas(proposal: Proposal, year: int) -> pd.Series:
    """Area (km²) per region: the kommuner of `year` assigned to it, on the one basis."""
    assigned = membership.assign(proposal, year)
    areas = assigned["kommunenummer"].map(kommune_areas(year))
    return areas.groupby(assigned["region"]).sum()


def national_area() -> float:
    """Area of Norway (km²) on the same basis."""
    return float(geometry.kommuner(BASIS_LAYER)["areal_km2"].sum())
