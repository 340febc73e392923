"""What the editor's page shows, as JSON data: the map, the state of the drawing, the panel.

Everything here is plain data (numbers already in Norwegian form, names as given). The page
(editor.js) puts every text into the DOM with textContent, never as markup.
"""
from __future__ import annotations

import json

import numpy as np

from ...indicators.scores import SCORE_COLUMNS
from ...memo import memo
from ...sources import codes, geometry
from ...territory.adjacency import units
from .. import fmt
from ..maps import PALETTE, region_colors
from .basis import Basis
from .model import EditorModel
from .panel import Panel

SIMPLIFY_M = 100  # for clicking a kommune; the appendices' maps are exact
CLOSE_M = 200     # fylke shapes: gaps between the kommune polygons closed

PANEL_COLUMNS = [
    ("region", "Region"), ("folkemengde", "Folkemengde"), ("avvik_pst", "Avvik fra idealstørrelsen"),
    ("antall_kommuner", "Kommuner"), ("areal_km2", "Areal (km²)"), ("ba_delt", "BA-regioner delt"),
    ("bosatt_delt_ba", "Egne bosatte i delte BA-regioner"), ("sete", "Sete"),
    ("avstand_maks_km", "Lengst fra setet (km)"),
]
SCORE_LABELS = {
    "regioner": ("Regioner med kommuner", 0),
    "befolkningsavvik_maks": ("Største avvik fra idealstørrelsen", 1),
    "befolkning_min": ("Minste region (innbyggere)", 0),
    "befolkning_maks": ("Største region (innbyggere)", 0),
    "polsby_popper_snitt": ("Kompakthet (Polsby-Popper, snitt)", 3),
    "ba_delt": ("BA-regioner delt av regiongrenser", 0),
    "bosatt_delt_ba": ("Bosatt i delte BA-regioner", 0),
    "avstand_maks_km": ("Lengste avstand kommune–sete (km)", 0),
    "avstand_snitt_km": ("Gjennomsnittlig avstand til setet per innbygger (km)", 1),
    "kommuner_maks": ("Flest kommuner i én region", 0),
}


@memo(8)
def _map_json(vintage: int, units_: str = "kommune") -> str:
    """The layer polygons (WGS 84, simplified) with the vintage kommuner each holds; with fylke
    units one (multi)polygon per vintage fylke holding all its kommuner (a layer polygon that
    holds kommuner of two fylker, as Indre Fosen holds Rissa and Leksvik of 2016, is drawn with
    the fylke of its lowest code; the click and the figures use the codes, not the drawing)."""
    nodes = units(vintage, "kommune").nodes
    layer = geometry.kommune_polygons(geometry.kommune_layer_year(vintage))[["kommunenummer", "geometry"]].copy()
    layer = layer[layer["kommunenummer"].isin(set(nodes["layer_kode"]))].reset_index(drop=True)
    held = nodes.groupby("layer_kode")["kode"].agg(lambda c: sorted(c))
    names = nodes.set_index("kode")["navn"]
    layer["koder"] = layer["kommunenummer"].map(held)
    layer["navn"] = [", ".join(names[k]) for k in layer["koder"]]
    if units_ == "fylke":
        fylke_of = dict(zip(codes.kommune_codes(vintage)["kommunenummer"], codes.kommune_codes(vintage)["fylkesnummer"]))
        fylker = codes.fylke_codes(vintage).set_index("fylkesnummer")["fylkesnavn"]
        layer["fylke"] = [fylke_of[k[0]] for k in layer["koder"]]
        layer = layer.dissolve(by="fylke").reset_index()
        layer["geometry"] = layer.geometry.buffer(CLOSE_M).buffer(-CLOSE_M)  # no seams between kommuner
        members = nodes.assign(fylke=nodes["kode"].map(fylke_of)).groupby("fylke")["kode"].agg(sorted)
        layer["koder"] = layer["fylke"].map(members)
        layer["navn"] = layer["fylke"].map(fylker)
    layer["geometry"] = layer.geometry.simplify(SIMPLIFY_M)
    layer = layer.to_crs("EPSG:4326")
    features = []
    for koder, navn, geom in zip(layer["koder"], layer["navn"], layer.geometry):
        shape = json.loads(json.dumps(geom.__geo_interface__))
        features.append({"type": "Feature", "geometry": _rounded(shape),
                         "properties": {"koder": list(koder), "navn": navn}})
    x0, y0, x1, y1 = layer.total_bounds
    return json.dumps({"type": "FeatureCollection", "features": features,
                       "bounds": [[y0, x0], [y1, x1]]}, ensure_ascii=False, separators=(",", ":"))


def _rounded(shape: dict) -> dict:
    """Coordinates to 4 decimals (~10 m): a third of the size, nothing visible lost."""
    def walk(c):
        return [walk(x) for x in c] if isinstance(c[0], (list, tuple)) else [round(c[0], 4), round(c[1], 4)]
    return {"type": shape["type"], "coordinates": walk(shape["coordinates"])}


def map_data(b: Basis, units_: str = "kommune") -> dict:
    """Map features, view bounds, the kommuner and fylker of the vintage (the keyboard path:
    with fylke units it offers the fylker only) and the units painted."""
    data = json.loads(_map_json(b.vintage, units_))
    data["units"] = [[str(c), str(n)] for c, n in zip(b.codes, b.names)]
    fylker = codes.fylke_codes(b.vintage)
    data["fylker"] = [[str(c), str(n)] for c, n in zip(fylker["fylkesnummer"], fylker["fylkesnavn"])]
    data["painted"] = units_
    return data


class Colors:
    """A colour per region that stays with it through edits and renames: the appendices' colours
    for the starting regions (neighbours differ), the least used for a new region; a region
    that an edit makes a neighbour of one with its colour (on the map's neighbour graph) gets
    another, the region later in the list giving way."""

    def __init__(self, ed: EditorModel):
        start = region_colors(ed.start)
        self._by_key = {s.key: start.get(s.name, PALETTE[i % len(PALETTE)]) for i, s in enumerate(ed.slots)}
        b = ed.basis
        edges = np.array([(b.index[u], b.index[v]) for u, v in b.graph.edges
                          if u in b.index and v in b.index], dtype=np.int64).reshape(-1, 2)
        self._edges = edges

    def of(self, slots, labels: np.ndarray | None = None) -> list[str]:
        used = lambda: [self._by_key.get(t.key) for t in slots]  # noqa: E731
        for s in slots:
            if s.key not in self._by_key:
                self._by_key[s.key] = min(PALETTE, key=lambda c: (used().count(c), PALETTE.index(c)))
        if labels is not None and len(self._edges):
            self._separate(slots, labels)
        return [self._by_key[s.key] for s in slots]

    def _separate(self, slots, labels: np.ndarray) -> None:
        """Recolour regions touching a neighbour of the same colour (newest region key first)."""
        a, b = labels[self._edges[:, 0]], labels[self._edges[:, 1]]
        keep = (a >= 0) & (b >= 0) & (a != b)
        near: dict[int, set[int]] = {}
        for x, y in zip(a[keep].tolist(), b[keep].tolist()):
            near.setdefault(x, set()).add(y)
            near.setdefault(y, set()).add(x)
        color = lambda r: self._by_key[slots[r].key]  # noqa: E731
        for r in sorted(near, key=lambda r: -slots[r].key):
            if any(color(n) == color(r) for n in near[r]):
                taken = {color(n) for n in near[r]}
                counts = [color(i) for i in range(len(slots))]
                free = [c for c in PALETTE if c not in taken] or list(PALETTE)
                self._by_key[slots[r].key] = min(free, key=lambda c: (counts.count(c), PALETTE.index(c)))


def state_data(ed: EditorModel, colors: Colors, active: int, message: str = "", busy: bool = False) -> dict:
    """Regions (name, colour, seat), the region index of every vintage kommune, undo/redo, and
    whether alternatives are being generated in the background."""
    slots = ed.slots
    return {"regions": [{"name": s.name, "color": c, "seat": s.seat or ""}
                        for s, c in zip(slots, colors.of(slots, ed.labels))],
            "labels": ed.labels.tolist(), "active": min(max(active, 0), len(slots) - 1),
            "can_undo": ed.can_undo, "can_redo": ed.can_redo, "message": message, "busy": busy}


def _cell(col: str, value, row) -> str:
    if col == "avvik_pst":
        return "" if fmt.is_missing(value) else ("+" if value > 0 else "") + fmt.percent(value)
    if col == "areal_km2" or col == "avstand_maks_km":
        return fmt.number(value, 0, missing="")
    if col == "sete":
        return "" if fmt.is_missing(value) else value if row["sete_oppgitt"] else f"({value})"
    if col == "region":
        return str(value)
    return fmt.number(value, 0, missing="")


def panel_data(panel: Panel, year: int, shares=None, alternatives=None, unlike: str | None = None) -> dict:
    """The panel as rows of text: figures per region, plan scores (with the percentile and the
    shares below/equal/above among the alternatives when an ensemble is attached), warnings."""
    note = ""
    if alternatives is not None:
        how = "alle mulige planer" if alternatives.method == "eksakt" else "et utvalg (ReCom)"
        note = (f"Persentil: andelen av {fmt.number(alternatives.n)} alternativer med {alternatives.regions} "
                f"regioner av hele {alternatives.level}r ({how}) med lavere verdi, like verdier talt halvt; "
                "tegningen målt med regionens mest folkerike kommune som sete, som alternativene.")
        if shares is None:
            note = f"Ingen persentil: {unlike}." if unlike else ""
    rows = [[_cell(col, row[col], row) for col, _ in PANEL_COLUMNS] for _, row in panel.regions.iterrows()]
    score = panel.scores.iloc[0]
    scores = []
    for col in SCORE_COLUMNS:
        label, decimals = SCORE_LABELS[col]
        value = score[col] * (100 if col == "befolkningsavvik_maks" else 1)
        text = fmt.percent(value, decimals) if col == "befolkningsavvik_maks" else fmt.number(value, decimals)
        if shares is None:
            scores.append([label, text])
        else:
            share = shares[col]
            parts = " / ".join(fmt.number(share[k], 1) for k in ("andel_lavere", "andel_lik", "andel_hoyere"))
            scores.append([label, text, fmt.percent(share["persentil"], 0), parts + fmt.NBSP + "%"])
    regions = panel.regions
    with_kommuner = int((regions["antall_kommuner"] > 0).sum())
    ideal = regions["folkemengde"].sum() / max(with_kommuner, 1)
    figures_note = (f"Idealstørrelse: folkemengden delt på {with_kommuner} regioner med kommuner, "
                    f"{fmt.number(ideal)}. Sete i parentes: forslaget oppgir ikke sete, den mest "
                    "folkerike kommunen er brukt (som i regionanalyse score). Avstand i rett linje.")
    return {"caption": f"Nøkkeltall per region, 1. januar {year}", "figures_note": figures_note,
            "columns": [label for _, label in PANEL_COLUMNS], "rows": rows,
            "scores": scores, "has_percentiles": shares is not None, "note": note,
            "warnings": list(panel.warnings), "flags": [list(f) for f in panel.flags]}
