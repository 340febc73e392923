"""`regionanalyse alternatives`: generate, score and write an ensemble beside a proposal.

Files written in the output folder (same seed → identical files):

- ``ensemble.csv``: one row per plan: ``plan``, ``kjede`` (chain 1..C; ``0`` when the plans are
  not a chain, e.g. every plan enumerated) and the score columns (with ``metode`` ``eksakt``: one
  row per possible plan, see below);
- ``plans.csv``: ``plan,kode,region`` (every unit exactly once per plan; region 1..K);
- ``forslag.csv``: per score, the proposal's value (``verdi``) and where it falls in the ensemble:
  ``andel_lavere,andel_lik,andel_hoyere`` (percent of plans, summing to 100), ``persentil``
  (lower + half the ties) with its 95 % Monte Carlo interval ``persentil_fra,persentil_til`` and
  the effective number of independent plans behind it (``ess``), the ensemble's
  ``median,p5,p95``, ``metode``: ``eksakt`` when every possible plan was enumerated (fylke
  units and at most ``EXACT_LIMIT`` plans, `enumerate.py`; the shares are then exact, with no
  interval and no ``ess``), else ``utvalg`` (ReCom chains), and ``verdi_egne_seter``. One seat
  rule on both sides: ``verdi`` and every share measure the proposal's distances, like the
  alternatives', from each region's most populous kommune (`territory.seats.largest_units`);
  ``verdi_egne_seter`` is the proposal's value from the seats it names (the region's most
  populous kommune where it names none; equal to ``verdi`` for scores without a seat), shown
  beside the comparison, never in it;
- ``diagnostikk.csv``: ``maal,rhat,ess,ulike_planer`` per score (`diagnostics.py`); only for
  plans drawn in chains (removed otherwise);
- ``sveip.csv``: ``regel,toleranse,regioner,planer,maal,andel_lavere,andel_lik,andel_hoyere,
  merknad,metode,rhat,ess``: the headline shares under nearby rules (the comparison's, the
  default rule's tolerance, 25 %, 50 %, the proposal's own, K ± 1, no sea edges; `sweep.py`),
  every plan counted (``metode`` ``eksakt``, no ``rhat``/``ess``) with fylke units, drawn in
  chains (``utvalg``) with kommune units only with ``--sveip`` (removed otherwise); a rule no
  plan meets has no shares and says why in ``merknad``;
- ``forslag/alt-*.yaml``: up to five Pareto-best plans (population balance, residents in split
  BA-regions, mean distance to the seat) as proposals that validate and build like any other;
- ``innstillinger.json``: the request (year, units, K, N, seed, tolerance, keep_ba, chains,
  steps; chains and steps null for ``eksakt``), ``metode``, whether the plans are a sample of
  chains (``utvalg``) and ``tolerance_rule``: ``{"rule": …, "value": …}``, the rule that chose
  the tolerance (``standard``: the default rule of `tolerance.py`; ``forslaget``: the proposal's
  own largest deviation; ``oppgitt``: given with ``--tolerance``) and its value.
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..inert import neutralise_formulas
from ..indicators.scores import SCORE_COLUMNS, context, score, score_labels
from ..model import Proposal, Region
from ..territory.adjacency import units
from ..territory.membership import fylke_composition
from ..territory.seats import largest_units
from . import diagnostics
from .enumerate import exact_plans
from .generate import (EnsembleError, Request, Sample, check_regions, check_request, check_scheduler,
                       default_steps, sample, to_kommune_labels)
from .sweep import sweep
from .tolerance import choose

log = logging.getLogger(__name__)
SCHEDULER_ENV = "REGIONANALYSE_SCHEDULER"
DECIMALS = 6  # scores are compared at the precision ensemble.csv and forslag.csv store

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
    scores: pd.DataFrame        # plan, kjede + score columns (rounded to DECIMALS)
    own: pd.DataFrame           # the proposal's row, seats as the alternatives' (rounded to DECIMALS)
    percentiles: pd.DataFrame   # maal, verdi, andel_*, persentil(+interval), ess, median, p5, p95
    best: list[Proposal]
    diagnostics: pd.DataFrame | None = None   # maal, rhat, ess, ulike_planer (None: not a chain)
    method: str = "utvalg"      # "eksakt": every possible plan; "utvalg": a ReCom sample
    sweep: pd.DataFrame | None = None  # the same shares under nearby rules (eksakt only)
    own_seats: pd.DataFrame | None = None  # the proposal's row from its own seats (information)


def member_level(proposal: Proposal, year: int) -> str:
    """'fylke' when every region is whole fylker of `year` (listed as fylker or as all their
    kommuner), else 'kommune': like is compared with like."""
    return "fylke" if bool(fylke_composition(proposal, year)["hele"].all()) else "kommune"


def request_for(proposal: Proposal, year: int, regions: int | None = None, level: str | None = None,
                n: int = 1000, seed: int = 1, tolerance: float | str | None = None,
                keep_ba: bool = False, jobs: int = 1, steps: int | None = None,
                scheduler: str | None = None) -> Request:
    """A Request with the defaults of `regionanalyse alternatives` filled in: the tolerance by
    the default rule when None, the proposal's own with "forslaget" (`tolerance.choose`); the
    Dask scheduler from REGIONANALYSE_SCHEDULER when none is named."""
    k = regions if regions is not None else len(proposal.regions)
    fylker = len(units(int(year), "fylke").nodes)
    if level is None:  # like with like, unless whole fylker leave only the fylker themselves
        level = member_level(proposal, year)
        level = "kommune" if level == "fylke" and int(k) == fylker else level
    elif level == "fylke" and int(k) == fylker:
        raise EnsembleError(
            f"med {k} regioner av {fylker} fylker i {year} er fylkene selv den eneste inndelingen "
            "av hele fylker, så det finnes ingen alternativer å sammenligne med; bruk --units "
            "kommune eller et annet antall regioner (--regions)")
    check_regions(int(year), level, int(k))  # refused before the tolerance rule looks for plans
    choice = choose(proposal, year, level, k, tolerance)
    scheduler = scheduler or os.environ.get(SCHEDULER_ENV) or None
    if scheduler:
        check_scheduler(scheduler)  # refused before any work, also where every plan is counted
    return Request(year=int(year), level=level, regions=int(k), n=int(n), seed=int(seed),
                   tolerance=choice.value, tolerance_rule=choice.rule, keep_ba=bool(keep_ba), jobs=int(jobs),
                   scheduler=scheduler,
                   steps=int(steps if steps is not None else default_steps(level, int(k))))


def shares(values: np.ndarray, own: float, presorted: bool = False) -> tuple[float, float, float]:
    """Percent of `values` below, equal to and above `own` (exact comparison; they sum to 100).

    The one definition of where a plan falls among the alternatives (forslag.csv, the
    appendix's per-chain places, the editor's panel); `presorted`: `values` are sorted
    ascending, counted by binary search (the editor asks again at every edit)."""
    values = np.asarray(values, dtype=float)
    if presorted:
        lower = int(np.searchsorted(values, own, side="left"))
        equal = int(np.searchsorted(values, own, side="right")) - lower
    else:
        lower, equal = int((values < own).sum()), int((values == own).sum())
    higher = len(values) - lower - equal
    return tuple(100 * x / len(values) for x in (lower, equal, higher))


def percentile(lower: float, equal: float) -> float:
    """The percentile from `shares`: percent below plus half the ties."""
    return lower + equal / 2


def percentiles(scores: pd.DataFrame, own: pd.Series, chain: np.ndarray | None = None,
                diag: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per score: the proposal's value, the shares of plans below/equal/above it, the percentile
    (below + half the ties) and, for a sample of chains, its 95 % Monte Carlo interval."""
    rows = []
    for col in SCORE_COLUMNS:
        values = scores[col].to_numpy(dtype=float)
        v = float(own[col])
        lower, equal, higher = shares(values, v)
        row = {"maal": col, "verdi": v, "andel_lavere": lower, "andel_lik": equal,
               "andel_hoyere": higher, "persentil": percentile(lower, equal),
               "persentil_fra": np.nan, "persentil_til": np.nan, "ess": np.nan}
        if chain is not None and diag is not None:
            indicator = (values < v) + 0.5 * (values == v)
            fallback = float(diag.set_index("maal").at[col, "ess"]) if col in set(diag["maal"]) else np.nan
            low, high, n_eff = diagnostics.share_interval(indicator, chain, fallback)
            row.update(persentil_fra=100 * low, persentil_til=100 * high, ess=n_eff)
        row.update(median=float(np.median(values)), p5=float(np.percentile(values, 5)),
                   p95=float(np.percentile(values, 95)))
        rows.append(row)
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


def chain_diagnostics(scores: pd.DataFrame, chain: np.ndarray, labels: np.ndarray) -> pd.DataFrame:
    """Per score (not the constant ``regioner``): split R-hat, bulk ESS and the distinct plans."""
    distinct = int(len(np.unique(labels, axis=0)))
    rows = [{"maal": col, "rhat": diagnostics.rhat(scores[col].to_numpy(), chain),
             "ess": diagnostics.ess(scores[col].to_numpy(), chain), "ulike_planer": distinct}
            for col in SCORE_COLUMNS if col != "regioner"]
    return pd.DataFrame(rows)


def warnings_for(diag: pd.DataFrame) -> list[str]:
    """Messages (bokmål) for the scores whose chains have not converged."""
    out = []
    for row in diag.itertuples():
        if not diagnostics.converged(row.rhat, row.ess):
            out.append(f"{row.maal}: R-hat {row.rhat:.3f}, effektivt utvalg {row.ess:.0f} "
                       f"(krav: R-hat ≤ {diagnostics.RHAT_MAX:g}, minst {diagnostics.ESS_MIN})"
                       .replace(".", ","))
    return out


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
    seats = largest_units(klabels[None, :], kommune["folkemengde"].to_numpy())[0]
    regions = []
    for r in range(int(labels.max()) + 1):
        inside = kommune[klabels == r]
        biggest = kommune.iloc[seats[r]]
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


def stored(frame: pd.DataFrame) -> pd.DataFrame:
    """Scores as the CSV files store them: float columns as float64 rounded to DECIMALS (a float32
    column would otherwise be written with fewer digits than it is compared at)."""
    floats = frame.select_dtypes("floating").columns
    return frame.astype({c: "float64" for c in floats}).round(DECIMALS)


def run(proposal: Proposal, req: Request, plans: Sample | None = None,
        sampled: bool = True, sveip: bool = False) -> Ensemble:
    """Score an ensemble for `proposal` (see the module docstring).

    `plans`: labels over `req.level` units with their chain numbers. When None, fylke units
    enumerate every plan if there are at most EXACT_LIMIT (metode ``eksakt``: one row per plan,
    chain 0, treated as `sampled=False`), else the plans are drawn with `sample(req)`.
    `sampled=False` marks a plan set that is not a Markov chain: no convergence diagnostics and
    no Monte Carlo intervals then. The sweep (`sweep.py`) is counted with fylke units and drawn
    with kommune units only when `sveip` is true (it costs a run per rule).
    """
    method = "utvalg"
    if plans is None:
        check_request(req)
        exact = exact_plans(req.year, req.regions, req.tolerance, EXACT_LIMIT) if req.level == "fylke" else None
        if exact is not None:
            method, sampled, req = "eksakt", False, replace(req, n=len(exact))
            plans = Sample(exact, np.zeros(len(exact), dtype=np.int16))
        else:
            plans = sample(req)
    labels, chain = plans.labels, np.asarray(plans.chain)
    ctx = context(req.year)
    scores = stored(pd.concat(
        [score_labels(ctx, to_kommune_labels(labels[i:i + SCORE_CHUNK], req.year, req.level))
         for i in range(0, len(labels), SCORE_CHUNK)], ignore_index=True))
    scores.insert(0, "kjede", chain.astype(int))
    scores.insert(0, "plan", np.arange(1, len(scores) + 1))
    own = stored(score(proposal, req.year, own_seats=False))  # one seat rule on both sides
    diag = chain_diagnostics(scores, chain, labels) if sampled else None
    if diag is not None:
        for message in warnings_for(diag):
            log.warning("advarsel: kjedene har ikke blandet godt nok: %s", message)
    best_rows = pareto_best(scores, labels)
    best = [plan_proposal(proposal, labels[i], req, j + 1, i + 1, method) for j, i in enumerate(best_rows)]
    table = percentiles(scores, own.iloc[0], chain if sampled else None, diag)
    nearby = (sweep(req, own.iloc[0], EXACT_LIMIT, scores, method, sampled, DECIMALS)
              if req.level == "fylke" or sveip else None)
    return Ensemble(req, proposal, labels, scores, own, table, best, diag, method, nearby,
                    stored(score(proposal, req.year)))


def write(ens: Ensemble, out: str | Path) -> Path:
    """Write the files listed in the module docstring into `out`."""
    out = Path(out)
    (out / "forslag").mkdir(parents=True, exist_ok=True)
    for old in (out / "forslag").glob("alt-*.yaml"):
        old.unlink()
    neutralise_formulas(ens.scores).to_csv(out / "ensemble.csv", index=False, lineterminator="\n")
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
    table["verdi_egne_seter"] = (table["maal"].map(ens.own_seats.iloc[0]).astype(float)
                                 if ens.own_seats is not None else table["verdi"])
    neutralise_formulas(table.round(DECIMALS)).to_csv(out / "forslag.csv", index=False, lineterminator="\n")
    if ens.sweep is None:
        (out / "sveip.csv").unlink(missing_ok=True)
    else:
        neutralise_formulas(ens.sweep.round(DECIMALS)).to_csv(out / "sveip.csv", index=False,
                                                              lineterminator="\n")
    diag = ens.diagnostics
    if diag is None:
        (out / "diagnostikk.csv").unlink(missing_ok=True)
    else:
        neutralise_formulas(diag.round(DECIMALS)).to_csv(out / "diagnostikk.csv", index=False,
                                                         lineterminator="\n")
    for j, alt in enumerate(ens.best, start=1):
        alt.to_yaml(out / "forslag" / f"alt-{j}.yaml")
    (out / "innstillinger.json").write_text(json.dumps(
        {**asdict(ens.request), "jobs": None, "scheduler": None, "forslag": ens.proposal.id,
         "metode": ens.method, "utvalg": ens.diagnostics is not None,
         "tolerance_rule": {"rule": ens.request.tolerance_rule, "value": ens.request.tolerance},
         **({"chains": None, "steps": None} if ens.method == "eksakt" else {}),  # no chains then
         "unike_planer": int(len(np.unique(ens.labels, axis=0)))}, indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8")
    return out


__all__ = ["Ensemble", "EnsembleError", "Request", "request_for", "run", "write"]
