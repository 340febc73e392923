"""Sentences of the alternatives appendix on what the plans are built from and how they were
found (all plans counted, or a sample): like is compared with like, or the text says it is not."""
from __future__ import annotations

from ..model import Proposal
from ..present import fmt
from ..sources import codes
from ..territory.membership import fylke_composition


def _names(fylker: list[str], year: int) -> str:
    names = codes.fylke_codes(year).set_index("fylkesnummer")["fylkesnavn"]
    listed = [str(names.get(f, f)) for f in sorted(fylker)]
    return listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " og " + listed[-1]


def split_fylker(proposal: Proposal, year: int) -> list[str]:
    """Fylker of `year` that the proposal divides between regions."""
    return sorted({f for part in fylke_composition(proposal, year)["delvis"] for f in part})


def units_text(proposal: Proposal, year: int, level: str) -> str:
    """What the proposal and the alternatives are built from, and what follows from a difference."""
    split = split_fylker(proposal, year)
    total = len(codes.fylke_codes(year))
    if not split:
        if level == "fylke":
            return ("Forslaget er bygd av hele fylker, og alternativene er det også: like "
                    "sammenlignes med like.")
        if len(proposal.regions) == total:
            return (f"Forslaget er bygd av hele fylker, men med {fmt.number(total)} regioner av "
                    f"{fmt.number(total)} fylker er fylkene selv den eneste slike inndelingen. "
                    "Alternativene er derfor bygd av kommuner og kan dele fylker. Forskjeller i "
                    "BA-deling og avstand kan skyldes at forslaget følger fylkesgrensene.")
        return ("Forslaget er bygd av hele fylker, men alternativene er bygd av kommuner og kan "
                "dele fylker. Forskjeller i BA-deling og avstand kan derfor skyldes at forslaget "
                "følger fylkesgrensene.")
    which = _names(split, year)
    if level == "fylke":
        return (f"Alternativene er bygd av hele fylker, mens forslaget deler {which}; forslaget "
                "kan derfor ikke selv være blant alternativene.")
    if len(split) < total:
        return (f"Forslaget følger fylkesgrensene ({year}) unntatt i {which}, som er delt mellom "
                f"regioner. Alternativene er bygd av kommuner og kan dele alle "
                f"{fmt.number(total)} fylker, så forskjeller i BA-deling og avstand kan delvis "
                "skyldes at forslaget for det meste følger fylkesgrensene.")
    return "Forslaget deler fylker, og alternativene er bygd av kommuner."


def found_text(settings: dict, n: int) -> str:
    """How the alternatives were found: every possible plan, or a sample (first sentence; the
    number of distinct plans of a sample is in the method annex, beside what it does not mean)."""
    units = "hele fylker" if settings["level"] == "fylke" else "kommuner"
    if settings.get("metode") == "eksakt" and n == 1:
        return (f"Til sammenligning er alle mulige inndelinger av landet i {settings['regions']} "
                f"sammenhengende regioner bygd av {units} talt opp: det finnes bare én, så "
                "sammenligningen sier lite.")
    if settings.get("metode") == "eksakt":
        return (f"Til sammenligning er alle {fmt.number(n)} mulige inndelinger av landet i "
                f"{settings['regions']} sammenhengende regioner bygd av {units} talt opp og tatt "
                "med, hver én gang (en fullstendig opptelling, ikke et utvalg).")
    return (f"Til sammenligning er det trukket {fmt.number(n)} alternative inndelinger av "
            f"landet i {settings['regions']} sammenhengende regioner bygd av {units}.")
