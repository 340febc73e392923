"""Areas on one basis: the same territory has the same area in every year and proposal.

Every area comes from the finest kommune layer (kommuner_2024_robhop_S, clipped to the
coastline), carried back through the code changes: a kommune of an earlier year that is
whole in the 2024 layer gets the sum of its 2024 polygons. Where several kommuner of the year
share one group of 2024 polygons (mergers after the year, and the 2020 splits of Tysfjord and
Snillfjord), the group's area is divided by their areas in the 2019 kommune layer, and, for
kommuner merged before 2019 across a fylke border (Rissa and Leksvik → Indre Fosen), by the
2017 fylke layer.

Land the map moved without a code change (border adjustments, `sources.overlay`: Bjørke and
Viddal from Ørsta to Volda in 2020) is counted where it lay in the year: for a year before the
basis layer, the latest kommune layer of that year or before (the 2019 layer before 2019) is
laid over the basis layer, and each moved piece is taken from its group in the basis layer and
given to the group of the kommune it lay in. Otherwise group totals, and therefore every region
that holds whole groups, are exact sums of the 2024 layer.
"""
from __future__ import annotations

import pandas as pd

from ..memo import memo
from ..model import Proposal
from ..sources import codes, geometry, overlay, succession
from ..sources.cache import cached, raw_path
from ..territory import membership

BASIS_LAYER = 2024
SHARE_LAYER = 2019
FYLKE_SHARE_LAYER = 2017
SOURCE = (f"{geometry.SOURCE}; areal beregnet fra kommunegrensene {BASIS_LAYER} og ført tilbake "
          f"gjennom kommuneendringene (sammenslåtte kommuner fordelt etter kommunegrensene "
          f"{SHARE_LAYER} og fylkesgrensene {FYLKE_SHARE_LAYER}; land som er flyttet mellom kommuner "
          f"uten kodeendring, er funnet ved å legge kommunegrensene over hverandre og talt der "
          f"det lå i året)")
# Measured: one-basis areas of the 2016 fylker against SSB's official total areas 2013
# (areal_fylke_19.csv, 15 fylker); checked in tests/test_consistency.py.
SSB_DEVIATION_NOTE = ("Arealene er beregnet fra kommunepolygoner (Kartverket) og avviker fra SSBs "
                      "offisielle totalareal (2013) med mellom −1,7 % (Vestfold) og +0,5 % (Oslo); "
                      "for 13 av 15 sammenlignbare fylker er avviket under 0,5 %.")


def reference_layer(year: int) -> int | None:
    """The kommune layer that shows the borders of `year` (the latest layer of `year` or
    before; the earliest before that), or None when it is the basis layer itself."""
    layers = sorted(geometry.KOMMUNE_FILES)
    layer = max((y for y in layers if y <= year), default=layers[0])
    return None if layer >= BASIS_LAYER else layer


def border_moves(year: int) -> pd.DataFrame:
    """Land moved without a code change between `reference_layer(year)` and the basis layer
    that lies in another territory group of `year` than the code list gives it.

    Columns: kommune_fra (code of the older layer), kommune_til (code of the basis layer),
    areal_km2, fra (the group's kommuner of `year` the land lay in), til (those the code list
    alone gives it to), lag (the two layer years)."""
    layer = reference_layer(year)
    if layer is None:
        return pd.DataFrame(columns=[*overlay.COLUMNS, "fra", "til", "lag"])
    groups = _groups(year)
    of_new = {c: i for i, (_, new) in enumerate(groups) for c in new}
    forward = succession.crosswalk(layer, BASIS_LAYER).groupby("code_from")["code_to"].first()
    moved = overlay.moves(layer, BASIS_LAYER).copy()
    gain = moved["kommune_fra"].map(forward).map(of_new)
    loss = moved["kommune_til"].map(of_new)
    moved["fra"] = [groups[g][0] for g in gain]
    moved["til"] = [groups[g][0] for g in loss]
    moved["lag"] = [(layer, BASIS_LAYER)] * len(moved)
    return moved[(gain != loss).to_numpy()].reset_index(drop=True)


def _groups(year: int) -> tuple[tuple[frozenset, frozenset], ...]:
    """Groups of kommuner of `year` and of the basis layer covering the same land."""
    return succession.territory_groups(year, BASIS_LAYER)


@memo(None)
def _fylke_share(code_2019: str, fylke: str) -> float:
    """Share of a 2019 kommune polygon lying in a 2016/2017 fylke (2017 fylke layer)."""
    kommune = geometry.kommune_polygons(SHARE_LAYER).set_index("kommunenummer").geometry[code_2019]
    fylker = geometry.fylke_polygons(FYLKE_SHARE_LAYER).set_index("fylkesnummer").geometry
    inside = {f: kommune.intersection(g).area for f, g in fylker.items() if g.intersects(kommune)}
    total = sum(inside.values())
    return inside.get(fylke, 0.0) / total if total else 0.0


def _share_weights(year: int, codes_of_year) -> dict[str, float]:
    """Relative area of kommuner of `year` (≤ 2019) inside their groups, from older layers."""
    areas19 = geometry.kommune_polygons(SHARE_LAYER).set_index("kommunenummer")["areal_km2"]
    fylke_of = codes.code_list()["fylkesnummer"].to_dict()
    cross = succession.crosswalk(year, SHARE_LAYER)
    siblings = cross.groupby("code_to")["code_from"].agg(list).to_dict()
    weights = {}
    for code, target, w in cross[cross["code_from"].isin(codes_of_year)].itertuples(index=False):
        fylke = fylke_of[code]
        same = [c for c in siblings[target] if fylke_of[c] == fylke]
        share = 1.0
        if len(same) < len(siblings[target]) and year <= FYLKE_SHARE_LAYER:
            share = _fylke_share(target, fylke)
        weights[code] = weights.get(code, 0.0) + w * areas19[target] * share / len(same)
    return weights


@memo(None)
def kommune_areas(year: int) -> pd.Series:
    """Area (km²) of every kommune valid on 1 January `year`, on the one basis (from the
    processed-data cache, keyed on the layers, the code list and the code computing them)."""
    sources = [*(raw_path(name) for name in geometry.KOMMUNE_FILES.values()),
               raw_path(geometry.FYLKE_FILES[FYLKE_SHARE_LAYER]), raw_path(codes.CODE_FILE)]
    frame = cached(f"areal-{year}", sources, lambda: _kommune_areas(year).to_frame(),
                   depends=(geometry, codes))
    return frame["areal_km2"]


def _kommune_areas(year: int, moved: bool = True) -> pd.Series:
    atoms = geometry.kommune_polygons(BASIS_LAYER).set_index("kommunenummer")["areal_km2"]
    groups = _groups(year)
    shared = {c for old, _ in groups if len(old) > 1 for c in old}
    weights = _share_weights(year, shared) if shared else {}
    net: dict[frozenset, float] = {}
    for fra, til, km2 in (zip(*(border_moves(year)[c] for c in ("fra", "til", "areal_km2")))
                          if moved else ()):
        net[fra] = net.get(fra, 0.0) + km2
        net[til] = net.get(til, 0.0) - km2
    out: dict[str, float] = {}
    for old, new in groups:  # sorted: the same sums in the same order in every process
        total = float(atoms[sorted(new)].sum()) + net.get(old, 0.0)
        if len(old) == 1:
            out[next(iter(old))] = total
            continue
        norm = sum(weights[c] for c in sorted(old))
        for c in sorted(old):
            out[c] = total * weights[c] / norm
    return pd.Series(out, name="areal_km2")


@memo(None)
def moved_land(year: int) -> pd.Series:
    """Per kommune of `year`: km² its area differs by because of `border_moves` (0 for most)."""
    if border_moves(year).empty:
        return pd.Series(0.0, index=kommune_areas(year).index, name="areal_km2")
    return kommune_areas(year) - _kommune_areas(year, moved=False)


def region_areas(proposal: Proposal, year: int) -> pd.Series:
    """Area (km²) per region: the kommuner of `year` assigned to it, on the one basis."""
    assigned = membership.assign(proposal, year)
    areas = assigned["kommunenummer"].map(kommune_areas(year))
    return areas.groupby(assigned["region"]).sum()


def _km2(value: float) -> str:
    """«139,9 km²»."""
    return f"{abs(value):,.1f}".replace(",", "\u00a0").replace(".", ",") + " km²"


def _kommuner(codes_: list[str], names) -> str:
    """«Hornindal (1444) og Volda (1519)»."""
    items = [f"{names[c]} ({c})" for c in codes_]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " og " + items[-1]


def moved_land_notes(proposal: Proposal, year: int) -> dict[str, str]:
    """Per region whose area `border_moves` changes by at least 0,05 km²: by how much, the
    moves across its border (kommuner, km²) and the layers compared."""
    moves = border_moves(year)
    if moves.empty:
        return {}
    assigned = membership.assign(proposal, year)
    change = assigned["kommunenummer"].map(moved_land(year)).groupby(assigned["region"]).sum()
    names = codes.code_list()["kommunenavn"]
    notes = {}
    for region, delta in change[change.abs() >= 0.05].items():
        mine = set(assigned.loc[assigned["region"] == region, "kommunenummer"])
        older, newer = moves["lag"].iloc[0]
        before = succession.crosswalk(year, older)
        listed = []
        for a, b, km2, fra, til in zip(*(moves[c] for c in ("kommune_fra", "kommune_til",
                                                            "areal_km2", "fra", "til"))):
            if not (fra | til) & mine or (fra | til) <= mine:
                continue  # only land moved across the region's border changes its area
            owners = sorted(set(before.loc[before["code_to"] == a, "code_from"]))
            text = (f"{_km2(km2)} som lå i {_kommuner(owners, names)} etter kommunegrensene "
                    f"{older}, men i {names[b]} ({b}) etter kommunegrensene {newer}")
            if til != {b}:
                text += f" (i {year}: {_kommuner(sorted(til), names)})"
            listed.append(text)
        notes[region] = (f"arealet er {_km2(delta)} {'større' if delta > 0 else 'mindre'} enn "
                         f"kodelisten alene gir: land flyttet mellom kommuner uten kodeendring "
                         f"er talt der det lå i {year}: " + "; ".join(listed))
    return notes


def national_area() -> float:
    """Area of Norway (km²) on the same basis."""
    return float(geometry.kommune_polygons(BASIS_LAYER)["areal_km2"].sum())
