"""Does a headline share survive other rules? The same comparison under nearby rules.

Counted exactly, so only where every plan can be counted (fylke units, `EXACT_LIMIT`): the
proposal's tolerance, 50 % and 25 %, and K − 1 and K + 1 regions at the proposal's tolerance
(issue 19: the default tolerance is the proposal's own largest deviation, so a top place on
balance follows from the rule; the sweep shows how much each share depends on it). A rule no
plan can meet, or one with more plans than the limit, is a row saying so, never a guess.
"""
from __future__ import annotations

import pandas as pd

from ..indicators.scores import context, score_labels
from .enumerate import count_plans, exact_plans
from .generate import EnsembleError, Request, smallest_tolerance, to_kommune_labels

HEADLINE = ["befolkningsavvik_maks", "ba_delt", "bosatt_delt_ba", "avstand_snitt_km", "kommuner_maks"]
COLUMNS = ["regel", "toleranse", "regioner", "planer", "maal", "andel_lavere", "andel_lik",
           "andel_hoyere", "merknad"]


def rules(req: Request) -> list[tuple[str, float, int]]:
    """(label, tolerance, K) of the sweep around `req`."""
    out = [("forslagets toleranse", req.tolerance, req.regions)]
    out += [(f"toleranse {round(100 * t)} %", t, req.regions) for t in (0.5, 0.25)
            if abs(t - req.tolerance) > 1e-9]
    out += [(f"{k} regioner", req.tolerance, k) for k in (req.regions - 1, req.regions + 1) if k >= 2]
    return out


def sweep(req: Request, own: pd.Series, limit: int, decimals: int = 6) -> pd.DataFrame:
    """Shares of plans below, equal to and above the proposal's value (`own`, rounded as
    stored) on each HEADLINE score, for each rule of `rules(req)`; fylke units only."""
    if req.level != "fylke":
        raise ValueError("the sweep counts fylke plans only")
    ctx = context(req.year)
    rows = []
    for label, tolerance, k in rules(req):
        base = {"regel": label, "toleranse": tolerance, "regioner": k}
        bound, _ = smallest_tolerance(req.year, "fylke", k)
        total = count_plans(req.year, k, tolerance) if tolerance >= bound else 0
        if not total or total > limit:
            why = ("ingen plan oppfyller regelen" if not total else
                   f"{total} planer, flere enn det som telles opp ({limit})")
            rows += [{**base, "planer": total, "maal": m, "merknad": why} for m in HEADLINE]
            continue
        try:
            labels = exact_plans(req.year, k, tolerance, limit)
        except EnsembleError:
            labels = None
        scores = score_labels(ctx, to_kommune_labels(labels, req.year, "fylke")).round(decimals)
        for m in HEADLINE:
            values = scores[m].to_numpy(dtype=float)
            value = float(own[m])
            lower, equal = int((values < value).sum()), int((values == value).sum())
            higher = len(values) - lower - equal
            rows.append({**base, "planer": len(values), "maal": m,
                         **{f"andel_{w}": 100 * c / len(values)
                            for w, c in (("lavere", lower), ("lik", equal), ("hoyere", higher))},
                         "merknad": ""})
    return pd.DataFrame(rows, columns=COLUMNS)


__all__ = ["HEADLINE", "rules", "sweep"]
