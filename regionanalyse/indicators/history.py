"""Population history 2005–2026 on a proposal's borders, chain-linked across code changes."""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from ..model import Proposal
from ..sources import codes, population
from ..territory import membership


def _shared_regions(proposal: Proposal, year: int) -> set[str]:
    """Regions that share a kommune of `year` with another region (its territory lies in
    both under the proposal's own codes)."""
    base = membership.expand(proposal).drop_duplicates("kommunenummer")
    cross = codes.crosswalk(year, proposal.vintage).merge(
        base[["kommunenummer", "region"]], left_on="code_to", right_on="kommunenummer")
    pairs = cross[["code_from", "region"]].drop_duplicates()
    return set(pairs.loc[pairs.duplicated("code_from", keep=False), "region"])


def step_groups(year: int) -> tuple[tuple[frozenset, frozenset], ...]:
    """Groups of kommuner covering the same territory on 1 January of `year` - 1 and `year`."""
    return codes.territory_groups(year - 1, year)


def population_history(proposal: Proposal, region: str | None = None) -> pd.DataFrame:
    """Population 2005–2026 of each region (or one) and Norway; see `_history`."""
    table = _history(proposal)
    if region is not None:
        table = table[table["region"].isin([region, "Norge"])]
    return table.reset_index(drop=True)  # a copy: the cached table stays as computed


@lru_cache(maxsize=32)
def _history(proposal: Proposal) -> pd.DataFrame:
    """Population 2005–2026 of each region (or one) and Norway, chain-linked index 2005 = 100.

    Each year's growth is computed on a common basis: the kommuner of the two years are
    joined into groups covering the same territory (`step_groups`), each group is counted in
    the region holding most of its population, and growth is the group sum of the year over
    the same groups the year before. A kommune moving between regions through a merger is
    therefore never shown as growth or loss. `folkemengde` is the level as counted that year.

    Columns: region, aar, folkemengde, indeks, brudd (True where the year's boundary is
    approximate for the region: a kommune or year step covers parts of it and of another
    region; both the gaining and the losing region are marked), exact (= not brudd).
    """
    names = [r.name for r in proposal.regions]
    rows = []
    index = dict.fromkeys(names, 100.0)
    previous = None
    base_national = population.national_population(population.YEARS[0])
    for year in population.YEARS:
        assigned = dict(membership.assign(proposal, year)[["kommunenummer", "region"]]
                        .itertuples(index=False))
        table = population.kommune_population(year)
        pop = dict(zip(table["kommunenummer"], table["folkemengde"].astype(int)))
        level = dict.fromkeys(names, 0)
        for code, value in pop.items():
            level[assigned[code]] += value
        brudd = _shared_regions(proposal, year)
        if previous is not None:
            prev_assigned, prev_pop = previous
            num = dict.fromkeys(names, 0.0)
            den = dict.fromkeys(names, 0.0)
            for old, new in step_groups(year):
                shares: dict[str, float] = {}
                for code in new:
                    shares[assigned[code]] = shares.get(assigned[code], 0.0) + pop[code]
                for code in old:
                    shares.setdefault(prev_assigned[code], 0.0)
                if len(shares) > 1:
                    brudd |= set(shares)
                target = max(shares, key=shares.get)
                num[target] += sum(pop[c] for c in new)
                den[target] += sum(prev_pop[c] for c in old)
            for name in names:
                index[name] *= num[name] / den[name]
        previous = (assigned, pop)
        for name in names:
            rows.append({"region": name, "aar": year, "folkemengde": int(level[name]),
                         "indeks": index[name], "brudd": name in brudd})
        national = sum(pop.values())
        rows.append({"region": "Norge", "aar": year, "folkemengde": national,
                     "indeks": 100 * national / base_national, "brudd": False})
    table = pd.DataFrame(rows)
    table["exact"] = ~table["brudd"]
    return table
