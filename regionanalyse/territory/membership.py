"""Which kommuner make up each region, in the proposal's own codes and in any year's codes."""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ..memo import memo
from ..model import Proposal
from ..sources import codes, population, succession


def expand(proposal: Proposal) -> pd.DataFrame:
    """Kommuner of the proposal's vintage with their region.

    Columns: kommunenummer, kommunenavn, fylkesnummer, fylkesnavn, region, member.
    Unknown codes are skipped here (validation reports them); a kommune named in two
    regions appears twice.
    """
    return _expand(proposal.vintage, tuple((r.name, r.members) for r in proposal.regions))


@memo(64)
def _expand(vintage: int, regions: tuple) -> pd.DataFrame:
    kommuner = codes.kommune_codes(vintage)
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

    Columns: kommunenummer, region, eksakt, merknad. `eksakt` is False where a kommune of
    `year` was formed from (or split into) kommuner of the vintage that lie in different
    regions (e.g. Heim 2020 from Hemne, Snillfjord and Halsa); it is then counted in the
    region holding most of its vintage population, and `merknad` says so.
    """
    return assign_years(proposal, (year,)).drop(columns="aar")


def assign_years(proposal: Proposal, years: Iterable[int]) -> pd.DataFrame:
    """`assign` for each of `years` in one table, the year in a first column aar."""
    return _assign(proposal.vintage, _key(proposal), tuple(years))


def coverage(proposal: Proposal, years: Iterable[int]) -> pd.DataFrame:
    """For each of `years`: every kommune of that year and each region its territory lies in
    (under the proposal, in the vintage's codes), with the people it holds there.

    Columns: aar, kommunenummer, region, w; sorted by year, kommune and falling w, so a
    kommune's first row is the region `assign` counts it in. `w` counts the residents of the
    earlier of the two years (the year's own for a year before the vintage, the vintage's for
    a later year) in each part: a kommune is placed where its people went, never by the size
    of the kommune its part joined (`sources.succession`).
    """
    return _coverage(proposal.vintage, _key(proposal), tuple(years))


@memo(64)
def _coverage(vintage: int, regions: tuple, years: tuple) -> pd.DataFrame:
    base = _expand(vintage, regions).drop_duplicates("kommunenummer")[["kommunenummer", "region"]]
    frames = []
    for year in years:
        cross = succession.crosswalk(year, vintage).merge(
            base, left_on="code_to", right_on="kommunenummer")
        people_year, people_code = (year, "code_from") if year < vintage else (vintage, "code_to")
        pop = population.kommune_population(people_year).set_index("kommunenummer")["folkemengde"]
        cross["w"] = cross["weight"] * cross[people_code].map(pop).fillna(0).to_numpy(float)
        frames.append(cross.assign(aar=year))
    merged = pd.concat(frames, ignore_index=True)
    shares = merged.groupby(["aar", "code_from", "region"], as_index=False)["w"].sum()
    # a tie (none in the data) goes to the region named first in the proposal
    order = {name: i for i, (name, _) in enumerate(regions)}
    shares["rank"] = shares["region"].map(order)
    shares = shares.sort_values(["aar", "code_from", "w", "rank"], ascending=[True, True, False, True])
    return (shares.drop(columns="rank").rename(columns={"code_from": "kommunenummer"})
            .reset_index(drop=True))


def _people(n: float) -> str:
    """A head count for a note: «1 234» (Norwegian thousands separator)."""
    return f"{int(round(n)):,}".replace(",", "\u00a0")


def _share_text(parts: pd.DataFrame) -> str:
    """«1 140 i Hamarøy og 834 i Narvik»: the people of each region's part, largest first."""
    items = [f"{_people(w)} i {region}" for region, w in zip(parts["region"], parts["w"])]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " og " + items[-1]


@memo(256)
def _assign(vintage: int, regions: tuple, years: tuple) -> pd.DataFrame:
    shares = _coverage(vintage, regions, years)
    kommune = ["aar", "kommunenummer"]
    several = shares.duplicated(kommune, keep=False)
    first = ~shares.duplicated(kommune)
    out = shares.loc[first, [*kommune, "region"]]
    out["eksakt"] = ~several[first]
    names = codes.code_list()["kommunenavn"]
    divided = {key: group for key, group in shares[several].groupby(kommune)}
    notes = []
    for year, k, region, exact in zip(*(out[c].tolist() for c in [*kommune, "region", "eksakt"])):
        if exact:
            notes.append("")
            continue
        people = f"innbyggere 1. januar {min(year, vintage)}"
        what = (f"ble senere delt mellom regionene ({people}: {_share_text(divided[(year, k)])})"
                if year < vintage else
                f"ble dannet av kommuner i flere regioner ({people}: {_share_text(divided[(year, k)])})")
        notes.append(f"{names[k]} ({k}) {what}; hele kommunen er talt med i {region}, "
                     "der flest av innbyggerne hørte til")
    out["merknad"] = notes
    return out.reset_index(drop=True)


def counted_elsewhere(proposal: Proposal, year: int) -> pd.DataFrame:
    """Land of each region that lies, in `year`, in a kommune counted in another region.

    One row per region and kommune of `year`: region, kommunenummer_aar, kommunenavn_aar,
    talt_i (the region the kommune is counted in), bosatte (the region's people in it: of
    `year` when it is before the vintage, else of the vintage, as `coverage` counts them),
    bosatte_aar (the year those people were counted), kommuner (the vintage kommuner of the
    region whose land it holds, names).
    """
    return _counted_elsewhere(proposal.vintage, _key(proposal), int(year))


@memo(64)
def _counted_elsewhere(vintage: int, regions: tuple, year: int) -> pd.DataFrame:
    shares = _coverage(vintage, regions, (year,))
    counted = _assign(vintage, regions, (year,)).set_index("kommunenummer")["region"]
    lost = shares[shares["region"].to_numpy() != shares["kommunenummer"].map(counted).to_numpy()]
    names = codes.code_list()["kommunenavn"]
    vintage_names = _expand(vintage, regions).drop_duplicates("kommunenummer")
    cross = succession.crosswalk(year, vintage).merge(
        vintage_names[["kommunenummer", "kommunenavn", "region"]],
        left_on="code_to", right_on="kommunenummer")
    members = cross.groupby(["code_from", "region"])["kommunenavn"].agg(lambda s: ", ".join(dict.fromkeys(s)))
    return pd.DataFrame({
        "region": lost["region"].to_numpy(),
        "kommunenummer_aar": lost["kommunenummer"].to_numpy(),
        "kommunenavn_aar": [names[k] for k in lost["kommunenummer"]],
        "talt_i": lost["kommunenummer"].map(counted).to_numpy(),
        "bosatte": lost["w"].round().astype(int).to_numpy(),
        "bosatte_aar": min(year, vintage),
        "kommuner": [members.get((k, r), "") for k, r in zip(lost["kommunenummer"], lost["region"])],
    })


def fylke_composition(proposal: Proposal, fylke_year: int) -> pd.DataFrame:
    """Per region: the fylker of `fylke_year` it covers, and whether it covers them whole.

    Columns: region, fylker (frozenset), hele (bool: every fylke whole), delvis (fylker only
    partly inside).
    """
    assigned = assign(proposal, fylke_year)
    kommuner = codes.kommune_codes(fylke_year)[["kommunenummer", "fylkesnummer", "fylkesnavn"]]
    assigned = assigned.merge(kommuner, on="kommunenummer")
    fylke_regions = assigned.groupby("fylkesnummer")["region"].nunique()
    rows = []
    for region, group in assigned.groupby("region", sort=False):
        fylker = frozenset(group["fylkesnummer"])
        partial = sorted(f for f in fylker if fylke_regions[f] > 1)
        rows.append({"region": region, "fylker": fylker,
                     "hele": not partial and bool(group["eksakt"].all()),
                     "delvis": partial})
    return pd.DataFrame(rows)
