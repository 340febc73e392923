"""The population tolerance of `regionanalyse alternatives`: a rule that does not look at the proposal.

**The default rule.** Start at 25 % of the ideal size P/K and raise the tolerance in whole steps of
5 percentage points to the smallest value at which plans of K connected regions exist:

- *fylke units*: decided by the exact count (`enumerate.count_plans`), a fact about the graph;
- *kommune units*: start no lower than the largest kommune's excess over the ideal plus 5 points
  (no region can be smaller than that kommune, Oslo; the margin keeps Oslo's region from being
  locked to Oslo alone, where no chain could move it), then raise until the sampler's start
  (`generate.starting_plan`, fixed seed `RULE_SEED`) draws a plan. A drawn plan proves that
  plans exist; a failed draw is not proof that none do, so the value is the smallest step at
  which one was found.

Why 25 %: it is the round share at which a region may hold a quarter more or less than an equal
share of the population, well below the built-in proposals' own deviations (65–154 %), so the
balance of the alternatives means something; where the population itself does not allow it
(Oslo alone is 39 % above 1/11 of Norway in 2016), the rule raises it no further than needed.

**Other rules.** ``forslaget``: the proposal's own largest deviation (rounded up to whole
percent; the proposal lands at the top of the balance distribution by construction), and a value
given with ``--tolerance``.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass

from ..indicators.scores import score
from ..memo import memo
from ..model import Proposal
from .enumerate import count_plans
from .generate import EnsembleError, _gerry_graph, smallest_tolerance, starting_plan

FLOOR = 0.25
STEP = 0.05
MARGIN = 0.05       # kommune units: points above the largest kommune's excess
CEILING = 5.0       # the rule gives up here (no K-region plan of Norway needs more)
RULE_SEED = 0       # the start draws of the kommune rule; independent of --seed


@dataclass(frozen=True)
class Choice:
    """Which rule chose the tolerance, and the value (a share: 0.4 = 40 %)."""
    rule: str      # one of generate.TOLERANCE_RULES
    value: float

    def as_json(self) -> dict:
        return {"rule": self.rule, "value": self.value}


def _steps(start: float):
    """Multiples of STEP from the first one ≥ `start` up to CEILING, as rounded shares."""
    i = math.ceil(round(start / STEP, 9))
    while i * STEP <= CEILING + 1e-9:
        yield round(i * STEP, 2)
        i += 1


def kommune_start(year: int, k: int) -> float:
    """The kommune rule's first value: FLOOR, or the largest kommune's excess over P/K plus
    MARGIN rounded up to a whole STEP, whichever is higher."""
    excess, _ = smallest_tolerance(year, "kommune", k)
    return next(_steps(max(FLOOR, excess + MARGIN)))


@memo(None)
def default_rule(year: int, level: str, k: int) -> float:
    """The default tolerance for K regions of `level` units in `year` (module docstring)."""
    if level == "fylke":
        for t in _steps(FLOOR):
            if count_plans(year, k, t):
                return t
    else:
        graph = _gerry_graph(year, level, False)
        for t in _steps(kommune_start(year, k)):
            if starting_plan(graph, k, t, random.Random(RULE_SEED)) is not None:
                return t
    raise EnsembleError(f"fant ingen plan med {k} regioner med toleranse opp til "
                        f"{100 * CEILING:.0f} %")


def own_tolerance(deviation: float) -> float:
    """The proposal's own largest deviation from P/K (a share), rounded up to whole percent."""
    return math.ceil(round(100 * deviation, 9)) / 100


def choose(proposal: Proposal, year: int, level: str, k: int, given: float | str | None) -> Choice:
    """The tolerance for `alternatives`: the default rule (None), the proposal's own
    ("forslaget") or a given share."""
    if given is None:
        return Choice("standard", default_rule(int(year), level, int(k)))
    if given == "forslaget":
        return Choice("forslaget", own_tolerance(float(score(proposal, year)["befolkningsavvik_maks"].iloc[0])))
    return Choice("oppgitt", float(given))


__all__ = ["Choice", "FLOOR", "STEP", "MARGIN", "choose", "default_rule", "kommune_start",
           "own_tolerance"]
