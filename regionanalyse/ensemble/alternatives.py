"""`regionanalyse alternatives`: generate, score and write an ensemble beside a proposal.

Files written in the output folder (same seed → identical files):

- ``ensemble.csv``: one row per generated plan: ``plan`` and the score columns (with
  ``metode`` ``eksakt``: one row per possible plan, see below);
- ``plans.csv``: ``plan,kode,region`` (every unit exactly once per plan; region 1..K);
- ``forslag.csv``: the proposal's own scores and, per score, the share of plans with a lower
  value (``persentil``, 0–100) — where the proposal falls in the ensemble — and ``metode``:
  ``eksakt`` when every possible plan was enumerated (fylke units and at most ``EXACT_LIMIT``
  plans, `enumerate.py`; percentiles are then exact, not estimates), else ``utvalg`` (ReCom);
- ``forslag/alt-*.yaml``: up to five Pareto-best plans (population balance, residents in split
  BA-regions, mean distance to the seat) as proposals that validate and build like any other;
- ``innstillinger.json``: the request (year, units, K, N, seed, tolerance, keep_ba) and metode.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..inert import neutralise_formulas
from ..indicators.scores import SCORE_COLUMNS, context, score, score_labels
from ..model import Proposal, Region
from ..territory.adjacency import units
from ..territory.membership import fylke_composition
from .enumerate import exact_plans
from .generate import (EnsembleError, Request, check_request, generate, smallest_tolerance,
                       to_kommune_labels)

PARETO = ["befolkningsavvik_maks", "bosatt_delt_ba", "avstand_snitt_km"]
BEST = 5
EXACT_LIMIT = 250_000  # plans; scoring 100 000 fylke plans takes ~7 s and 0,6 GB
SCORE_CHUNK = 10_000


@dataclass
class Ensemble:
    """An ensemble with its scores, the proposal's scores and the best alternatives."""
    request: Request
    proposal: Proposal
    labels: np.ndarray          # plans × units of request.level
    scores: pd.DataFrame        # plan + score columns
    own: pd.DataFrame           # the proposal's row (forslag, aar, scores)
    percentiles: pd.DataFrame   # score, verdi, persentil, median, p5, p95
    best: list[Proposal]
    method: str = "utvalg"      # "eksakt": every possible plan; "utvalg": a ReCom sample


def member_level(proposal: Proposal, year: int) -> str:
    """'fylke' when every region is whole fylker of `year` (listed as fylker or as all their
    kommuner), else 'kommune': like is compared with like."""
    return "fylke" if bool(fylke_composition(proposal, year)["whole"].all()) else "kommune"


def default_tolerance(proposal: Proposal, year: int, level: str, k: int) -> float:
    """The proposal's own largest deviation (with K regions), but at least what any plan needs."""
    own = float(score(proposal, year)["befolkningsavvik_maks"].iloc[0])
    bound, _ = smallest_tolerance(year, level, k)
    same_k = k == len(proposal.regions)
    return math.ceil(100 * max(own if same_k else 0.10, bound + 0.02)) / 100


def request_for(proposal: Proposal, year: int, regions: int | None = None, level: str | None = None,
                n: int = 1000, seed: int = 1, tolerance: float | None = None,
                keep_ba: bool = False, jobs: int = 1) -> Request:
    """A Request with the defaults of `regionanalyse alternatives` filled in."""
    level = level or member_level(proposal, year)
    k = regions if regions is not None else len(proposal.regions)
    tol = tolerance if tolerance is not None else default_tolerance(proposal, year, level, k)
    return Request(year=int(year), level=level, regions=int(k), n=int(n), seed=int(seed),
                   tolerance=float(tol), keep_ba=bool(keep_ba), jobs=int(jobs))


def percentiles(scores: pd.DataFrame, own: pd.Series) -> pd.DataFrame:
    """Per score: the proposal's value, the share of plans below it (and equal counted half)."""
    rows = []
    for col in SCORE_COLUMNS:
        values = scores[col].to_numpy(dtype=float)
        v = float(own[col])
        below, equal = (values < v).mean(), (values == v).mean()
        rows.append({"maal": col, "verdi": v, "persentil": 100 * (below + equal / 2),
                     "median": float(np.median(values)), "p5": float(np.percentile(values, 5)),
                     "p95": float(np.percentile(values, 95))})
    return pd.DataFrame(rows)


def non_dominated(values: np.ndarray) -> np.ndarray:
    """Mask of rows no other row dominates (≤ on every column, < on one). Rows are visited in
    lexicographic order, where a dominating row always comes first, and checked against the
    front found so far only (a row dominated by anyone is dominated by a front row)."""
    keep = np.zeros(len(values), dtype=bool)
    front = np.empty((0, values.shape[1]))
    for i in np.lexsort(values.T[::-1]):
        row = values[i]
        if not ((front <= row).all(1) & (front < row).any(1)).any():
            keep[i] = True
            front = np.vstack([front, row])
    return keep


def pareto_best(scores: pd.DataFrame, labels: np.ndarray, count: int = BEST) -> list[int]:
    """Row positions of up to `count` distinct non-dominated plans, best rank sum first."""
    _, first = np.unique(labels, axis=0, return_index=True)
    first = np.sort(first)
    front = first[non_dominated(scores.iloc[first][PARETO].to_numpy(dtype=float))]
    ranks = scores.iloc[front][PARETO].rank().sum(axis=1).to_numpy()
    order = np.lexsort((front, ranks))
    return [int(front[i]) for i in order[:count]]


def plan_proposal(base: Proposal, labels: np.ndarray, req: Request, number: int, plan: int,
                  method: str = "utvalg") -> Proposal:
    """A generated plan as a proposal of the year's codes (whole fylker written as fylke codes)."""
    how = "eksakt opptelling" if method == "eksakt" else f"GerryChain ReCom, seed {req.seed}"
    nodes = units(req.year, req.level).nodes
    kommune = units(req.year, "kommune").nodes
    klabels = to_kommune_labels(labels[None, :], req.year, req.level)[0]
    regions = []
    for r in range(int(labels.max()) + 1):
        inside = kommune[klabels == r]
        biggest = inside.loc[inside["folkemengde"].idxmax()]
        if req.level == "fylke":
            members = list(nodes.loc[labels == r, "kode"])
        else:
            members = []
            for fylke, group in inside.groupby("fylkesnummer", sort=True):
                whole = len(group) == (kommune["fylkesnummer"] == fylke).sum()
                members += [fylke] if whole else list(group["kode"])
        regions.append(Region(name=f"Region {biggest['navn']}", members=tuple(members),
                              seat=str(biggest["kode"])))
    regions.sort(key=lambda reg: reg.members[0])
    ba = ", BA-regioner holdt samlet" if req.keep_ba else ""
    suffix, title = f"-alt-{number}", f"Alternativ {number} til "
    name = base.name if len(title) + len(base.name) <= 120 else base.name[:119 - len(title)] + "…"
    return Proposal(  # the id and name stay within the limits a proposal file has (64/120)
        id=base.id[:64 - len(suffix)].rstrip("._-") + suffix, name=title + name,
        vintage=req.year, regions=tuple(regions),
        source=(f"Generert av regionanalyse alternatives ({how}, {req.n} planer, "
                f"toleranse {req.tolerance:g}{ba}); plan {plan}"),
        note="Sete = regionens mest folkerike kommune (ikke et forslag om lokalisering).")


def run(proposal: Proposal, req: Request) -> Ensemble:
    """Generate (or, where the plan space is small, enumerate) and score the ensemble for
    `proposal` (see the module docstring)."""
    check_request(req)
    labels = exact_plans(req.year, req.regions, req.tolerance, EXACT_LIMIT) if req.level == "fylke" else None
    method = "utvalg" if labels is None else "eksakt"
    if labels is None:
        labels = generate(req)
    else:
        req = replace(req, n=len(labels))
    ctx = context(req.year)
    scores = pd.concat([score_labels(ctx, to_kommune_labels(labels[i:i + SCORE_CHUNK], req.year, req.level))
                        for i in range(0, len(labels), SCORE_CHUNK)], ignore_index=True)
    scores.insert(0, "plan", np.arange(1, len(scores) + 1))
    own = score(proposal, req.year)
    best_rows = pareto_best(scores, labels)
    best = [plan_proposal(proposal, labels[i], req, j + 1, i + 1, method) for j, i in enumerate(best_rows)]
    return Ensemble(req, proposal, labels, scores, own, percentiles(scores, own.iloc[0]), best, method)


def write(ens: Ensemble, out: str | Path) -> Path:
    """Write the files listed in the module docstring into `out`."""
    out = Path(out)
    (out / "forslag").mkdir(parents=True, exist_ok=True)
    for old in (out / "forslag").glob("alt-*.yaml"):
        old.unlink()
    neutralise_formulas(ens.scores.round(6)).to_csv(out / "ensemble.csv", index=False, lineterminator="\n")
    codes = units(ens.request.year, ens.request.level).nodes["kode"].to_numpy()
    n, m = ens.labels.shape
    plans = pd.DataFrame({"plan": np.repeat(np.arange(1, n + 1), m), "kode": np.tile(codes, n),
                          "region": ens.labels.ravel().astype(int) + 1})
    neutralise_formulas(plans).to_csv(out / "plans.csv", index=False, lineterminator="\n")
    own = ens.own.iloc[0]
    table = ens.percentiles.copy()
    table.insert(0, "aar", own["aar"])
    table.insert(0, "forslag", own["forslag"])
    table["metode"] = ens.method
    neutralise_formulas(table.round(6)).to_csv(out / "forslag.csv", index=False, lineterminator="\n")
    for j, alt in enumerate(ens.best, start=1):
        alt.to_yaml(out / "forslag" / f"alt-{j}.yaml")
    (out / "innstillinger.json").write_text(json.dumps(
        {**asdict(ens.request), "jobs": None, "forslag": ens.proposal.id, "metode": ens.method,
         "unike_planer": int(len(np.unique(ens.labels, axis=0)))}, indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8")
    return out


__all__ = ["Ensemble", "EnsembleError", "Request", "request_for", "run", "write"]
