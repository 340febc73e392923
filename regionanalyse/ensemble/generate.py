"""Generated alternatives: many plans of K connected regions within a population tolerance.

Plans are drawn with GerryChain's ReCom (Markov chain: merge two neighbouring regions, draw a
random spanning tree of the merged area, cut it where both halves are within the tolerance) on
the neighbour graph of `territory.adjacency`. ReCom fits the question "which other plans of the
same size and balance were possible?" better than spopt's regionalisation (which optimises one
objective to one plan, not a sample of many plans).

Converged by default: `CHAINS` chains of `default_steps(level, K)` states each; the first `BURN_IN` share of each
chain (its starting plan and the walk away from it) is dropped and the rest thinned to N/C plans
per chain, evenly spaced. `default_steps` is sized so that the built-in proposals at kommune level reach
split R-hat ≤ 1,05 and ESS ≥ 200 on every score (measured: README, `diagnostics.py`).

Reproducible: chain c seeded with seed·1000 + c, so the same seed gives identical plans whatever
`jobs` is; chains run in parallel over `jobs` processes (`_pool`), or as tasks on a Dask
distributed cluster when `Request.scheduler` names one (`tcp://host:8786`; the workers need
regionanalyse installed) — the same plans either way.
"""
from __future__ import annotations

import math
import random
import re
import sys
from dataclasses import dataclass
from functools import partial

import numpy as np

from ..errors import RegionanalyseError
from ..procguard import guarded_pool
from ..indicators.scores import context
from ..territory.adjacency import adjacency, units

CHAINS = 4
STEPS = {"kommune": 10_000, "fylke": 20_000}  # states per chain for up to STEPS_K regions
STEPS_K = 11
BURN_IN = 0.2      # share of each chain dropped before thinning
BA_SURCHARGE = 1.0  # ≥ the random edge weights' range: spanning trees cross BA borders last
MAX_ATTEMPTS = 2_000   # spanning trees per ReCom step before another pair of regions is tried
SEED_ATTEMPTS = 100    # spanning trees per cut of a starting plan; a stuck start is redrawn whole
SEED_TRIES = 60
CONNECT_TIMEOUT_S = 10  # to a Dask scheduler
TOLERANCE_RULES = ("standard", "forslaget", "oppgitt")  # see tolerance.py


def default_steps(level: str, k: int) -> int:
    """States per chain that the built-in proposals need to converge (R-hat ≤ 1,05, ESS ≥ 200).

    Measured (seed 1, kommune units, 4 × 10 000 steps): the slowest score is compactness, ESS
    297–500 with 11–12 regions, 117 with 15 (fylker-2024) and 98 with 19 (fylker-2016): more
    regions, each step moves a smaller share of the plan. So 10 000 × (K/11)² with kommuner
    (18 600 for 15 regions, 29 900 for 19). A fylke step is ~7× cheaper but mixes slower per step
    (10 000 left nav-2016-11 at ESS 191): 20 000.
    """
    base = STEPS.get(level, STEPS["kommune"])
    return int(math.ceil(base * max(1.0, (k / STEPS_K) ** 2) / 100) * 100)


class EnsembleError(RegionanalyseError):
    """An ensemble request that cannot be met (e.g. a tolerance no plan can satisfy)."""


@dataclass(frozen=True)
class Request:
    """What to generate."""
    year: int
    level: str           # "kommune" or "fylke"
    regions: int         # K
    n: int               # plans
    seed: int = 1
    tolerance: float = 0.1
    tolerance_rule: str = "oppgitt"  # which rule chose it: standard, forslaget or oppgitt (tolerance.py)
    keep_ba: bool = False
    jobs: int = 1
    chains: int = CHAINS
    steps: int = STEPS["kommune"]   # states per chain
    scheduler: str | None = None  # a Dask scheduler address; None: local processes

    def kept(self) -> list[np.ndarray]:
        """Per chain: the state indices kept (after burn-in, thinned evenly, last state kept)."""
        start = int(self.steps * BURN_IN)
        span = self.steps - start
        out, chains = [], min(self.chains, self.n)
        for c in range(chains):
            count = self.n // chains + (c < self.n % chains)
            out.append(start + (np.arange(1, count + 1) * span) // max(count, 1) - 1)
        return out


@dataclass(frozen=True)
class Sample:
    """Plans (N × units, canonical labels 0..K−1) and the chain (1..C) each plan came from."""
    labels: np.ndarray
    chain: np.ndarray


def _pct(x: float) -> str:
    return f"{100 * x:.1f}".replace(".", ",") + " %"


def _int(x: float) -> str:
    return f"{int(round(x)):,}".replace(",", " ")


def smallest_tolerance(year: int, level: str, k: int) -> tuple[float, str]:
    """A lower bound of the tolerance any plan of `k` regions needs, and the unit that sets it.

    No region can be smaller than its largest unit, so the largest unit's excess over the ideal
    size P/K is a floor (the exact smallest tolerance can be higher).
    """
    nodes = units(year, level).nodes
    ideal = nodes["folkemengde"].sum() / k
    top = nodes.loc[nodes["folkemengde"].idxmax()]
    return max(0.0, top["folkemengde"] / ideal - 1), str(top["navn"])


def check_regions(year: int, level: str, k: int) -> None:
    """Raise EnsembleError unless 2 ≤ k ≤ the number of units."""
    nodes = units(year, level).nodes
    unit_word = "fylker" if level == "fylke" else "kommuner"
    if not 2 <= k <= len(nodes):
        raise EnsembleError(f"{k} regioner av {len(nodes)} {unit_word} i {year} "
                            f"er ikke mulig (må være mellom 2 og {len(nodes)})")


def check_request(req: Request) -> None:
    """Raise EnsembleError with a clear message when the request cannot be met."""
    nodes = units(req.year, req.level).nodes
    check_regions(req.year, req.level, req.regions)
    if req.n < 1:
        raise EnsembleError("antall planer (--n) må være minst 1")
    per_chain = -(-req.n // min(req.chains, req.n))
    if req.steps - int(req.steps * BURN_IN) < per_chain:
        raise EnsembleError(
            f"{req.steps} steg per kjede er for få til {per_chain} planer per kjede etter at de første "
            f"{100 * BURN_IN:.0f} % er forkastet (--steps må være minst "
            f"{math.ceil(per_chain / (1 - BURN_IN))})")
    if req.keep_ba and req.level != "kommune":
        raise EnsembleError("--keep-ba virker bare med kommuner som byggesteiner (--units kommune): "
                            "hele fylker kan ikke holde sammen BA-regioner som krysser fylkesgrensene")
    if req.tolerance_rule not in TOLERANCE_RULES:
        raise EnsembleError(f"ukjent toleranseregel {req.tolerance_rule!r}")
    if not 0 < req.tolerance < 10:
        raise EnsembleError(f"toleransen {req.tolerance} må være et positivt tall (0.1 = 10 %)")
    bound, name = smallest_tolerance(req.year, req.level, req.regions)
    if req.tolerance < bound:
        ideal = nodes["folkemengde"].sum() / req.regions
        biggest = nodes["folkemengde"].max()
        need = math.ceil(bound * 1000 + 1e-9) / 1000
        raise EnsembleError(
            f"toleransen {_pct(req.tolerance)} kan ikke oppfylles: {name} alene har "
            f"{_int(biggest)} innbyggere ({req.year}), {_pct(bound)} over idealstørrelsen "
            f"{_int(ideal)} for {req.regions} regioner. Minste mulige toleranse er minst "
            f"{_pct(need)} (--tolerance {need:g}).")


def _gerry_graph(year: int, level: str, keep_ba: bool):
    from gerrychain import Graph

    graph = adjacency(year, level).copy()
    if keep_ba and level == "kommune":
        ctx = context(year)
        ba = dict(zip(ctx.codes, ctx.ba))
        for node in graph:
            graph.nodes[node]["ba"] = None if ba[node] < 0 else int(ba[node])
    return Graph.from_networkx(graph)


def starting_plan(graph, k: int, tolerance: float, rng: random.Random,
                  surcharge: dict | None = None) -> dict | None:
    """A plan of `k` connected regions within `tolerance` drawn on a GerryChain `graph` (node →
    region), or None when `SEED_TRIES` recursive spanning-tree draws all fail (not a proof that
    none exists)."""
    from gerrychain.partition.initial_partition_generators import recursive_tree_part
    from gerrychain.tree import bipartition_tree

    ideal = sum(graph.node_data(n)["folkemengde"] for n in graph.node_indices) / k
    seed_split = partial(bipartition_tree, max_attempts=SEED_ATTEMPTS, warn_attempts=10 * SEED_ATTEMPTS,
                         region_surcharge=surcharge)
    for _ in range(SEED_TRIES):
        try:
            return recursive_tree_part(graph, range(k), ideal, "folkemengde", tolerance,
                                       bipartition_tree_fn=seed_split, rng=rng)
        except Exception:  # GerryChain raises RuntimeError/BipartitionWarning-derived errors
            continue
    return None


def _chain(req: Request, chain: int, keep: np.ndarray, progress: bool = False) -> np.ndarray:
    """The kept plans (len(keep) × units, region labels) of one ReCom chain of `req.steps` states,
    units in `units().nodes` order; `keep` are sorted state indices."""
    from gerrychain import MarkovChain, Partition
    from gerrychain.accept import always_accept
    from gerrychain.constraints import within_percent_of_ideal_population
    from gerrychain.proposals import recom
    from gerrychain.tree import bipartition_tree
    from gerrychain.updaters import Tally, cut_edges

    rng = random.Random(req.seed * 1000 + chain)
    graph = _gerry_graph(req.year, req.level, req.keep_ba)
    order = list(units(req.year, req.level).nodes["kode"])
    ideal = sum(graph.node_data(n)["folkemengde"] for n in graph.node_indices) / req.regions
    split = partial(bipartition_tree, max_attempts=MAX_ATTEMPTS, warn_attempts=10 * MAX_ATTEMPTS)
    surcharge = {"ba": BA_SURCHARGE} if req.keep_ba and req.level == "kommune" else None
    assignment = starting_plan(graph, req.regions, req.tolerance, rng, surcharge)
    if assignment is None:
        bound, _ = smallest_tolerance(req.year, req.level, req.regions)
        raise EnsembleError(
            f"fant ingen plan med {req.regions} sammenhengende regioner innenfor toleransen "
            f"{_pct(req.tolerance)} etter {SEED_TRIES} forsøk (den teoretiske nedre grensen er "
            f"{_pct(bound)}); prøv en større --tolerance")
    start = Partition(graph, assignment, updaters={
        "population": Tally("folkemengde", alias="population"), "cut_edges": cut_edges})
    step = partial(recom, pop_col="folkemengde", pop_target=ideal, epsilon=req.tolerance,
                   region_surcharge=surcharge, bipartition_tree_fn=split)
    walk = MarkovChain(step, [within_percent_of_ideal_population(start, req.tolerance)],
                       always_accept, start, total_steps=req.steps, rng=rng)
    frozen = start.graph
    column = {code: i for i, code in enumerate(order)}
    internal = sorted(start.assignment.mapping)
    cols = np.array([column[frozen.original_nx_node_id_for_internal_node_id(n)] for n in internal])
    out = np.empty((len(keep), len(order)), dtype=np.int16)
    wanted = {int(i): j for j, i in enumerate(keep)}
    iterator = walk
    if progress:
        from tqdm import tqdm
        iterator = tqdm(walk, total=req.steps, desc=f"kjede {chain + 1}", file=sys.stderr, leave=False)
    for i, state in enumerate(iterator):
        if i in wanted:
            mapping = state.assignment.mapping
            out[wanted[i], cols] = [mapping[n] for n in internal]
    return out


def _chain_job(args) -> np.ndarray:
    return _chain(*args)


def canonical(labels: np.ndarray) -> np.ndarray:
    """Relabel each plan's regions 0..K−1 in order of first appearance over the units."""
    labels = np.asarray(labels)
    out = np.empty_like(labels, dtype=np.int16)
    for i, row in enumerate(labels):
        _, first = np.unique(row, return_index=True)
        order = np.argsort(first)
        remap = np.empty(int(row.max()) + 1, dtype=np.int16)
        remap[np.unique(row)[order]] = np.arange(len(order))
        out[i] = remap[row]
    return out


def _pool(jobs: int):
    """The executor the chains run on: the process guard's pool, whose workers die with this
    process (SIGKILL too) and are killed at once on Ctrl-C or SIGTERM."""
    return guarded_pool(jobs)


def check_scheduler(address: str) -> None:
    """Refuse an address that is not `tcp://host:port` (or tls/ucx with a port, or inproc)."""
    if not re.fullmatch(r"(?:(?:tcp|tls|ucx)://[\w.\-\[\]:]+:\d+|inproc://[\w.\-/]+)", address):
        raise EnsembleError(f"ugyldig adresse til Dask-planleggeren: {address!r} "
                            "(skriv den som tcp://vert:port, f.eks. tcp://10.0.0.5:8786)")


def _on_dask(req: Request, kept: list[np.ndarray]) -> list[np.ndarray]:
    """The chains as tasks on the Dask scheduler `req.scheduler`, results in chain order."""
    check_scheduler(req.scheduler)
    try:
        from distributed import Client
    except ImportError:
        raise EnsembleError("--scheduler krever pakken distributed "
                            "(pip install 'regionanalyse[dask]')") from None
    try:
        client = Client(req.scheduler, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise EnsembleError(f"får ikke kontakt med Dask-planleggeren {req.scheduler}: {exc}") from None
    with client:
        futures = [client.submit(_chain_job, (req, c, k, False), pure=False) for c, k in enumerate(kept)]
        return client.gather(futures)


def sample(req: Request) -> Sample:
    """N plans with their chain numbers; see the module docstring."""
    check_request(req)
    kept = req.kept()
    show = sys.stderr.isatty()
    jobs = max(1, min(req.jobs, len(kept)))
    if req.scheduler:
        parts = _on_dask(req, kept)
    elif jobs == 1:
        parts = [_chain(req, c, k, progress=show) for c, k in enumerate(kept)]
    else:
        with _pool(jobs) as pool:
            futures = [pool.submit(_chain_job, (req, c, k, False)) for c, k in enumerate(kept)]
            if show:
                from tqdm import tqdm
                for _ in tqdm(futures, desc="kjeder", file=sys.stderr, leave=False):
                    _.result()
            parts = [f.result() for f in futures]
    chain = np.concatenate([np.full(len(k), c + 1, dtype=np.int16) for c, k in enumerate(kept)])
    return Sample(canonical(np.concatenate(parts)), chain)


def generate(req: Request) -> np.ndarray:
    """N plans (N × units of the level, canonical labels 0..K−1); see `sample`."""
    return sample(req).labels


def to_kommune_labels(labels: np.ndarray, year: int, level: str) -> np.ndarray:
    """Labels over the year's kommuner (scores' unit order) from labels over `level` units."""
    if level == "kommune":
        return labels
    kommune = units(year, "kommune").nodes
    fylker = list(units(year, "fylke").nodes["kode"])
    idx = kommune["fylkesnummer"].map({f: i for i, f in enumerate(fylker)}).to_numpy()
    return labels[:, idx]
