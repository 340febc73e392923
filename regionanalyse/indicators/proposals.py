"""Figures across proposals: where kommuner move, key figures side by side, balance figures."""
from __future__ import annotations

import pandas as pd

from ..model import Proposal
from ..sources import codes, population
from ..territory import membership
from .keyfigures import key_figures
from .ba_cohesion import ba_cohesion


def flows(a: Proposal, b: Proposal, year: int) -> pd.DataFrame:
    """Kommuner of `year` grouped by (region in a, region in b), largest population first.

    Columns: fra, til, antall_kommuner, folkemengde, kommuner (names), hovedstrom (True for
    the flow that carries most of region `fra`'s people; the others are the moves).
    """
    pop = population.kommune_population(year)[["kommunenummer", "kommunenavn", "folkemengde"]]
    both = (membership.assign(a, year)[["kommunenummer", "region"]].rename(columns={"region": "fra"})
            .merge(membership.assign(b, year)[["kommunenummer", "region"]].rename(columns={"region": "til"}),
                   on="kommunenummer")
            .merge(pop, on="kommunenummer"))
    grouped = (both.sort_values("folkemengde", ascending=False)
               .groupby(["fra", "til"], as_index=False, sort=False)
               .agg(antall_kommuner=("kommunenummer", "size"), folkemengde=("folkemengde", "sum"),
                    kommuner=("kommunenavn", list)))
    grouped = grouped.sort_values(["fra", "folkemengde"], ascending=[True, False])
    grouped["hovedstrom"] = ~grouped.duplicated("fra")
    order = {name: i for i, name in enumerate(a.region_names())}
    return grouped.sort_values(["fra", "folkemengde"], key=lambda s: s.map(order) if s.name == "fra"
                               else -s).reset_index(drop=True)


def moved_kommuner(a: Proposal, b: Proposal, year: int) -> pd.DataFrame:
    """The flows that are not a region's main flow: the kommuner that change company."""
    return flows(a, b, year).query("~hovedstrom").reset_index(drop=True)


def side_by_side(proposals: list[Proposal], year: int, arsverk_file=None) -> pd.DataFrame:
    """Key figures of every region of every proposal, one row per (proposal, region)."""
    frames = [key_figures(p, year, arsverk_file).table.assign(forslag=p.name, forslag_id=p.id)
              for p in proposals]
    return pd.concat(frames, ignore_index=True)


def balance(proposals: list[Proposal], year: int, arsverk_file=None) -> pd.DataFrame:
    """Balance figures per proposal: counts, population spread, offices, split BA-regions."""
    rows = []
    for p in proposals:
        t = key_figures(p, year, arsverk_file).table
        ba = ba_cohesion(p, year)
        per_office = t["innbyggere_per_navkontor"].dropna()
        rows.append({
            "forslag": p.name,
            "regioner": len(t),
            "storst_minst": t["folkemengde"].max() / t["folkemengde"].min(),
            "variasjon_folkemengde_pst": 100 * t["folkemengde"].std() / t["folkemengde"].mean(),
            "regioner_med_kjent_navkontor": len(per_office),
            "innb_per_navkontor_min": per_office.min() if len(per_office) else pd.NA,
            "innb_per_navkontor_maks": per_office.max() if len(per_office) else pd.NA,
            "ba_delt": int(ba["split"].sum()),
            "bosatt_i_delte_ba": int(ba.loc[ba["split"], "folkemengde"].sum()),
            "ba_pop_year": int(ba["pop_year"].iloc[0]),
        })
    return pd.DataFrame(rows)


def fylke_names(year: int) -> pd.Series:
    """Fylke code → name in `year` (for captions)."""
    return codes.fylker(year).set_index("fylkesnummer")["fylkesnavn"]
