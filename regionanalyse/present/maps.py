"""Static maps (matplotlib/geopandas): the overview of a proposal and the map of one region."""
from __future__ import annotations

import functools

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import patheffects
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path

from ..indicators.ba_cohesion import split_ba_kommuner
from ..memo import memo
from ..model import Proposal
from ..territory.geo import region_kommuner_geo
from ..territory.seats import seat_kommune

#: Text in figures (region names in legends and titles) is data: never mathtext ($…$).
PLAIN_TEXT = {"text.parse_math": False}

REGION_COLOR = "#2b6a9e"
SPLIT_BA_COLOR = "#D55E00"  # Okabe–Ito vermillion: apart from the blue also with CVD
REGION_COLOR_RGB = (0x2b / 255, 0x6a / 255, 0x9e / 255)


def plain_text(function):
    """A plotting function run with PLAIN_TEXT (matplotlib.rc_context: the setting holds while
    it draws, not for the analyst's own figures). A map function's figure gets its canvas's
    own draw_idle back when it returns (see _draw_once)."""
    @functools.wraps(function)
    def wrapped(*args, **kwargs):
        with plt.rc_context(PLAIN_TEXT):
            result = function(*args, **kwargs)
        canvas = getattr(getattr(result, "figure", None), "canvas", None)
        if canvas is not None:
            canvas.__dict__.pop("draw_idle", None)
        return result
    return wrapped


def _draw_once(ax) -> None:
    """Stop geopandas from rendering the whole figure after every layer it adds (it calls
    canvas.draw_idle, which the Agg canvas carries out at once); the figure is drawn once,
    when it is saved or shown. Only while a map is drawn: `plain_text` removes it after."""
    ax.figure.canvas.draw_idle = lambda *args, **kwargs: None


def _fill(ax, geoms, color=None, **style) -> None:
    """Draw polygons as GeoSeries.plot does — one path per polygon (holes kept), one
    collection — without making a matplotlib Patch per polygon first (a third of a map's time).

    `color` sets face and edge (a list: one per geometry); `facecolor`, `edgecolor`, `linewidth`,
    `alpha`, `hatch` as for a collection."""
    paths, owners = [], []
    for i, geom in enumerate(geoms):
        for poly in getattr(geom, "geoms", [geom]):
            if poly.is_empty:
                continue
            rings = [poly.exterior, *poly.interiors]
            paths.append(Path.make_compound_path(*[Path(np.asarray(r.coords)[:, :2]) for r in rings]))
            owners.append(i)
    if color is not None:
        colors = [color[i] for i in owners] if isinstance(color, list) else color
        style = {"facecolor": colors, "edgecolor": colors, **style}
    ax.add_collection(PathCollection(paths, **style), autolim=True)
    ax.autoscale_view()


def _outline(frame: gpd.GeoDataFrame, by: str | None = None) -> gpd.GeoDataFrame:
    """Dissolved outline that closes the generalised layers' slivers between kommuner.

    The closing buffer rounds corners with 2 segments per quarter circle (not 8): at most
    ~30 m from a round corner (under a pixel on the overview, about one on the most zoomed-in
    region map, Oslo), in a third of the time.
    """
    dissolved = frame.dissolve(by=by) if by else frame.dissolve()
    dissolved["geometry"] = dissolved.buffer(400, quad_segs=2).buffer(-400, quad_segs=2)
    return dissolved.reset_index() if by else dissolved


def _without_lakes(frame: gpd.GeoDataFrame, min_km2: float = 25) -> gpd.GeoDataFrame:
    """The outline without holes smaller than `min_km2` (lakes and slivers inside a region would
    otherwise be drawn as black blobs by the region's border line); a kommune of another region
    enclosed by it (Oslo inside Akershus) is larger and stays a hole."""
    from shapely.geometry import MultiPolygon, Polygon

    def fill(geom):
        parts = getattr(geom, "geoms", [geom])
        kept = [Polygon(p.exterior, [r for r in p.interiors if Polygon(r).area >= min_km2 * 1e6])
                for p in parts if p.geom_type == "Polygon"]
        return MultiPolygon(kept) if len(kept) > 1 else kept[0] if kept else geom

    out = frame.copy()
    out["geometry"] = out.geometry.map(fill)
    return out


def _scale_bar(ax, length_km: int | None = None, top: bool = False, y_frac: float | None = None) -> None:
    """A scale bar in the lower (or upper) left corner (axes in EPSG:25833 metres)."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    if length_km is None:
        span = (x1 - x0) / 1000 / 4
        length_km = next(v for v in (500, 200, 100, 50, 20, 10, 5) if v <= max(span, 5))
    y_frac = y_frac if y_frac is not None else (0.93 if top else 0.05)
    x, y = x0 + 0.05 * (x1 - x0), y0 + y_frac * (y1 - y0)
    ax.plot([x, x + length_km * 1000], [y, y], color="black", linewidth=3, solid_capstyle="butt")
    ax.text(x + length_km * 500, y + 0.015 * (y1 - y0), f"{length_km} km", ha="center",
            va="bottom", fontsize=8)


# Paul Tol's "muted" qualitative scheme: distinguishable with the common colour-vision deficiencies
# and designed to carry black labels; it has no grey, which is kept for "the rest of Norway".
PALETTE = ("#CC6677", "#88CCEE", "#DDCC77", "#117733", "#AA4499", "#44AA99", "#999933",
           "#882255", "#332288")
REST_COLOR = "#e6e6e6"


def _region_shapes(proposal: Proposal) -> gpd.GeoDataFrame:
    """One (dissolved) outline per region, in the proposal's order."""
    return _dissolved_regions(proposal)  # a copy (regionanalyse.memo)


@memo(16)
def _dissolved_regions(proposal: Proposal) -> gpd.GeoDataFrame:
    geo = region_kommuner_geo(proposal)
    shapes = _outline(geo, by="region").set_index("region")
    return shapes.loc[[r for r in proposal.region_names() if r in shapes.index]]


def polsby_popper_outlines(proposal: Proposal) -> dict[str, float]:
    """Mean Polsby–Popper 4πA/U² over the regions, on two drawn outlines: the kommune map
    dissolved as is (``raw``) and dissolved then closed by ±400 m as on the maps (``closed``)."""
    import math

    def mean_pp(geoms) -> float:
        return float(np.mean(4 * math.pi * geoms.area / geoms.length ** 2))

    raw = region_kommuner_geo(proposal).dissolve(by="region")
    return {"raw": mean_pp(raw.geometry), "closed": mean_pp(_dissolved_regions(proposal).geometry)}


def _neighbours(shapes: gpd.GeoDataFrame, gap_m: float = 8_000) -> dict[str, set[str]]:
    """Regions that touch or face each other across less than `gap_m` of sea or fjord."""
    import shapely

    names = list(shapes.index)
    out = {n: set() for n in names}
    geoms = shapes.geometry
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            if shapely.dwithin(geoms[a], geoms[b], gap_m):
                out[a].add(b)
                out[b].add(a)
    return out


def comparison_colors(proposals: list[Proposal], same_region_iou: float = 0.6) -> dict[str, str]:
    """One colour per region, the same on every map of a comparison, never shared by
    neighbours on any of the maps (greedy colouring over the union of their neighbour graphs).

    A region is "the same" in two proposals when it has the same name or, under another name
    («Nordland» and «NAV Nordland»), when the two areas overlap by at least `same_region_iou`
    (intersection over union).
    """
    identity: dict[str, str] = {}  # region name -> identity (first name it was seen under)
    shapes_of: dict[str, object] = {}  # identity -> its latest shape
    neighbours: dict[str, set[str]] = {}
    order: list[str] = []
    for proposal in proposals:
        shapes = _region_shapes(proposal)
        simple = shapes.geometry.simplify(1_000)
        claimed: set[str] = set()
        for name in shapes.index:
            ident = identity.get(name)
            if ident is None:
                best, best_iou = None, same_region_iou
                for other, geom in shapes_of.items():
                    if other in claimed:
                        continue
                    union = geom.union(simple[name]).area
                    iou = geom.intersection(simple[name]).area / union if union else 0.0
                    if iou >= best_iou:
                        best, best_iou = other, iou
                ident = best or name
            identity[name] = ident
            claimed.add(ident)
            shapes_of[ident] = simple[name]
            if ident not in order:
                order.append(ident)
        for name, near in _neighbours(shapes).items():
            neighbours.setdefault(identity[name], set()).update(identity[n] for n in near)
    colors: dict[str, str] = {}
    for ident in order:
        taken = {colors[n] for n in neighbours.get(ident, ()) if n in colors}
        free = [c for c in PALETTE if c not in taken]
        # among the free colours, the least used so far spreads the palette evenly
        colors[ident] = min(free or PALETTE, key=lambda c: (list(colors.values()).count(c), PALETTE.index(c)))
    return {name: colors[ident] for name, ident in identity.items()}


def region_colors(proposal: Proposal) -> dict[str, str]:
    """Colour per region (hex), neighbours always different (computed once per proposal)."""
    return dict(_region_colors(proposal))


@memo(16)
def _region_colors(proposal: Proposal) -> dict[str, str]:
    return comparison_colors([proposal])


@plain_text
def region_map(proposal: Proposal, region: str, year: int, ax=None):
    """Map of one region: its kommuner, the rest of Norway in grey, seat, split BA-regions."""
    geo = region_kommuner_geo(proposal)
    inside = geo[geo["region"] == region]
    split_codes = split_ba_kommuner(proposal, region, year)
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.5, 8))
    _draw_once(ax)
    xmin, ymin, xmax, ymax = inside.total_bounds
    pad = max(xmax - xmin, ymax - ymin) * 0.12 + 10_000
    _fill(ax, geo.cx[xmin - 2 * pad:xmax + 2 * pad, ymin - 2 * pad:ymax + 2 * pad].geometry,
          color=REST_COLOR, edgecolor="white", linewidth=0.3)
    _fill(ax, inside.geometry, color=REGION_COLOR, alpha=0.55, edgecolor="white", linewidth=0.4)
    split = geo[geo["kommunenummer"].isin(split_codes)]
    handles = [Patch(color=REGION_COLOR, alpha=0.55, label=f"{region}: kommuner")]
    if not split.empty:
        # sparse, thin hatching and a dashed outline: the region's own colour stays visible
        with plt.rc_context({"hatch.linewidth": 0.6}):
            _fill(ax, split.geometry, facecolor="none", edgecolor=SPLIT_BA_COLOR, hatch="//",
                  linewidth=0, alpha=0.7)
        _outline(split).boundary.plot(ax=ax, color=SPLIT_BA_COLOR, linewidth=1.3, linestyle=(0, (4, 2)))
        handles.append(Patch(facecolor="none", edgecolor=SPLIT_BA_COLOR, hatch="//", linestyle="--",
                             label="Kommuner i BA-regioner som deles av regiongrensen"))
    _without_lakes(_outline(inside)).boundary.plot(ax=ax, color="black", linewidth=1.2)
    seat_code, seat_name, official = seat_kommune(proposal, region)
    point = geo.loc[geo["kommunenummer"] == seat_code].geometry.representative_point().iloc[0]
    ax.plot(point.x, point.y, marker="*", color="gold", markersize=16, markeredgecolor="black", zorder=6)
    label = "Sete" if official else "Mest folkerike kommune (sete ikke oppgitt)"
    ax.annotate(seat_name, (point.x, point.y), xytext=(9, 7), textcoords="offset points",
                fontsize=9, fontweight="bold", zorder=7,
                path_effects=[patheffects.withStroke(linewidth=3, foreground="white")])
    handles.append(Line2D([], [], marker="*", color="gold", markeredgecolor="black",
                          linestyle="none", markersize=12, label=f"{label}: {seat_name}"))
    ax.set_xlim(xmin - pad, xmax + pad)
    ax.set_ylim(ymin - pad, ymax + pad)
    ax.set_aspect("equal")
    ax.set_axis_off()
    _scale_bar(ax)
    ax.legend(handles=handles, loc="upper left", fontsize=8, framealpha=0.9)
    _inset(ax, geo, inside)
    return ax


def _inset(ax, geo: gpd.GeoDataFrame, inside: gpd.GeoDataFrame) -> None:
    """A small map of Norway with the region, just right of the main map (never covering it)."""
    inset = ax.inset_axes([1.02, 0.0, 0.24, 0.4])
    _fill(inset, geo.geometry, color="#d0d0d0", linewidth=0)  # dissolving the country costs ~2 s
    _fill(inset, inside.geometry, color=REGION_COLOR, linewidth=0)
    inset.set(xticks=[], yticks=[], xlabel="", ylabel="")
    inset.set_facecolor("white")  # opaque over the main map's hatching
    for spine in inset.spines.values():
        spine.set_color("#999999")
    inset.set_aspect("equal")


def _label_points(shapes: gpd.GeoDataFrame) -> dict[str, tuple[float, float]]:
    """A point inside each region's largest part, where its number label goes."""
    out = {}
    for name, geom in shapes.geometry.items():
        parts = list(getattr(geom, "geoms", [geom]))
        point = max(parts, key=lambda g: g.area).representative_point()
        out[name] = (point.x, point.y)
    return out


def _number(ax, x, y, text, size=8.5):
    """A region number: black on a white rounded box, readable on every palette colour."""
    ax.text(x, y, text, ha="center", va="center", fontsize=size, fontweight="bold", color="black",
            zorder=6, bbox=dict(boxstyle="round,pad=0.18", facecolor="white", edgecolor="#333333",
                                linewidth=0.5))


def _small_regions(shapes: gpd.GeoDataFrame, limit_km2: float = 2_500) -> list[str]:
    """Regions too small to read on a map of the whole country (Oslo)."""
    return [name for name, geom in shapes.geometry.items() if geom.area / 1e6 < limit_km2]


@plain_text
def overview_map(proposal: Proposal, year: int, ax=None, title: str | None = None,
                 colors: dict[str, str] | None = None, extent=None):
    """All regions of a proposal, each numbered (as in the tables) and coloured so that
    neighbours differ (colour-blind-safe palette), seats as stars, Oslo and other small regions
    enlarged in an inset, a legend «n Region (sete)» and a scale bar.

    `colors` keeps the colours of a comparison (see comparison_colors); `extent` fixes
    (xmin, ymin, xmax, ymax) so that several maps share one scale.
    """
    geo = region_kommuner_geo(proposal)
    shapes = _region_shapes(proposal)
    names = list(shapes.index)
    colors = colors or region_colors(proposal)
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.5, 9.5))
    _draw_once(ax)
    _fill(ax, shapes.geometry, color=[colors[r] for r in names], edgecolor="white", linewidth=0.8)
    numbers = {name: i for i, name in enumerate(proposal.region_names(), 1)}
    small = _small_regions(shapes)
    points = _label_points(shapes)
    seats = {}
    for region in names:
        seat_code, seat_name, official = seat_kommune(proposal, region)
        if official:
            point = geo.loc[geo["kommunenummer"] == seat_code].geometry.representative_point().iloc[0]
            seats[region] = (point.x, point.y, seat_name)
    for region, (x, y, _) in seats.items():
        ax.plot(x, y, marker="*", color="gold", markersize=10, markeredgecolor="black",
                markeredgewidth=0.6, zorder=5)
    for region in names:
        if region not in small:
            _number(ax, *points[region], str(numbers[region]))
    if extent is not None:
        ax.set_xlim(extent[0], extent[2])
        ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("equal")
    ax.set_axis_off()
    if small:
        _small_inset(ax, shapes, colors, numbers, small, points, seats)
    handles = []
    for region in proposal.region_names():
        if region not in shapes.index:
            continue
        label = f"{numbers[region]}  {region}"
        if region in seats:
            label += f" ({seats[region][2]})"
        handles.append(Patch(facecolor=colors[region], edgecolor="#333333", linewidth=0.4, label=label))
    if seats:
        handles.append(Line2D([], [], marker="*", color="gold", markeredgecolor="black",
                              linestyle="none", markersize=10, label="Sete (i parentes)"))
    _scale_bar(ax, 200, y_frac=0.57 if small else 0.93)
    ax.legend(handles=handles, loc="lower right", fontsize=7, framealpha=0.95, handlelength=1.2,
              borderpad=0.5, labelspacing=0.35)
    if title:
        ax.set_title(title, fontsize=11)
    return ax


def _small_inset(ax, shapes, colors, numbers, small, points, seats) -> None:
    """An enlarged map around the small regions (Oslo and its neighbours), with a frame on the
    main map showing where it is."""
    from matplotlib.patches import Rectangle

    box = shapes.loc[small].total_bounds
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    half = max(45_000, 0.75 * max(box[2] - box[0], box[3] - box[1]))
    x0, x1, y0, y1 = cx - half, cx + half, cy - half, cy + half
    inset = ax.inset_axes([0.0, 0.64, 0.34, 0.34])
    _draw_once(inset)
    near = shapes.cx[x0:x1, y0:y1]
    _fill(inset, near.geometry, color=[colors[r] for r in near.index], edgecolor="white", linewidth=0.8)
    inset.set_xlim(x0, x1)
    inset.set_ylim(y0, y1)
    for region in near.index:
        clipped = near.geometry[region].intersection(
            __import__("shapely").geometry.box(x0, y0, x1, y1))
        if clipped.is_empty:
            continue
        part = max(getattr(clipped, "geoms", [clipped]), key=lambda g: g.area)
        if part.area < 0.03 * (x1 - x0) * (y1 - y0) and region not in small:
            continue
        p = part.representative_point()
        x, y = p.x, p.y
        if region in small:
            p = shapes.geometry[region].representative_point()
            x, y = p.x, p.y
            if region in seats:  # keep the seat's star visible: the number goes below it
                x, y = seats[region][0], seats[region][1] - 0.09 * (y1 - y0)
        _number(inset, x, y, str(numbers[region]), size=8)
    for region, (x, y, _) in seats.items():
        if x0 <= x <= x1 and y0 <= y <= y1:
            inset.plot(x, y, marker="*", color="gold", markersize=9, markeredgecolor="black",
                       markeredgewidth=0.6, zorder=5)
    inset.set(xticks=[], yticks=[], xlabel="", ylabel="")
    inset.set_aspect("equal")
    inset.set_facecolor("white")
    for spine in inset.spines.values():
        spine.set_color("#333333")
    inset.set_title("Oslo-området" if any("Oslo" in r for r in small) else "Forstørret utsnitt",
                    fontsize=7.5, pad=2)
    ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor="#333333",
                           linewidth=0.8, zorder=7))


# --------------------------------------------------------------------------------------------
# Text alternatives: what a sighted reader learns from each map, generated from the same data.

def _compass(x: float, y: float, bounds) -> str:
    """Where (x, y) lies in a bounding box: «nord», «sørøst», … or «midt i»."""
    xmin, ymin, xmax, ymax = bounds
    fx = (x - xmin) / max(xmax - xmin, 1.0)
    fy = (y - ymin) / max(ymax - ymin, 1.0)
    ns = "nord" if fy > 2 / 3 else "sør" if fy < 1 / 3 else ""
    ew = "øst" if fx > 2 / 3 else "vest" if fx < 1 / 3 else ""
    return ns + ew or "midt i"


def _join(words: list[str]) -> str:
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " og " + words[-1]


def region_map_alt(proposal: Proposal, region: str, year: int, n_kommuner: int,
                   split_ba: list[str]) -> str:
    """Alt text of region_map: size, seat and where it lies, split BA-regions by name."""
    geo = region_kommuner_geo(proposal)
    inside = geo[geo["region"] == region]
    seat_code, seat_name, official = seat_kommune(proposal, region)
    point = geo.loc[geo["kommunenummer"] == seat_code].geometry.representative_point().iloc[0]
    where = _compass(point.x, point.y, inside.total_bounds)
    place = "midt i regionen" if where == "midt i" else f"i {where}"
    seat = (f"setet {seat_name} ligger {place}" if official else
            f"forslaget oppgir ikke sete; mest folkerike kommune er {seat_name}, {place}")
    text = (f"Kart: {region} består av én kommune, {seat_name}." if n_kommuner == 1
            else f"Kart: {region} består av {n_kommuner} kommuner; {seat}.")
    if split_ba:
        count = "én BA-region" if len(split_ba) == 1 else f"{len(split_ba)} BA-regioner"
        text += f" {count[0].upper() + count[1:]} ({_join(split_ba)}) deles av regiongrensen (skravert)."
    else:
        text += " Ingen BA-region deles av regiongrensen."
    return text


def overview_map_alt(proposal: Proposal, same_colours_note: bool = False) -> str:
    """Alt text of overview_map: the regions from north to south with their numbers and seats."""
    shapes = _region_shapes(proposal)
    numbers = {name: i for i, name in enumerate(proposal.region_names(), 1)}
    north_first = sorted(shapes.index, key=lambda r: -_label_points(shapes)[r][1])
    parts = []
    for region in north_first:
        seat_code, seat_name, official = seat_kommune(proposal, region)
        parts.append(f"{numbers[region]} {region}" + (f" (sete {seat_name})" if official else ""))
    small = _small_regions(shapes)
    text = (f"Kart: Norge delt i {len(shapes)} regioner, nummerert i tegnforklaringen i samme "
            f"rekkefølge som i tabellene. Fra nord til sør: "
            f"{'; '.join(parts)}.")
    if small:
        text += f" {_join(small)} er vist forstørret i et innfelt kart øverst til venstre."
    if not any(r.seat for r in proposal.regions):
        text += " Forslaget oppgir ikke seter."
    if same_colours_note:
        text += " En region har samme farge i alle kartene i sammenligningen."
    return text


SEA_EDGE_STYLE = {"bru": ("#0072B2", "-"), "tunnel": ("#009E73", "--"), "ferje": ("#D55E00", ":")}


def sea_edge_map(year: int, ax=None):
    """The sea edges of the neighbour graph of `year` (bridges, tunnels, ferries from
    data/raw/sjoforbindelser.csv) as lines between the kommuner they join, over the kommune
    layer of the year. Returns the figure."""
    from ..sources import geometry
    from ..territory.adjacency import layer_edges, sea_edges

    layer = geometry.kommune_layer_year(year)
    polygons, _ = layer_edges(layer)
    at = polygons.set_index("kommunenummer")[["x", "y"]]
    edges = sea_edges(year)
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 7.6))
    _draw_once(ax)
    _fill(ax, geometry.kommune_polygons(layer).geometry, facecolor="#eeeeee", edgecolor="#bbbbbb",
          linewidth=0.2)
    for kind, (color, style) in SEA_EDGE_STYLE.items():
        rows = edges[edges["type"] == kind]
        for a, b in zip(rows["kommune_a"], rows["kommune_b"]):
            ax.plot(at.loc[[a, b], "x"], at.loc[[a, b], "y"], color=color, linestyle=style,
                    linewidth=1.2)
    ax.legend(handles=[Line2D([], [], color=c, linestyle=s,
                              label=f"{kind} ({(edges['type'] == kind).sum()})")
                       for kind, (c, s) in SEA_EDGE_STYLE.items()], loc="lower right", fontsize=8)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax.figure


def sea_edge_map_alt(year: int) -> str:
    """Alt text for `sea_edge_map`."""
    from ..territory.adjacency import sea_edges

    counts = sea_edges(year)["type"].value_counts()
    parts = [f"{counts.get(kind, 0)} {word}" for kind, word in
             (("bru", "bruer"), ("tunnel", "tunneler"), ("ferje", "ferjesamband"))]
    return ("Kart over Norge med linjer mellom kommuner som regnes som naboer over sjøen: "
            + ", ".join(parts) + ".")
