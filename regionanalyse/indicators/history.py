"""Population history 2005–2026 on a proposal's borders, chain-linked across code changes."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..memo import memo
from ..model import Proposal
from ..sources import population, succession
from ..territory import membership

YEARS = population.YEARS


@memo(None)
def _kommune_years() -> pd.Series:
    """Population of every kommune in every year, indexed by aar and kommunenummer."""
    table = pd.concat([population.kommune_population(year) for year in YEARS], ignore_index=True)
    return table.set_index(["aar", "kommunenummer"])["folkemengde"]


@memo(None)
def _steps() -> pd.DataFrame:
    """The territory groups of every year step (`succession.territory_groups` of the year before
    and the year), one row per kommune and step: aar (the step's year), group (numbered over
    all steps), row (the kommune's position in `_kommune_years`) and new (a kommune of aar,
    not of aar - 1)."""
    frames = [succession.crosswalk(year - 1, year) for year in YEARS[1:]]
    cross = pd.concat(frames, ignore_index=True).assign(
        aar=np.repeat(YEARS[1:], [len(f) for f in frames]),
        group=np.concatenate([succession.territory_group_numbers(year - 1, year)
                              for year in YEARS[1:]]))
    cross["group"] = cross.groupby(["aar", "group"]).ngroup()
    kommuner = _kommune_years().index
    sides = []
    for column, shift, new in (("code_from", -1, False), ("code_to", 0, True)):
        side = cross.drop_duplicates(["aar", column])
        key = pd.MultiIndex.from_arrays([side["aar"] + shift, side[column]])
        sides.append(pd.DataFrame({"aar": side["aar"], "group": side["group"],
                                   "row": kommuner.get_indexer(key), "new": new}))
    return pd.concat(sides, ignore_index=True)


def _regions(proposal: Proposal) -> np.ndarray:
    """For each kommune of `_kommune_years`: the position, in the proposal's regions, of the
    region it is counted in that year (`membership.assign`)."""
    kommuner = _kommune_years().index
    assigned = membership.assign_years(proposal, YEARS)
    rows = kommuner.get_indexer(pd.MultiIndex.from_frame(assigned[["aar", "kommunenummer"]]))
    region = np.full(len(kommuner), -1)
    region[rows] = pd.Index(proposal.region_names()).get_indexer(assigned["region"])
    if (region < 0).any():  # a proposal not covering every kommune (not validated)
        missing = kommuner.get_level_values("kommunenummer")[region < 0]
        raise KeyError(f"kommuner uten region: {', '.join(sorted(set(missing)))}")
    return region


def _per_year_and_region(n_regions: int, year, region, values, dtype=np.int64) -> np.ndarray:
    """`values` summed into one row per year and one column per region."""
    out = np.zeros((len(YEARS), n_regions), dtype)
    np.add.at(out, (np.asarray(year) - YEARS[0], region), values)
    return out


def _step_growth(region: np.ndarray, n_regions: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per year and region: the population of the year and of the year before (as float) in
    the groups of the year step counted in the region (the one holding most of the group's
    population of the year), and whether a group of the step covers it and another region."""
    steps = _steps()
    year, group, new = steps["aar"].to_numpy(), steps["group"].to_numpy(), steps["new"].to_numpy()
    member_region = region[steps["row"]]
    member_pop = _kommune_years().to_numpy()[steps["row"]]
    shares = pd.DataFrame({"group": group[new], "region": member_region[new],
                           "pop": member_pop[new]})
    largest = (shares.groupby(["group", "region"], as_index=False)["pop"].sum()
               .sort_values(["group", "pop"], ascending=[True, False]).drop_duplicates("group"))
    target = np.zeros(group.max() + 1, np.int64)
    target[largest["group"]] = largest["region"]
    now = _per_year_and_region(n_regions, year[new], target[group[new]], member_pop[new], float)
    old = ~new
    before = _per_year_and_region(n_regions, year[old], target[group[old]], member_pop[old], float)
    mixed = pd.Series(member_region).groupby(group).transform("nunique").to_numpy() > 1
    return now, before, _per_year_and_region(n_regions, year[mixed], member_region[mixed], 1) > 0


def _shared_regions(proposal: Proposal) -> np.ndarray:
    """Per year and region: whether the region shares a kommune of the year with another
    region (its territory lies in both under the proposal's own codes)."""
    cover = membership.coverage(proposal, YEARS)
    cover = cover[cover.duplicated(["aar", "kommunenummer"], keep=False)]
    names = proposal.region_names()
    region = pd.Index(names).get_indexer(cover["region"])
    return _per_year_and_region(len(names), cover["aar"], region, 1) > 0


def population_history(proposal: Proposal, region: str | None = None) -> pd.DataFrame:
    """Population 2005–2026 of each region (or one) and Norway; see `_history`."""
    table = _history(proposal)
    if region is not None:
        table = table[table["region"].isin([region, "Norge"])]
    return table.reset_index(drop=True)  # a copy: the cached table stays as computed


@memo(32)
def _history(proposal: Proposal) -> pd.DataFrame:
    """Population 2005–2026 of each region (or one) and Norway, chain-linked index 2005 = 100.

    Each year's growth is computed on a common basis: the kommuner of the two years are
    joined into groups covering the same territory (`succession.territory_groups`), each group is
    counted in the region holding most of its population, and growth is the group sum of the
    year over the same groups the year before. A kommune moving between regions through a
    merger is therefore never shown as growth or loss. `folkemengde` is the level as counted
    that year.

    Columns: region, aar, folkemengde (Int64; missing in a year no kommune is counted in the
    region), indeks (missing from the year the region's land is all counted in another region,
    e.g. its one kommune merged into a larger one elsewhere), brudd (True where the year's
    boundary is approximate for the region: a kommune or year step covers parts of it and of
    another region, both the gaining and the losing region marked; and where the index is
    missing).
    """
    names = proposal.region_names()
    region = _regions(proposal)
    pop = _kommune_years()
    level = _per_year_and_region(len(names), pop.index.get_level_values("aar"), region,
                                 pop.to_numpy())
    now, before, brudd = _step_growth(region, len(names))
    # a region whose land the year before is all counted elsewhere (a kommune of its own merged
    # into a larger one of another region) cannot be followed: no index from then on
    followed = before[1:] > 0
    growth = np.divide(now[1:], before[1:], out=np.full_like(now[1:], np.nan), where=followed)
    index = np.cumprod(np.vstack([np.full(len(names), 100.0), growth]), axis=0)
    brudd |= _shared_regions(proposal) | np.isnan(index)
    counted = _per_year_and_region(len(names), pop.index.get_level_values("aar"), region, 1) > 0
    national = level.sum(axis=1, keepdims=True)
    level = pd.array(np.hstack([level, national]).ravel(), dtype="Int64")
    level[~np.hstack([counted, np.ones_like(national, bool)]).ravel()] = pd.NA  # missing, not 0
    table = pd.DataFrame({
        "region": [*names, "Norge"] * len(YEARS),
        "aar": np.repeat(np.array(YEARS), len(names) + 1),
        "folkemengde": level,
        "indeks": np.hstack([index, 100 * national / national[0]]).ravel(),
        "brudd": np.hstack([brudd, np.zeros_like(national, bool)]).ravel()})
    return table
