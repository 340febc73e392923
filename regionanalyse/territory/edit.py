"""What-if edits: derive a new, validated proposal by moving, merging, splitting or renaming."""
from __future__ import annotations

from ..errors import ProposalError
from ..model import Proposal, Region
from ..model.proposal import MAX_NAME
from . import membership
from .validate import validate


def _derive(proposal: Proposal, regions: list[Region], what: str) -> Proposal:
    # a chain of edits stays within the limits of a proposal (id ≤ 64, name ≤ 120 characters)
    base_id = proposal.id.removesuffix("-endret")
    name = f"{proposal.name} ({what})"
    if len(name) > MAX_NAME:
        name = name[:MAX_NAME - 1] + "…"
    derived = proposal.replace(id=f"{base_id[:57]}-endret", name=name,
                               regions=tuple(r for r in regions if r.members), origin="")
    validate(derived)
    return derived


def move(proposal: Proposal, code: str, to: str) -> Proposal:
    """Move a fylke or kommune (code of the proposal's vintage) to region `to`.

    Moving a kommune out of a region listed by fylke expands that fylke into its kommuner.
    """
    proposal.region(to)
    expanded = membership.expand(proposal)
    if code not in set(expanded["kommunenummer"]) | set(expanded["fylkesnummer"]):
        raise ProposalError(proposal.id, [f"«{code}» er ikke en fylkes- eller kommunekode i "
                                          f"{proposal.vintage}-inndelingen"])
    regions = []
    for region in proposal.regions:
        members = [m for m in region.members if m != code]
        if len(code) == 4 and code[:2] in members and region.name != to:
            members.remove(code[:2])
            members += [k for k in expanded.loc[expanded["fylkesnummer"] == code[:2], "kommunenummer"]
                        if k != code]
        if region.name == to:
            members.append(code)
        regions.append(Region(region.name, tuple(members), region.seat))
    return _derive(proposal, regions, f"{code} flyttet til {to}")


def merge(proposal: Proposal, names: list[str], new_name: str, seat: str | None = None) -> Proposal:
    """Merge regions into one, placed where the first of them was."""
    for name in names:
        proposal.region(name)
    regions, merged_done = [], False
    members = tuple(m for r in proposal.regions if r.name in names for m in r.members)
    for region in proposal.regions:
        if region.name not in names:
            regions.append(region)
        elif not merged_done:
            regions.append(Region(new_name, members, seat or region.seat))
            merged_done = True
    return _derive(proposal, regions, f"{' + '.join(names)} slått sammen")


def split(proposal: Proposal, name: str, members: list[str], new_name: str,
          seat: str | None = None) -> Proposal:
    """Split `members` (codes listed in region `name`) out into a new region."""
    source = proposal.region(name)
    stray = [m for m in members if m not in source.members]
    if stray:
        raise ProposalError(proposal.id, [f"«{m}» står ikke i region «{name}»" for m in stray])
    regions = []
    for region in proposal.regions:
        if region.name == name:
            regions.append(Region(name, tuple(m for m in region.members if m not in members), region.seat))
            regions.append(Region(new_name, tuple(members), seat))
        else:
            regions.append(region)
    return _derive(proposal, regions, f"{new_name} skilt ut fra {name}")


def rename(proposal: Proposal, old: str, new: str) -> Proposal:
    """Rename a region."""
    proposal.region(old)
    regions = [Region(new if r.name == old else r.name, r.members, r.seat) for r in proposal.regions]
    return _derive(proposal, regions, f"{old} omdøpt til {new}")
