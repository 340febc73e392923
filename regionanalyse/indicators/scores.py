"""Scores of a whole plan (a proposal or a generated alternative), vectorised over many plans.

A plan is a row of a label array ``labels[plan, unit]`` (region index per kommune valid in the
year, in the order of ``ScoreContext.codes``), so 10 000 plans are scored with a handful of
numpy reductions and no per-plan merges or dissolves. Columns (the `regionanalyse score` contract):

- ``regioner``: regions with at least one kommune;
- ``befolkningsavvik_maks``: max over regions of |pop − P/K| / (P/K), P = total, K = regioner;
- ``befolkning_min``, ``befolkning_maks``: smallest and largest region population (1 January);
- ``polsby_popper_snitt``: mean over regions of 4πA/U² (EPSG:25833), where U = Σ unit
  perimeters − 2 × Σ borders between units of the region (see territory.adjacency);
- ``ba_delt``: BA-regions whose kommuner lie in more than one region; ``bosatt_delt_ba``:
  residents of kommuner in such BA-regions (each region's own residents, summed). SSB's 2020
  classification mapped to the year's codes before 2024, the 2024 recoding from 2024. The
  per-region columns of the same names in the key figures (`ba_cohesion.ba_summary`) count one
  region: its BA-regions that a border splits (a BA-region split between two regions counts in
  both) and its own residents in them (these sum over the regions to the plan's
  ``bosatt_delt_ba``). The comparison appendix's balance table (`proposals.balance`) takes
  ``regioner``, ``ba_delt`` and ``bosatt_delt_ba`` from here, and ``storst_minst`` =
  befolkning_maks / befolkning_min;
- ``avstand_maks_km``: farthest kommune from its region's seat (straight line between
  representative points); ``avstand_snitt_km``: population-weighted mean of that distance over
  all inhabitants. Seat = the proposal's, else the region's most populous kommune
  (`territory.seats.largest_units`, the rule every comparison with alternatives uses);
- ``kommuner_maks``: most kommuner in one region (the report's kontrollspenn concern).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..memo import memo
from ..model import Proposal
from ..sources import labour, succession
from ..territory import membership
from ..territory.adjacency import units
from ..territory.seats import find_seat, largest_units

SCORE_COLUMNS = ["regioner", "befolkningsavvik_maks", "befolkning_min", "befolkning_maks",
                 "polsby_popper_snitt", "ba_delt", "bosatt_delt_ba", "avstand_maks_km",
                 "avstand_snitt_km", "kommuner_maks"]
INT_COLUMNS = ["regioner", "befolkning_min", "befolkning_maks", "ba_delt", "bosatt_delt_ba",
               "kommuner_maks"]



@dataclass(frozen=True)
class ScoreContext:
    """Everything scoring needs for one year, as arrays over the year's kommuner."""
    year: int
    codes: np.ndarray        # kommune codes valid in the year
    names: np.ndarray
    pop: np.ndarray          # population 1 January (float64)
    area: np.ndarray         # m²
    perimeter: np.ndarray    # m
    edge_u: np.ndarray       # unit indices of borders with a length
    edge_v: np.ndarray
    edge_len: np.ndarray     # m
    dist_km: np.ndarray      # unit × unit straight-line distance, km (float32)
    ba: np.ndarray           # BA-region index per unit, -1 when none
    n_ba: int
    ba_year: int             # classification year used

    def index(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.codes)}


@memo(None)
def context(year: int) -> ScoreContext:
    """The score context of a year (kommuner valid on 1 January of `year`)."""
    u = units(year, "kommune")
    nodes = u.nodes
    idx = {c: i for i, c in enumerate(nodes["kode"])}
    edges = u.edges[u.edges["grense_m"] > 0]
    xy = nodes[["x", "y"]].to_numpy()
    dist = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1)) / 1000
    ba_code_year = labour.ba_year(year)
    ba = labour.ba_regions(ba_code_year)
    ba_of = dict(zip(ba["kommunenummer"], ba["ba_nr"]))
    cross = succession.crosswalk(year, ba_code_year)
    cross = cross.assign(ba_nr=cross["code_to"].map(ba_of)).dropna(subset=["ba_nr"])
    best = (cross.groupby(["code_from", "ba_nr"], as_index=False)["weight"].sum()
            .sort_values(["code_from", "weight"], ascending=[True, False]).drop_duplicates("code_from"))
    ba_nr = nodes["kode"].map(dict(zip(best["code_from"], best["ba_nr"])))
    ba_ids = {nr: i for i, nr in enumerate(sorted(ba_nr.dropna().unique()))}
    pop = nodes["folkemengde"].to_numpy(dtype=float)
    return ScoreContext(
        year=u.year, codes=nodes["kode"].to_numpy(), names=nodes["navn"].to_numpy(), pop=pop,
        area=nodes["areal_m2"].to_numpy(), perimeter=nodes["omkrets_m"].to_numpy(),
        edge_u=edges["a"].map(idx).to_numpy(), edge_v=edges["b"].map(idx).to_numpy(),
        edge_len=edges["grense_m"].to_numpy(), dist_km=dist.astype(np.float32),
        ba=ba_nr.map(ba_ids).fillna(-1).astype(int).to_numpy(), n_ba=len(ba_ids),
        ba_year=ba_code_year)


def ba_per_region(ba: np.ndarray, n_ba: int, pop: np.ndarray, labels: np.ndarray,
                  k: int) -> dict[str, np.ndarray]:
    """The key figures' per-region BA columns from one plan, as arrays over the K regions.

    `ba`: BA-region index per unit (−1: none), `pop`: residents per unit, `labels`: region
    index per unit (−1: not placed). ``ba_regioner``: BA-regions with kommuner in the region;
    ``ba_delt``: those of them with kommuner in another region too; ``bosatt_delt_ba``: the
    region's own residents in those (`ba_cohesion.ba_summary` per region; the plan score of
    the same name sums them).
    """
    has = (ba >= 0) & (labels >= 0)
    cell = ba[has] * k + labels[has]
    n_cells = np.bincount(cell, minlength=n_ba * k).reshape(n_ba, k)
    people = np.bincount(cell, weights=pop[has], minlength=n_ba * k).reshape(n_ba, k)
    inside = n_cells > 0
    split = inside.sum(1) > 1
    return {"ba_regioner": inside.sum(0), "ba_delt": (inside & split[:, None]).sum(0),
            "bosatt_delt_ba": np.rint((people * split[:, None]).sum(0)).astype("int64")}


def variation_pct(values) -> float:
    """Coefficient of variation in percent: 100 × sample standard deviation / mean."""
    values = pd.Series(values, dtype=float)
    return 100 * values.std() / values.mean()


def _per_region(labels: np.ndarray, k: int, weights: np.ndarray) -> np.ndarray:
    """Sum of `weights` (per unit, or per plan × unit) by region: array (plans, k)."""
    n = labels.shape[0]
    flat = (labels + k * np.arange(n)[:, None]).ravel()
    w = np.broadcast_to(weights, labels.shape).ravel()
    return np.bincount(flat, weights=w, minlength=n * k).reshape(n, k)


def score_labels(ctx: ScoreContext, labels: np.ndarray, seats: np.ndarray | None = None) -> pd.DataFrame:
    """Scores of every plan in `labels` (plans × units, region index 0..K−1 per unit).

    `seats` (plans × K, unit index or −1) gives official seats; −1 or None uses the region's
    most populous kommune.
    """
    labels = np.atleast_2d(np.asarray(labels, dtype=np.int64))
    n, m = labels.shape
    if m != len(ctx.codes):
        raise ValueError(f"labels have {m} units, the year {ctx.year} has {len(ctx.codes)} kommuner")
    k = int(labels.max()) + 1
    rows = np.arange(n)[:, None]
    pop = _per_region(labels, k, ctx.pop)
    count = _per_region(labels, k, np.ones(m))
    present = count > 0
    regioner = present.sum(1)
    ideal = ctx.pop.sum() / regioner
    dev = np.where(present, np.abs(pop - ideal[:, None]) / ideal[:, None], 0).max(1)
    area = _per_region(labels, k, ctx.area)
    lu, lv = labels[:, ctx.edge_u], labels[:, ctx.edge_v]
    inner = np.where(lu == lv, ctx.edge_len, 0.0)
    inner_sum = _per_region(lu, k, inner)
    perim = _per_region(labels, k, ctx.perimeter) - 2 * inner_sum
    with np.errstate(divide="ignore", invalid="ignore"):
        pp = np.where(present & (perim > 0), 4 * np.pi * area / perim ** 2, 0.0)
    pp_mean = pp.sum(1) / regioner
    # BA-regions: split when any kommune's region differs from the BA's first kommune's
    has_ba = ctx.ba >= 0
    ba_units = np.flatnonzero(has_ba)
    ba_of = ctx.ba[ba_units]
    first = np.full(ctx.n_ba, -1)
    first[ba_of[::-1]] = ba_units[::-1]
    differs = labels[:, ba_units] != labels[:, first[ba_of]]
    split = _per_region(np.broadcast_to(ba_of, differs.shape), ctx.n_ba, differs.astype(float)) > 0
    ba_delt = split.sum(1)
    bosatt = (split[:, ba_of] * ctx.pop[ba_units]).sum(1)
    seat = largest_units(labels, ctx.pop, k)  # the comparison rule, unless seats are given
    if seats is not None:
        seats = np.asarray(seats, dtype=np.int64).reshape(n, -1)
        given = np.full((n, k), -1, dtype=np.int64)
        given[:, :seats.shape[1]] = seats[:, :k]
        seat = np.where(given >= 0, given, seat)
    unit_seat = seat[rows, labels]
    dist = ctx.dist_km[np.arange(m)[None, :], unit_seat]
    out = pd.DataFrame({
        "regioner": regioner,
        "befolkningsavvik_maks": dev,
        "befolkning_min": np.where(present, pop, np.inf).min(1),
        "befolkning_maks": pop.max(1),
        "polsby_popper_snitt": pp_mean,
        "ba_delt": ba_delt,
        "bosatt_delt_ba": bosatt,
        "avstand_maks_km": dist.max(1),
        "avstand_snitt_km": (dist * ctx.pop).sum(1) / ctx.pop.sum(),
        "kommuner_maks": count.max(1),
    })
    for col in INT_COLUMNS:
        out[col] = np.rint(out[col]).astype("int64")
    return out


def proposal_labels(proposal: Proposal, year: int) -> tuple[np.ndarray, list[str], np.ndarray]:
    """(labels over the year's kommuner, region names, seat unit per region or −1)."""
    ctx = context(year)
    assigned = membership.assign(proposal, year)
    region_of = dict(zip(assigned["kommunenummer"], assigned["region"]))
    names = [r.name for r in proposal.regions
             if r.name in set(assigned["region"])]
    ridx = {name: i for i, name in enumerate(names)}
    missing = [c for c in ctx.codes if c not in region_of]
    if missing:
        from ..errors import ProposalError
        raise ProposalError(proposal.origin or proposal.id,
                            [f"kommuner i {year} uten region: {', '.join(missing[:10])}"])
    labels = np.array([ridx[region_of[c]] for c in ctx.codes], dtype=np.int64)
    index = ctx.index()
    seats = np.full(len(names), -1, dtype=np.int64)
    for region in proposal.regions:
        if region.name not in ridx or not region.seat:
            continue
        hit = find_seat(proposal, region.seat)
        if hit is None:
            continue
        cross = succession.crosswalk(proposal.vintage, year)
        to = cross[cross["code_from"] == hit["kommunenummer"]].sort_values("weight", ascending=False)
        if len(to) and to["code_to"].iloc[0] in index:
            seats[ridx[region.name]] = index[to["code_to"].iloc[0]]
    return labels, names, seats


def score(proposal: Proposal, year: int, own_seats: bool = True) -> pd.DataFrame:
    """One row: forslag, aar and the score columns for `proposal` counted in `year`; distances
    from the proposal's own seats where it names them, or with `own_seats=False` from each
    region's most populous kommune, as generated alternatives are measured (`largest_units`)."""
    labels, _, seats = proposal_labels(proposal, year)
    row = score_labels(context(year), labels[None, :], seats[None, :] if own_seats else None)
    row.insert(0, "aar", int(year))
    row.insert(0, "forslag", proposal.id)
    return row


def score_many(proposals: list[Proposal], year: int) -> pd.DataFrame:
    """One row per proposal (see `score`)."""
    return pd.concat([score(p, year) for p in proposals], ignore_index=True)
