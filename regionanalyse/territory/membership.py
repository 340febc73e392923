"""Which kommuner make up each region, in the proposal's own codes and in any year's codes."""
from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd

from ..model import Proposal
from ..sources import codes, population


def expand(proposal: Proposal) -> pd.DataFrame:
    """Kommuner of the proposal's vintage with their region.

    Columns: kommunenummer, kommunenavn, fylkesnummer, fylkesnavn, region, member.
    Unknown codes are skipped here (validation reports them); a kommune named in two
    regions appears twice.
    """
    return _expand(proposal.vintage, tuple((r.name, r.members) for r in proposal.regions))


@lru_cache(maxsize=64)
def _expand(vintage: int, regions: tuple) -> pd.DataFrame:
    kommuner = codes.kommuner(vintage)
    by_fylke = kommuner.groupby("fylkesnummer")
    by_code = kommuner.set_index("kommunenummer", drop=False)
    parts = []
    for name, members in regions:
        for member in members:
            if len(member) == 2 and member in by_fylke.groups:
                part = by_fylke.get_group(member)
            elif len(member) == 4 and member in by_code.index:
                part = by_code.loc[[member]]
            else:
                continue
            parts.append(part.assign(region=name, member=member))
    columns = [*kommuner.columns, "region", "member"]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]


def _key(proposal: Proposal) -> tuple:
    """The proposal's regions as a cache key."""
    return tuple((r.name, r.members) for r in proposal.regions)


def assign(proposal: Proposal, year: int) -> pd.DataFrame:
    """Kommuner valid in `year` with the region they belong to under the proposal.

    Columns: kommunenummer, region, exact, note. `exact` is False where a kommune of
    `year` was formed from (or split into) kommuner of the vintage that lie in different
    regions (e.g. Heim 2020 from Hemne, Snillfjord and Halsa); it is then counted in the
    region holding most of its vintage population, and `note` says so.
    """
    return assign_years(proposal, (year,)).drop(columns="aar")


def assign_years(proposal: Proposal, years: Iterable[int]) -> pd.DataFrame:
    """`assign` for each of `years` in one table, the year in a first column aar."""
    return _assign(proposal.vintage, _key(proposal), tuple(years)).copy()


def coverage(proposal: Proposal, years: Iterable[int]) -> pd.DataFrame:
    """For each of `years`: every kommune of that year and each region its territory lies in
    (under the proposal, in the vintage's codes), with the vintage population it holds there.

    Columns: aar, kommunenummer, region, w; sorted by year, kommune and falling w, so a
    kommune's first row is the region `assign` counts it in.
    """
    return _coverage(proposal.vintage, _key(proposal), tuple(years)).copy()


@lru_cache(maxsize=64)
def _coverage(vintage: int, regions: tuple, years: tuple) -> pd.DataFrame:
    pop = population.kommune_population(vintage)[["kommunenummer", "folkemengde"]]
    base = (_expand(vintage, regions).drop_duplicates("kommunenummer")[["kommunenummer", "region"]]
            .merge(pop, on="kommunenummer", how="left"))
    frames = [codes.crosswalk(year, vintage) for year in years]
    cross = pd.concat(frames, ignore_index=True).assign(
        aar=np.repeat(years, [len(f) for f in frames]))
    merged = cross.merge(base, left_on="code_to", right_on="kommunenummer")
    merged["w"] = merged["weight"] * merged["folkemengde"].fillna(1)
    shares = merged.groupby(["aar", "code_from", "region"], as_index=False)["w"].sum()
    shares = shares.sort_values(["aar", "code_from", "w"], ascending=[True, True, False])
    return shares.rename(columns={"code_from": "kommunenummer"}).reset_index(drop=True)


@lru_cache(maxsize=256)
def _assign(vintage: int, regions: tuple, years: tuple) -> pd.DataFrame:
    shares = _coverage(vintage, regions, years)
    kommune = ["aar", "kommunenummer"]
    several = shares.duplicated(kommune, keep=False)
    first = ~shares.duplicated(kommune)
    out = shares.loc[first, [*kommune, "region"]]
    out["exact"] = ~several[first]
    n_regions = shares[several].groupby(kommune)["region"].agg(list)
    names = codes.code_list()["kommunenavn"]
    out["note"] = [
        "" if exact else
        f"{names[k]} ({k}) omfatter deler av {' og '.join(n_regions[(year, k)])} i {vintage}-"
        f"inndelingen; talt med i {region}"
        for year, k, region, exact in zip(*(out[c].tolist()
                                            for c in [*kommune, "region", "exact"]))]
    return out.reset_index(drop=True)


def fylke_composition(proposal: Proposal, fylke_year: int) -> pd.DataFrame:
    """Per region: the fylker of `fylke_year` it covers, and whether it covers them whole.

    Columns: region, fylker (frozenset), whole (bool), partial (fylker only partly inside).
    """
    assigned = assign(proposal, fylke_year)
    kommuner = codes.kommuner(fylke_year)[["kommunenummer", "fylkesnummer", "fylkesnavn"]]
    assigned = assigned.merge(kommuner, on="kommunenummer")
    fylke_regions = assigned.groupby("fylkesnummer")["region"].nunique()
    rows = []
    for region, group in assigned.groupby("region", sort=False):
        fylker = frozenset(group["fylkesnummer"])
        partial = sorted(f for f in fylker if fylke_regions[f] > 1)
        rows.append({"region": region, "fylker": fylker,
                     "whole": not partial and bool(group["exact"].all()),
                     "partial": partial})
    return pd.DataFrame(rows)
