"""Figures across proposals: where kommuner move, key figures side by side, balance figures."""
from __future__ import annotations

import pandas as pd

from ..model import Proposal
from ..sources import codes, population
from ..territory import membership
from .keyfigures import key_figures
from .scores import score, variation_pct


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
    """Balance figures per proposal: counts, population spread, offices, split BA-regions.

    The plan metrics are the plan scores (`scores.score`, one definition each): `regioner`,
    `ba_delt`, `bosatt_delt_ba` as `regionanalyse score` gives them, and `storst_minst` =
    befolkning_maks / befolkning_min. `variasjon_folkemengde_pst` is `scores.variation_pct` of
    the regions' population; `aar` the year counted.
    """
    rows = []
    for p in proposals:
        t = key_figures(p, year, arsverk_file).table
        s = score(p, year).iloc[0]
        per_office = t["innbyggere_per_navkontor"].dropna()
        rows.append({
            "forslag": p.name,
            "regioner": int(s["regioner"]),
            "storst_minst": s["befolkning_maks"] / s["befolkning_min"],
            "variasjon_folkemengde_pst": variation_pct(t["folkemengde"]),
            "regioner_med_kjent_navkontor": len(per_office),
            "innb_per_navkontor_min": per_office.min() if len(per_office) else pd.NA,
            "innb_per_navkontor_maks": per_office.max() if len(per_office) else pd.NA,
            "ba_delt": int(s["ba_delt"]),
            "bosatt_delt_ba": int(s["bosatt_delt_ba"]),
            "aar": int(year),
        })
    return pd.DataFrame(rows)


def fylke_names(year: int) -> pd.Series:
    """Fylke code → name in `year` (for captions)."""
    return codes.fylke_codes(year).set_index("fylkesnummer")["fylkesnavn"]
