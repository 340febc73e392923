"""Seats: the kommune a proposal names as a region's seat, and the seat used for distances.

`largest_units` is the one seat rule of comparisons: a generated alternative's seat, and the
proposal's when it is set against alternatives, is the region's most populous kommune.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..model import Proposal
from ..sources import codes, geometry, population, succession
from . import membership


def find_seat(proposal: Proposal, seat: str) -> pd.Series | None:
    """The vintage kommune a seat names (code or name, case-insensitive), or None."""
    kommuner = codes.kommune_codes(proposal.vintage)
    names = kommuner["kommunenavn"].str.casefold()
    hit = kommuner[(kommuner["kommunenummer"] == seat) | (names == seat.casefold())]
    if hit.empty:  # official bilingual names, e.g. "Oslo-Oslove" for seat "Oslo"
        hit = kommuner[names.str.split("-").str[0] == seat.casefold()]
    return None if hit.empty else hit.iloc[0]


def largest_units(labels: np.ndarray, pop: np.ndarray, k: int | None = None) -> np.ndarray:
    """The seat rule of comparisons: per plan (row of `labels`, region 0..K−1 per unit) and
    region, the index of the region's most populous unit (of equals, the first in unit order);
    −1 for a region with no unit. Returns an array plans × K."""
    labels = np.atleast_2d(np.asarray(labels, dtype=np.int64))
    k = int(labels.max()) + 1 if k is None else int(k)
    order = np.argsort(-np.asarray(pop, dtype=float), kind="stable")
    ordered, rows = labels[:, order], np.arange(len(labels))
    out = np.full((len(labels), k), -1, dtype=np.int64)
    for r in range(k):
        hit = ordered == r
        first = hit.argmax(1)
        out[:, r] = np.where(hit[rows, first], order[first], -1)
    return out


def most_populous(proposal: Proposal, region: str, year: int) -> pd.Series:
    """The region's most populous kommune in `year` codes (kommunenummer, kommunenavn)."""
    assigned = membership.assign(proposal, year)
    pop = population.kommune_population(year)
    inside = (assigned[assigned["region"] == region].merge(pop, on="kommunenummer")
              .sort_values("kommunenummer").reset_index(drop=True))
    return inside.iloc[int(largest_units(np.zeros(len(inside)), inside["folkemengde"])[0, 0])]


def seat_kommune(proposal: Proposal, region: str) -> tuple[str, str, bool]:
    """(kommunenummer in the kommune layer, name, is_official_seat) for distance measures.

    Without a seat in the proposal, the region's most populous kommune is used and
    is_official_seat is False, so the report can say so.
    """
    spec = proposal.region(region)
    layer = geometry.kommune_layer_year(proposal.vintage)
    if spec.seat:
        seat = find_seat(proposal, spec.seat)
        code = succession.crosswalk(proposal.vintage, layer)
        target = code.loc[code["code_from"] == seat["kommunenummer"], "code_to"].iloc[0]
        return target, seat["kommunenavn"], True
    biggest = most_populous(proposal, region, layer)
    return biggest["kommunenummer"], biggest["kommunenavn"], False
