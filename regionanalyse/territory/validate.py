"""Validation of a proposal against the codes of its vintage."""
from __future__ import annotations

from collections import defaultdict

import pandas as pd

from ..errors import ProposalError
from ..memo import memo
from ..model import Proposal
from ..model.confusables import confusable_pairs
from ..model.proposal import MAX_FAULTS, quote, text_faults
from ..sources import codes
from ..sources.population import YEARS
from . import membership
from .seats import find_seat


def _code_faults(proposal: Proposal, kommuner: pd.DataFrame) -> list[str]:
    fylker = set(kommuner["fylkesnummer"])
    known = set(kommuner["kommunenummer"])
    faults = []
    for region in proposal.regions:
        if not region.members:
            faults.append(f"region «{region.name}» er tom (ingen members)")
        for code in region.members:
            if not ((len(code) == 2 and code in fylker) or (len(code) == 4 and code in known)):
                kind = "fylkesnummer" if len(code) == 2 else "kommunenummer" if len(code) == 4 else "kode"
                faults.append(f"region «{quote(region.name)}»: ukjent {kind} «{quote(code)}» for {proposal.vintage}")
    return faults


def _overlap_faults(proposal: Proposal, expanded: pd.DataFrame) -> list[str]:
    faults = []
    member_regions = defaultdict(list)
    for region in proposal.regions:
        for code in region.members:
            member_regions[code].append(region.name)
    for code, regions in member_regions.items():
        if len(regions) > 1:
            faults.append(f"{code} står i flere regioner: {', '.join(regions)}")
    per_kommune = expanded.groupby("kommunenummer")
    for code, group in per_kommune:
        members = set(group["member"])
        if len(group) > 1 and not any(len(member_regions[m]) > 1 for m in members):
            faults.append(f"kommune {code} ({group['kommunenavn'].iloc[0]}) er med i "
                          f"{' og '.join(dict.fromkeys(group['region']))} "
                          f"(via {', '.join(sorted(members))})")
    return faults


def _uncovered_faults(proposal: Proposal, kommuner: pd.DataFrame, expanded: pd.DataFrame) -> list[str]:
    missing = kommuner[~kommuner["kommunenummer"].isin(expanded["kommunenummer"])]
    faults = []
    for fylke, group in missing.groupby("fylkesnummer"):
        whole = len(group) == (kommuner["fylkesnummer"] == fylke).sum()
        if whole:
            faults.append(f"fylke {fylke} ({group['fylkesnavn'].iloc[0]}) er ikke med i noen region")
        else:
            names = ", ".join(f"{k} {n}" for k, n in zip(group["kommunenummer"], group["kommunenavn"]))
            faults.append(f"kommuner ikke med i noen region: {names}")
    return faults


def validate(proposal: Proposal, geometry: bool = False) -> list[str]:
    """Raise ProposalError listing every fault; return warnings (e.g. seat outside region).

    With geometry=True, regions made of separate areas are warned about too (islands and
    fjords near the coast count as connected); this reads the map layer, so it is slower.
    A valid proposal is checked once per process (proposals are immutable).
    """
    return list(_validate(proposal, geometry))


@memo(256)
def _validate(proposal: Proposal, geometry: bool) -> tuple[str, ...]:
    origin = proposal.origin or proposal.id
    faults = text_faults(proposal)  # id, names as people read them, repeated codes; no data needed
    if faults:
        raise ProposalError(origin, faults)
    if proposal.vintage not in YEARS:
        raise ProposalError(origin, [f"vintage {proposal.vintage} er utenfor {YEARS[0]}–{YEARS[-1]}"])
    kommuner = codes.kommune_codes(proposal.vintage)
    expanded = membership.expand(proposal)
    faults += _code_faults(proposal, kommuner)
    faults += _overlap_faults(proposal, expanded)
    faults += _uncovered_faults(proposal, kommuner, expanded)
    warnings = [f"regionnavnene «{quote(a)}» og «{quote(b)}» er ulik tekst, men kan se like ut "
                "(Unicode-forvekslinger, UTS #39); gi dem navn som ikke kan forveksles"
                for a, b in confusable_pairs(proposal.region_names())]
    for region in proposal.regions:
        if region.seat is None:
            continue
        seat = find_seat(proposal, region.seat)
        if seat is None:
            faults.append(f"region «{region.name}»: ukjent sete «{region.seat}» "
                          f"(ingen kommune med det navnet eller nummeret i {proposal.vintage})")
        elif seat["kommunenummer"] not in set(expanded.loc[expanded["region"] == region.name,
                                                           "kommunenummer"]):
            warnings.append(f"region «{region.name}»: setet {region.seat} ligger utenfor regionen")
    if faults:
        if len(faults) > MAX_FAULTS:
            faults = faults[:MAX_FAULTS] + [f"… og {len(faults) - MAX_FAULTS} feil til"]
        raise ProposalError(origin, faults)
    if geometry:
        from .geo import detached_parts

        for region, parts in detached_parts(proposal).items():
            listed = "; ".join(", ".join(names) for names in parts)
            warnings.append(f"region «{region}» er ikke sammenhengende: atskilt fra resten: {listed}")
    return tuple(warnings)
