"""Carry a proposal forward to the kommune structure of a later year.

What moved is read from the code list (`sources.succession`): each territory group of the
vintage and the later year (kommuner covering the same land in both) that is not one unchanged
kommune is reported as renumbered, merged, split or reorganised, with the proposal's regions
its kommuner lie in. A kommune of the later year made of land of two or more regions
straddles them; its people in each part (1 January of the vintage) are given, and it is placed
only where the user says (`placements`) or, when asked (`majority`), where most of them lived.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..errors import ProposalError
from ..model import Proposal, Region
from ..model.proposal import MAX_NAME, quote
from ..sources import codes, population, succession
from . import membership
from .seats import find_seat
from .validate import validate


@dataclass(frozen=True)
class Straddling:
    """A kommune of the later year holding land of several regions: people per region."""

    code: str
    name: str
    people: tuple[tuple[str, int], ...]  # (region, residents on 1 January of the vintage), most first


@dataclass(frozen=True)
class CarriedForward:
    """The report of `carry_forward` and, when every straddling kommune is placed, the
    proposal in the later year's codes (else None)."""

    source: Proposal
    year: int
    changes: tuple[str, ...]
    straddling: tuple[Straddling, ...]
    placed: dict
    proposal: Proposal | None


def _names(group, year_names) -> str:
    return ", ".join(f"{year_names[c]} ({c})" for c in sorted(group))


def _kind(old: frozenset, new: frozenset) -> str:
    if len(new) == 1:
        return "slått sammen"
    if len(old) == 1:
        return "delt"
    return "slått sammen og delt"


def changes(proposal: Proposal, year: int) -> list[str]:
    """One line per changed territory group (what happened, the kommuner, the proposal's
    regions), then one line for the kommuner that only got a new number."""
    expanded = membership.expand(proposal).drop_duplicates("kommunenummer")
    region_of = expanded.set_index("kommunenummer")["region"]
    names = codes.code_list()["kommunenavn"]
    lines, renumbered = [], []
    for old, new in succession.territory_groups(proposal.vintage, year):
        if old == new:
            continue
        if len(old) == 1 and len(new) == 1:
            renumbered.append(f"{next(iter(old))} → {next(iter(new))}")
            continue
        regions = list(dict.fromkeys(quote(region_of[c]) for c in sorted(old) if c in region_of))
        where = (f"i {regions[0]}" if len(regions) == 1 else
                 "i regionene " + " og ".join(regions))
        lines.append(f"{_kind(old, new)}: {_names(old, names)} → {_names(new, names)} ({where})")
    if renumbered:
        lines.append(f"nytt kommunenummer, ellers uendret: {len(renumbered)} kommuner "
                     f"({', '.join(renumbered)})")
    return lines


def changed_kommuner(proposal: Proposal, year: int) -> int:
    """How many kommuner of the proposal's vintage are merged, split or renumbered by `year`."""
    members = set(membership.expand(proposal)["kommunenummer"])
    return sum(len(old & members) for old, new in
               succession.territory_groups(proposal.vintage, year) if old != new)


def straddling(proposal: Proposal, year: int) -> list[Straddling]:
    """Kommuner of `year` whose land lies in several regions of the proposal."""
    cover = membership.coverage(proposal, (year,))
    names = codes.code_list()["kommunenavn"]
    out = []
    for code, group in cover.groupby("kommunenummer", sort=True):
        if len(group) > 1:
            out.append(Straddling(code, names[code], tuple(
                (r, int(round(w))) for r, w in zip(group["region"], group["w"]))))
    return out


def _members(assigned: pd.DataFrame, year: int, region: str) -> tuple[str, ...]:
    """The region's members in `year` codes: whole fylker as fylke codes, else kommuner."""
    kommuner = codes.kommune_codes(year)[["kommunenummer", "fylkesnummer"]]
    table = assigned.merge(kommuner, on="kommunenummer")
    members = []
    for fylke, group in table.groupby("fylkesnummer", sort=True):
        inside = group[group["region"] == region]
        if inside.empty:
            continue
        if len(inside) == len(group):
            members.append(fylke)
        else:
            members.extend(sorted(inside["kommunenummer"]))
    return tuple(members)


def _seat(proposal: Proposal, region: Region, year: int) -> str | None:
    """The seat in `year`: its name when a kommune of `year` still has it, else the code of
    the kommune that got most of the seat kommune's people."""
    if region.seat is None:
        return None
    seat = find_seat(proposal, region.seat)
    cross = succession.crosswalk(proposal.vintage, year)
    rows = cross[cross["code_from"] == seat["kommunenummer"]].sort_values("weight", ascending=False)
    target = rows["code_to"].iloc[0]
    name = codes.code_list()["kommunenavn"][target]
    return region.seat if name.casefold() == seat["kommunenavn"].casefold() and \
        not region.seat.isdigit() else target


def carry_forward(proposal: Proposal, year: int, placements: dict | None = None,
                  majority: bool = False) -> CarriedForward:
    """What moved between the proposal's vintage and `year`, and the proposal in `year`'s
    codes when every straddling kommune is placed: by `placements` (kommune code of `year` →
    region name) or, with `majority`, where most of its people lived."""
    origin = proposal.origin or proposal.id
    validate(proposal)
    if year < proposal.vintage or year not in population.YEARS:
        raise ProposalError(origin, [f"kan bare føres fram til et år fra {proposal.vintage} til "
                                     f"{population.YEARS[-1]}, ikke {year}"])
    placements = dict(placements or {})
    split = straddling(proposal, year)
    faults = []
    for code, region in placements.items():
        parts = next((s for s in split if s.code == code), None)
        if parts is None:
            faults.append(f"«{quote(code)}» er ikke en kommune i {year} som ligger i flere regioner")
        elif region not in [r for r, _ in parts.people]:
            faults.append(f"{parts.name} ({code}) har ikke land i regionen «{quote(region)}»; "
                          f"velg blant {', '.join(r for r, _ in parts.people)}")
    if faults:
        raise ProposalError(origin, faults)
    report = dict(source=proposal, year=year, changes=tuple(changes(proposal, year)),
                  straddling=tuple(split))
    open_ = [s for s in split if s.code not in placements]
    if open_ and not majority:
        return CarriedForward(**report, placed={}, proposal=None)
    placed = {**{s.code: s.people[0][0] for s in open_}, **placements}
    assigned = membership.assign(proposal, year)[["kommunenummer", "region"]].copy()
    assigned["region"] = [placed.get(k, r) for k, r in zip(assigned["kommunenummer"],
                                                           assigned["region"])]
    regions = tuple(Region(r.name, _members(assigned, year, r.name), _seat(proposal, r, year))
                    for r in proposal.regions)
    name = f"{proposal.name} (ført fram til {year})"
    if len(name) > MAX_NAME:
        name = name[:MAX_NAME - 1] + "…"
    decided = "; ".join(f"{s.name} ({s.code}) i {placed[s.code]}" +
                        (" (flertallet)" if s.code not in placements else "") for s in split)
    note = (f"Ført fram fra kommuneinndelingen {proposal.vintage} til {year} med regionanalyse"
            + (f"; kommuner med land i flere regioner: {decided}" if split else "") + ".")
    carried = proposal.replace(
        id=f"{proposal.id[:56]}-til-{year}", name=name, vintage=year, regions=regions,
        note=f"{proposal.note}\n{note}".strip() if proposal.note else note, origin="")
    validate(carried)
    return CarriedForward(**report, placed=placed, proposal=carried)
