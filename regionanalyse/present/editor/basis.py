"""What the editor computes with, made once per (vintage, year): arrays over the kommuner.

The editor works on the kommuner of the proposal's vintage (the codes its members use). The
figures are counted in `year`, as `membership.assign` counts them: each kommune of the year
goes to the region holding most of its people (`W`, residents per year kommune × vintage
kommune, from `membership.coverage`'s rule), ties to the region named first.
"""
from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from ...indicators.areas import kommune_areas
from ...indicators.ba_cohesion import ba_of_kommuner
from ...indicators.scores import ScoreContext, context
from ...memo import memo
from ...sources import codes, population, succession
from ...territory.adjacency import adjacency


@dataclass(frozen=True)
class Basis:
    """Static arrays of one vintage and year (built in ~0,1 s, then reused by every edit)."""

    vintage: int
    year: int
    codes: np.ndarray          # vintage kommune codes (the editor's units)
    names: np.ndarray
    fylke: np.ndarray          # fylkesnummer per vintage kommune
    index: dict                # vintage code → position
    cross_year: np.ndarray     # crosswalk pairs (year kommune, vintage kommune) sharing land,
    cross_vintage: np.ndarray  # as positions,
    cross_people: np.ndarray   # with the residents counted in each part (w ≥ 0)
    ctx: ScoreContext          # the score context of `year` (its kommuner in ctx.codes)
    pop: np.ndarray            # per year kommune, 1 January `year` (NaN → 0)
    area_km2: np.ndarray       # per year kommune, on the one basis of indicators.areas
    ba: np.ndarray             # BA-region index per year kommune, −1 when none
    n_ba: int
    graph: nx.Graph            # the neighbour graph of the vintage kommuner

    def kommuner_of(self, code: str) -> list[int]:
        """Positions of the vintage kommuner a member code stands for (a fylke: all of it)."""
        if len(code) == 2:
            return list(np.flatnonzero(self.fylke == code))
        return [self.index[code]] if code in self.index else []


@memo(8)
def basis(vintage: int, year: int) -> Basis:
    """The editor's arrays for proposals of `vintage` counted in `year`."""
    kommuner = codes.kommune_codes(vintage).sort_values("kommunenummer").reset_index(drop=True)
    vcodes = kommuner["kommunenummer"].to_numpy()
    index = {c: i for i, c in enumerate(vcodes)}
    ctx = context(year)
    yindex = ctx.index()
    # residents of the earlier of the two years in each part, as membership.coverage counts them
    cross = succession.crosswalk(year, vintage)
    cross = cross[cross["code_to"].isin(index) & cross["code_from"].isin(yindex)]
    people_year, people_code = (year, "code_from") if year < vintage else (vintage, "code_to")
    people = population.kommune_population(people_year).set_index("kommunenummer")["folkemengde"]
    w = cross["weight"].to_numpy(float) * cross[people_code].map(people).fillna(0).to_numpy(float)
    rows = cross["code_from"].map(yindex).to_numpy()
    cols = cross["code_to"].map(index).to_numpy()
    pop_y = population.kommune_population(year).set_index("kommunenummer")["folkemengde"]
    ba = ba_of_kommuner(year)
    ba_ids = {nr: i for i, nr in enumerate(sorted(ba["ba_nr"].unique()))}
    ba_of = dict(zip(ba["kommunenummer"], ba["ba_nr"].map(ba_ids)))
    ycodes = list(ctx.codes)
    return Basis(
        vintage=vintage, year=int(year), codes=vcodes, names=kommuner["kommunenavn"].to_numpy(),
        fylke=kommuner["fylkesnummer"].to_numpy(), index=index,
        cross_year=rows.astype(np.int64), cross_vintage=cols.astype(np.int64), cross_people=w, ctx=ctx,
        pop=np.array([pop_y.get(c, np.nan) for c in ycodes], dtype=float),
        area_km2=kommune_areas(year).reindex(ycodes).to_numpy(float),
        ba=np.array([ba_of.get(c, -1) for c in ycodes], dtype=np.int64), n_ba=len(ba_ids),
        graph=adjacency(vintage, "kommune"))


def year_labels(b: Basis, labels: np.ndarray, k: int) -> np.ndarray:
    """Region index per kommune of the year, from the region index per vintage kommune
    (−1: in no region): most residents, ties to the region named first (membership.assign)."""
    n = len(b.ctx.codes)
    region = labels[b.cross_vintage]
    placed = region >= 0
    cell = b.cross_year[placed] * k + region[placed]
    people = np.bincount(cell, weights=b.cross_people[placed], minlength=n * k).reshape(n, k)
    present = np.bincount(cell, minlength=n * k).reshape(n, k) > 0
    return np.where(present.any(1), np.argmax(np.where(present, people, -1.0), axis=1), -1)
