"""Key figures per region for a proposal and a year; every figure with source or reason."""
from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from ..config import DEFAULT_YEAR
from ..memo import memo
from ..model import Proposal
from ..sources import codes, labour, nav, population
from ..sources.cache import file_hash
from ..territory import membership
from ..territory.seats import find_seat
from ..territory.validate import validate
from . import areas, symbols
from .ba_cohesion import ba_summary

COLUMNS = ["region", "members", "members_navn", "sete", "antall_kommuner", "folkemengde",
           "alder_0_15", "alder_16_66", "alder_67_pluss", "andel_landet_pst", "areal_km2",
           "tetthet_per_km2", "navkontor", "navkontor_malbilde", "innbyggere_per_navkontor",
           "arsverk", "arsverk_per_10000", "sysselsatte_1000", "navkontor_aar", "ba_regioner",
           "ba_delt", "bosatt_delt_ba", "bosatt_delt_ba_andre", "ba_klassifisering"]


# Figures whose notes explain a value that is shown (no missing-value symbol).
_NOTE_ONLY = {"folkemengde", "areal_km2", "navkontor_malbilde"}


@dataclass
class KeyFigures:
    """Key figures: `table` (one row per region), `notes` (region, figur, merknad, tegn) and
    `sources` (figur → source text). `tegn` is SSB's table symbol for a missing value:
    ".." not available (in the sources, or known only for a larger set of fylker: the footnote
    says which), "." not applicable (e.g. a region with no kommune in the year); empty where the
    note explains a shown value. SSB's ":" (suppressed for confidentiality) is never used."""

    proposal: Proposal
    year: int
    table: pd.DataFrame
    notes: pd.DataFrame
    sources: dict[str, str]

    def notes_for(self, figure: str) -> pd.DataFrame:
        return self.notes[self.notes["figur"] == figure]


def _set_figure(compositions: pd.DataFrame, sets: pd.DataFrame, value_col: str,
                fylke_names: pd.Series) -> tuple[dict, dict]:
    """Union rule: a region gets the sum of the sets it is exactly a union of, else a reason."""
    values, reasons = {}, {}

    def label(fset):
        names = [fylke_names.get(f, f) for f in sorted(fset)]
        if len(names) == 1:
            return f"hele {names[0]}"
        return f"{', '.join(names[:-1])} og {names[-1]} samlet"

    for _, comp in compositions.iterrows():
        region, fylker = comp["region"], comp["fylker"]
        touching = sets[sets["fylker"].map(lambda s: bool(s & fylker))]
        if not comp["hele"]:
            parts = " og ".join(fylke_names.get(f, f) for f in comp["delvis"])
            known = " og for ".join(label(s) for s in touching["fylker"])
            start = (f"regionen omfatter bare en del av {parts}" if parts else
                     "regionens grense følger ikke fylkesgrensene")
            reasons[region] = (f"{start}; tallet er bare kjent for {known}" if known else
                               f"{start}; kilden har ikke tall for disse fylkene")
            continue
        covered = frozenset().union(*touching["fylker"]) if len(touching) else frozenset()
        if touching.empty:
            reasons[region] = "ingen tall for disse fylkene i kilden"
        elif covered != fylker:
            reasons[region] = "tallet er bare kjent for " + " og for ".join(
                label(s) for s in touching["fylker"])
        elif touching[value_col].isna().any():
            reasons[region] = "; ".join(touching["merknad"].dropna()) or "ikke oppgitt i kilden"
        else:
            values[region] = touching[value_col].sum()
    return values, reasons


def _areas(proposal: Proposal, year: int) -> tuple[pd.Series, str, dict]:
    """Area per region, km², on one basis for every year (see indicators.areas)."""
    assigned = membership.assign(proposal, year)
    notes = {r: "; ".join(n) for r, n in
             assigned[~assigned["eksakt"]].groupby("region")["merknad"].agg(list).items()}
    for region, text in areas.moved_land_notes(proposal, year).items():
        notes[region] = f"{notes[region]}; {text}" if region in notes else text
    return areas.region_areas(proposal, year), areas.SOURCE, notes


def _member_names(proposal: Proposal) -> dict[str, str]:
    """Per region: its fylker, and for a fylke only partly inside, which kommuner (or, when
    most are inside, which are not), in the proposal's inndeling."""
    expanded = membership.expand(proposal)
    kommuner = codes.kommune_codes(proposal.vintage)
    fylke_size = kommuner.groupby("fylkesnummer").size()
    out = {}
    for region, group in expanded.groupby("region", sort=False):
        parts = []
        for fylke, sub in group.groupby("fylkesnummer", sort=False):
            name, size = sub["fylkesnavn"].iloc[0], fylke_size[fylke]
            if len(sub) == size:
                parts.append(name)
                continue
            if len(sub) > size / 2:
                outside = kommuner[(kommuner["fylkesnummer"] == fylke)
                                   & ~kommuner["kommunenummer"].isin(sub["kommunenummer"])]
                listed = f"alle unntatt {', '.join(outside['kommunenavn'])}"
            else:
                listed = ", ".join(sub["kommunenavn"])
            parts.append(f"{name} ({len(sub)} av {size} kommuner: {listed})")
        out[region] = "; ".join(parts)
    return out


def key_figures(proposal: Proposal, year: int = DEFAULT_YEAR, arsverk_file=None) -> KeyFigures:
    """The key figures of every region of `proposal` for 1 January `year`.

    Computed once per process for each proposal, year and årsverk file (content), as the
    appendices of one proposal all show them; each call gets its own copy of the tables.
    """
    validate(proposal)
    year = population.check_year(year)
    path = nav.arsverk_path(arsverk_file)
    figures = _key_figures(proposal, year, str(path), file_hash(path))
    return replace(figures, table=figures.table.copy(), notes=figures.notes.copy(),
                   sources=dict(figures.sources))


@memo(64)
def _key_figures(proposal: Proposal, year: int, arsverk_file: str, arsverk_hash: str) -> KeyFigures:
    assigned = membership.assign(proposal, year)
    pop = population.kommune_population(year)
    counted = assigned.merge(pop, on="kommunenummer", how="left")
    age_cols = ["folkemengde", *population.AGE_COLUMNS]
    names = proposal.region_names()
    sums = counted.groupby("region")[age_cols].sum().reindex(names)
    counts = counted.groupby("region").size().reindex(names, fill_value=0)
    national = population.national_population(year)
    notes: list[tuple[str, str, str]] = []
    for region, note in zip(counted["region"], counted["merknad"]):
        if note:
            notes.append((region, "folkemengde", note))

    region_area, area_source, area_notes = _areas(proposal, year)
    notes += [(r, "areal_km2", n) for r, n in area_notes.items()]

    names16 = codes.fylke_codes(2016).set_index("fylkesnummer")["fylkesnavn"]
    comp16 = membership.fylke_composition(proposal, 2016)
    offices = nav.office_counts()
    office_values, office_reasons = _set_figure(comp16, offices, "navkontor", names16)
    target_values, target_reasons = _set_figure(comp16, offices, "navkontor_malbilde", names16)
    for fylke_set, text in offices.set_index("fylker")["merknad"].dropna().items():
        for _, comp in comp16.iterrows():
            if comp["hele"] and fylke_set <= comp["fylker"]:
                notes.append((comp["region"], "navkontor_malbilde", text))
    notes += [(r, "navkontor", t, symbols.NOT_AVAILABLE) for r, t in office_reasons.items()]
    notes += [(r, "navkontor_malbilde", t, symbols.NOT_AVAILABLE) for r, t in target_reasons.items()]
    notes += [(r, "innbyggere_per_navkontor", t, symbols.NOT_AVAILABLE) for r, t in office_reasons.items()]

    arsverk_table = nav.arsverk(nav.arsverk_path(arsverk_file))
    arsverk_values, arsverk_reasons, arsverk_source = {}, {}, ""
    for_year = arsverk_table[arsverk_table["aar"] == year] if len(arsverk_table) else arsverk_table
    if for_year.empty:
        reason = nav.ARSVERK_MISSING if arsverk_table.empty else f"årsverk-filen har ingen tall for {year}"
        arsverk_reasons = {r.name: reason for r in proposal.regions}
    else:
        vint = int(for_year["vintage"].iloc[0])
        comp = membership.fylke_composition(proposal, vint)
        fnames = codes.fylke_codes(vint).set_index("fylkesnummer")["fylkesnavn"]
        arsverk_values, arsverk_reasons = _set_figure(
            comp, for_year.assign(merknad=None), "arsverk", fnames)
        arsverk_source = "; ".join(dict.fromkeys(for_year["kilde"]))
    notes += [(r, "arsverk", t) for r, t in arsverk_reasons.items()]

    aku_values, aku_reasons = {}, {}
    if year in labour.AKU_YEARS:
        aku = labour.employment().assign(fylker=lambda d: d["fylkesnummer"].map(lambda f: frozenset([f])),
                                         merknad=None)
        aku_values, aku_reasons = _set_figure(comp16, aku, f"sysselsatte_1000_{year}", names16)
    else:
        aku_reasons = {r.name: f"AKU-tall per fylke er hentet bare for {labour.AKU_YEARS[0]}–"
                               f"{labour.AKU_YEARS[1]}" for r in proposal.regions}
    notes += [(r, "sysselsatte_1000", t) for r, t in aku_reasons.items()]

    for region in empty_regions(assigned, proposal):
        reason = empty_reason(proposal, region, year)
        notes += [(region, figure, reason, symbols.NOT_APPLICABLE) for figure in EMPTY_FIGURES]
    notes += [(region, "folkemengde", text) for region, text in lost_notes(proposal, year).items()
              if region not in empty_regions(assigned, proposal)]

    member_names = _member_names(proposal)
    ba = ba_summary(proposal, year)
    rows = []
    for region in proposal.regions:
        seat = find_seat(proposal, region.seat) if region.seat else None
        if not counts[region.name]:
            rows.append(_empty_row(region, member_names, seat, office_values, target_values, ba))
            continue
        folk = int(sums.loc[region.name, "folkemengde"])
        kontor = office_values.get(region.name, pd.NA)
        arsv = arsverk_values.get(region.name, pd.NA)
        rows.append({
            "region": region.name,
            "members": ";".join(region.members),
            "members_navn": member_names.get(region.name, ""),
            "sete": seat["kommunenavn"] if seat is not None else pd.NA,
            "antall_kommuner": int(counts[region.name]),
            "folkemengde": folk,
            **{c: int(sums.loc[region.name, c]) for c in population.AGE_COLUMNS},
            "andel_landet_pst": 100 * folk / national,
            "areal_km2": float(region_area[region.name]),
            "tetthet_per_km2": folk / float(region_area[region.name]),
            "navkontor": kontor,
            "navkontor_malbilde": target_values.get(region.name, pd.NA),
            "navkontor_aar": nav.OFFICES_YEAR,
            "innbyggere_per_navkontor": per_office(folk, kontor, year),
            "arsverk": arsv,
            "arsverk_per_10000": 10000 * arsv / folk if arsv is not pd.NA else pd.NA,
            "sysselsatte_1000": aku_values.get(region.name, pd.NA),
            "ba_regioner": int(ba.at[region.name, "ba_regioner"]),
            "ba_delt": int(ba.at[region.name, "ba_delt"]),
            "bosatt_delt_ba": int(ba.at[region.name, "bosatt_delt_ba"]),
            "bosatt_delt_ba_andre": int(ba.at[region.name, "bosatt_delt_ba_andre"]),
            "ba_klassifisering": int(ba.at[region.name, "ba_klassifisering"]),
        })
        if kontor is not pd.NA and not offices_match(year):
            notes.append((region.name, "innbyggere_per_navkontor", office_year_reason(year),
                          symbols.NOT_APPLICABLE))
        if seat is None:
            notes.append((region.name, "sete", "forslaget oppgir ikke sete for regionen",
                          symbols.NOT_APPLICABLE))
    table = pd.DataFrame(rows, columns=COLUMNS)
    for col in ("navkontor", "navkontor_malbilde", "antall_kommuner", "folkemengde"):
        table[col] = table[col].astype("Int64")
    for col in ("innbyggere_per_navkontor", "arsverk", "arsverk_per_10000", "sysselsatte_1000"):
        table[col] = table[col].astype("Float64")
    pop_src = f"{population.SOURCE} {year}"
    sources = {
        "folkemengde": pop_src, "alder_0_15": pop_src, "alder_16_66": pop_src,
        "alder_67_pluss": pop_src, "andel_landet_pst": pop_src, "antall_kommuner": pop_src,
        "areal_km2": area_source, "tetthet_per_km2": f"{pop_src}; {area_source}",
        "navkontor": nav.OFFICES_SOURCE, "navkontor_malbilde": nav.OFFICES_SOURCE,
        "innbyggere_per_navkontor": f"{nav.OFFICES_SOURCE}; {pop_src}",
        "arsverk": arsverk_source or "ingen kilde (se merknad)",
        "arsverk_per_10000": arsverk_source or "ingen kilde (se merknad)",
        "sysselsatte_1000": labour.AKU_SOURCE,
        "ba_delt": f"{labour.BA_SOURCE}; {pop_src}",
        "bosatt_delt_ba": f"{labour.BA_SOURCE}; {pop_src}",
        "sete": proposal.source or proposal.id,
    }
    notes = [n if len(n) == 4 else (*n, "" if n[1] in _NOTE_ONLY else symbols.NOT_AVAILABLE)
             for n in notes]
    notes += [(r, "arsverk_per_10000", t, s) for r, f, t, s in notes if f == "arsverk"]
    notes_frame = pd.DataFrame(notes, columns=["region", "figur", "merknad", "tegn"]).drop_duplicates()
    return KeyFigures(proposal, year, table, notes_frame, sources)


# Figures of a region without any kommune of the year: SSB's «.» (cannot be given), with why.
EMPTY_FIGURES = ("folkemengde", "alder_0_15", "alder_16_66", "alder_67_pluss", "andel_landet_pst",
                 "areal_km2", "tetthet_per_km2")


def empty_regions(assigned: pd.DataFrame, proposal: Proposal) -> list[str]:
    """Regions of `proposal` in which no kommune of the year of `assigned` is counted."""
    return [name for name in proposal.region_names() if name not in set(assigned["region"])]


def _lost_parts(lost: pd.DataFrame, vintage: int) -> str:
    """«Asker (3203), med 31 850 av regionens innbyggere 1. januar 2019 (tidligere Røyken,
    Hurum), er talt med i Akershus»; several joined by semicolons."""
    def where(row):
        if row.bosatte_aar < vintage:
            return f"i det som i {vintage}-inndelingen er {row.kommuner}"
        return f"tidligere {row.kommuner}"
    return "; ".join(
        f"{row.kommunenavn_aar} ({row.kommunenummer_aar}), med {fmt_people(row.bosatte)} av "
        f"regionens innbyggere 1. januar {row.bosatte_aar} ({where(row)}), er talt med i "
        f"{row.talt_i}" for row in lost.itertuples())


def fmt_people(n: int) -> str:
    return f"{int(n):,}".replace(",", "\u00a0")


def lost_notes(proposal: Proposal, year: int) -> dict[str, str]:
    """Per region that loses land to a kommune counted elsewhere in `year`: what it loses."""
    where = membership.counted_elsewhere(proposal, year)
    return {region: (f"ikke med i tallene for {year}: {_lost_parts(group, proposal.vintage)} (en "
                     "kommune telles helt i den regionen der flest av innbyggerne hørte til)")
            for region, group in where.groupby("region", sort=False)}


def empty_reason(proposal: Proposal, region: str, year: int) -> str:
    """Why a region has no kommune in `year`: where its kommuners' land is counted instead."""
    where = membership.counted_elsewhere(proposal, year)
    lost = where[where["region"] == region]
    return (f"ingen kommune i {year}-inndelingen telles i regionen"
            + (f": {_lost_parts(lost, proposal.vintage)}" if len(lost) else ""))


def _empty_row(region, member_names, seat, office_values, target_values, ba) -> dict:
    """A row of missing figures for a region with no kommune in the year (see EMPTY_FIGURES)."""
    row = {c: pd.NA for c in COLUMNS}
    row.update({"region": region.name, "members": ";".join(region.members),
                "members_navn": member_names.get(region.name, ""),
                "sete": seat["kommunenavn"] if seat is not None else pd.NA,
                "antall_kommuner": 0, "navkontor": office_values.get(region.name, pd.NA),
                "navkontor_malbilde": target_values.get(region.name, pd.NA),
                "navkontor_aar": nav.OFFICES_YEAR})
    for col in ("ba_regioner", "ba_delt", "bosatt_delt_ba", "bosatt_delt_ba_andre", "ba_klassifisering"):
        row[col] = int(ba.at[region.name, col]) if region.name in ba.index else pd.NA
    return row


def offices_match(year: int) -> bool:
    """Whether the NAV office counts (of nav.OFFICES_YEAR) can be set against the population
    of `year`: the one place this rule is decided."""
    return year == nav.OFFICES_YEAR


def office_year_reason(year: int) -> str:
    """Why people per office are not given for `year` (when offices_match is false)."""
    return f"kontortallet gjelder {nav.OFFICES_YEAR} og deles ikke på folkemengden i {year}"


def per_office_symbol(year: int) -> str:
    """SSB's symbol for a missing «innbyggere per NAV-kontor»: «..» (not in the sources) in the
    office year, «.» (cannot be given) in any other."""
    return symbols.NOT_AVAILABLE if offices_match(year) else symbols.NOT_APPLICABLE


def per_office(folkemengde, navkontor, year: int):
    """Innbyggere per NAV-kontor: the one place it is computed. Only where the population and
    the office count are of the same year (Tabell 1's counts are of 2016), else missing."""
    if pd.isna(navkontor) or not offices_match(year) or not navkontor:
        return pd.NA
    return folkemengde / navkontor


def national_figures(year: int) -> dict:
    """The key figures of Norway as a whole, for the «Hele landet» column (missing where the
    sources give no national figure: årsverk, AKU outside its years)."""
    folk = population.national_population(year)
    area = areas.national_area()
    offices = nav.office_counts()
    kontor = int(offices["navkontor"].sum())
    out = {"folkemengde": folk, "andel_landet_pst": 100.0,
           "antall_kommuner": len(codes.kommune_codes(year)), "areal_km2": area,
           "tetthet_per_km2": folk / area, "navkontor": kontor,
           "navkontor_malbilde": int(offices["navkontor_malbilde"].sum()),
           "innbyggere_per_navkontor": per_office(folk, kontor, year),
           "arsverk": pd.NA, "arsverk_per_10000": pd.NA, "sysselsatte_1000": pd.NA}
    series = population.national_series().set_index("aar").loc[year]
    for age in population.AGE_COLUMNS:
        out[age] = series[age]
    return out


ADDITIVE = ("folkemengde", "antall_kommuner", "areal_km2", "navkontor", "navkontor_malbilde",
            "arsverk", "sysselsatte_1000", "andel_landet_pst")


def totals(figures: KeyFigures) -> dict:
    """The proposal's totals per column: sums where every region has a value, density and
    people per office from those sums; missing otherwise."""
    table = figures.table
    out = {}
    for col in table.columns:
        if col in ADDITIVE:
            out[col] = pd.NA if table[col].isna().any() else table[col].sum()
    out["tetthet_per_km2"] = table["folkemengde"].sum() / table["areal_km2"].sum()
    out["innbyggere_per_navkontor"] = per_office(out["folkemengde"], out["navkontor"], figures.year)
    return out
