"""Does a headline share survive other rules? The same comparison under nearby rules (issue 19).

Rules (`rules`): the comparison's own (first row), the default rule's tolerance, 25 %, 50 %, the
proposal's own largest deviation, K − 1 and K + 1 regions (under the default rule for that K when
the comparison used it, else at the same tolerance) and the neighbour graph without sea edges
(land borders only: no bridge, tunnel or ferry of data/raw/sjoforbindelser.csv). A rule already
listed (same tolerance, K and graph) is not repeated.

Fylke units: every plan counted (`enumerate.py`), cheap, so always. Kommune units: each rule is a
ReCom sample of the comparison's size, chains and steps, with R-hat and ESS per score, so it costs
a run per rule and is made only on request (`--sveip`); the first row reuses the comparison's own
plans. A rule no plan can meet is a row saying why (the largest unit alone above the bound; a
land-only area too small to be a region), never a guess; so is one with more plans than the limit.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import networkx as nx
import numpy as np
import pandas as pd

from ..indicators.scores import context, score_labels
from ..memo import memo
from ..territory.adjacency import adjacency, units
from . import diagnostics
from .enumerate import splitter
from .generate import EnsembleError, Request, _int, _pct, sample, smallest_tolerance, to_kommune_labels
from .tolerance import default_rule, own_tolerance

HEADLINE = ["befolkningsavvik_maks", "ba_delt", "bosatt_delt_ba", "avstand_snitt_km", "kommuner_maks"]
COLUMNS = ["regel", "toleranse", "regioner", "planer", "maal", "andel_lavere", "andel_lik",
           "andel_hoyere", "merknad", "metode", "rhat", "ess"]
MAIN = {"standard": "standardregelen", "forslaget": "forslagets toleranse",
        "oppgitt": "oppgitt toleranse"}
SEA_RULE = "uten sjøforbindelser"


@dataclass(frozen=True)
class Rule:
    """One row group of the sweep: K regions within `tolerance` on the graph with (or without)
    sea edges."""
    label: str
    tolerance: float
    k: int
    sea: bool = True


def rules(req: Request, own_deviation: float) -> list[Rule]:
    """The rules of the sweep around `req` (module docstring), the comparison's own first."""
    n_units = len(units(req.year, req.level).nodes)
    out = [Rule(MAIN[req.tolerance_rule], req.tolerance, req.regions)]
    out.append(Rule("standardregelen", default_rule(req.year, req.level, req.regions), req.regions))
    out += [Rule("toleranse 25 %", 0.25, req.regions), Rule("toleranse 50 %", 0.5, req.regions),
            Rule("forslagets toleranse", own_tolerance(own_deviation), req.regions)]
    for k in (req.regions - 1, req.regions + 1):
        if 2 <= k <= n_units:
            t = default_rule(req.year, req.level, k) if req.tolerance_rule == "standard" else req.tolerance
            out.append(Rule(f"{k} regioner", t, k))
    out.append(Rule(SEA_RULE, req.tolerance, req.regions, sea=False))
    seen, unique = set(), []
    for rule in out:
        key = (round(rule.tolerance, 9), rule.k, rule.sea)
        if key not in seen:
            seen.add(key)
            unique.append(rule)
    return unique


def land_only(graph: nx.Graph) -> nx.Graph:
    """`graph` without its sea edges (bridge, tunnel, ferry): neighbours over land only."""
    out = graph.copy()
    out.remove_edges_from([(a, b) for a, b, kind in graph.edges(data="type") if kind == "sjø"])
    return out


def impossible(year: int, level: str, rule: Rule) -> str:
    """Why no plan can meet `rule` where that follows from the populations alone (else "")."""
    bound, name = smallest_tolerance(year, level, rule.k)
    if rule.tolerance < bound:
        return (f"ingen plan oppfyller regelen: {name} alene er {_pct(bound)} over "
                "idealstørrelsen")
    if rule.sea:
        return ""
    graph = land_only(adjacency(year, level))
    lo = (1 - rule.tolerance) * sum(p for _, p in graph.nodes(data="folkemengde")) / rule.k
    small = [c for c in nx.connected_components(graph)
             if sum(graph.nodes[u]["folkemengde"] for u in c) < lo]
    if not small:
        return ""
    smallest = min(small, key=lambda c: sum(graph.nodes[u]["folkemengde"] for u in c))
    names = ", ".join(sorted(graph.nodes[u]["navn"] for u in smallest))
    people = _int(sum(graph.nodes[u]["folkemengde"] for u in smallest))
    return (f"ingen plan oppfyller regelen: uten sjøforbindelser har {len(small)} "
            f"{'område' if len(small) == 1 else 'områder'} ingen landforbindelse til resten og er "
            f"for små til å være egne regioner (det minste: {names}, {people} innbyggere)")


def _rows(base: dict, scores: pd.DataFrame, own: pd.Series, method: str,
          chain: np.ndarray | None = None) -> list[dict]:
    """Shares below/equal/above the proposal per HEADLINE score, with R-hat and ESS of chains."""
    rows = []
    for m in HEADLINE:
        values = scores[m].to_numpy(dtype=float)
        value = float(own[m])
        lower, equal = int((values < value).sum()), int((values == value).sum())
        counts = (("lavere", lower), ("lik", equal), ("hoyere", len(values) - lower - equal))
        rows.append({**base, "planer": len(values), "maal": m,
                     **{f"andel_{w}": 100 * c / len(values) for w, c in counts}, "merknad": "",
                     "metode": method,
                     "rhat": diagnostics.rhat(values, chain) if chain is not None else np.nan,
                     "ess": diagnostics.ess(values, chain) if chain is not None else np.nan})
    return rows


def _missing(base: dict, why: str, total: int = 0) -> list[dict]:
    return [{**base, "planer": total, "maal": m, "merknad": why, "metode": ""} for m in HEADLINE]


@memo(16)
def _every_plan(year: int, k: int, tolerance: float, sea: bool, limit: int,
                decimals: int) -> tuple[int, pd.DataFrame | None]:
    """The number of fylke plans under a rule and, up to `limit`, their scores (kept: the same
    rules recur for every proposal of a year)."""
    graph = adjacency(year, "fylke")
    split = splitter(year, k, tolerance, graph if sea else land_only(graph))
    total = split.total()
    if not total or total > limit:
        return total, None
    return total, score_labels(context(year), to_kommune_labels(split.labels(), year, "fylke")
                               ).round(decimals)


def _counted(req: Request, rule: Rule, own: pd.Series, limit: int, decimals: int) -> list[dict]:
    base = {"regel": rule.label, "toleranse": rule.tolerance, "regioner": rule.k}
    total, scores = _every_plan(req.year, rule.k, rule.tolerance, rule.sea, limit, decimals)
    if not total:
        return _missing(base, impossible(req.year, "fylke", rule) or "ingen plan oppfyller regelen")
    if scores is None:
        return _missing(base, f"{total} planer, flere enn det som telles opp ({limit})", total)
    return _rows(base, scores, own, "eksakt")


def _drawn(req: Request, rule: Rule, own: pd.Series, decimals: int) -> list[dict]:
    base = {"regel": rule.label, "toleranse": rule.tolerance, "regioner": rule.k}
    why = impossible(req.year, req.level, rule)
    if why:
        return _missing(base, why)
    if not rule.sea:
        return _missing(base, "ikke trukket: uten sjøforbindelser henger naboskapet ikke sammen, "
                              "og ReCom trekker bare i et sammenhengende naboskap")
    try:
        drawn = sample(replace(req, tolerance=rule.tolerance, regions=rule.k))
    except EnsembleError as exc:
        return _missing(base, f"ingen plan funnet ({exc}); det er ikke et bevis for at ingen finnes")
    scores = score_labels(context(req.year), drawn.labels).round(decimals)  # kommune units
    return _rows(base, scores, own, "utvalg", np.asarray(drawn.chain))


def sweep(req: Request, own: pd.Series, limit: int, main: pd.DataFrame, method: str,
          chained: bool, decimals: int = 6) -> pd.DataFrame:
    """Shares of plans below, equal to and above the proposal's value (`own`, rounded as stored)
    on each HEADLINE score under each rule of `rules`. The first row is the comparison itself:
    `main` (its scores, with ``kjede``), found by `method`, with R-hat and ESS when `chained`.
    Then fylke units: counted (at most `limit` plans per rule); kommune units: drawn."""
    first, *others = rules(req, float(own["befolkningsavvik_maks"]))
    base = {"regel": first.label, "toleranse": first.tolerance, "regioner": first.k}
    out = _rows(base, main, own, method, main["kjede"].to_numpy() if chained else None)
    for rule in others:
        out += (_counted(req, rule, own, limit, decimals) if req.level == "fylke"
                else _drawn(req, rule, own, decimals))
    return pd.DataFrame(out, columns=COLUMNS)


__all__ = ["COLUMNS", "HEADLINE", "Rule", "land_only", "rules", "sweep"]
