"""Static maps (matplotlib/geopandas): the overview of a proposal and the map of one region."""
from __future__ import annotations

import geopandas as gpd
import matplotlib.pyplot as plt
from matplotlib.patches import Patch
from matplotlib.lines import Line2D

from ..indicators.labour import split_ba_kommuner
from ..model import Proposal
from ..territory.geo import region_kommuner_geo
from ..territory.seats import seat_kommune

PALETTE = plt.get_cmap("tab20").colors
REGION_COLOR = "#2b6a9e"
SPLIT_BA_COLOR = "#d7301f"
REGION_COLOR_RGB = (0x2b / 255, 0x6a / 255, 0x9e / 255)


def _draw_once(ax) -> None:
    """Stop geopandas from rendering the whole figure after every layer it adds (it calls
    canvas.draw_idle, which the Agg canvas carries out at once); the figure is drawn once,
    when it is saved or shown."""
    ax.figure.canvas.draw_idle = lambda *args, **kwargs: None


def _outline(frame: gpd.GeoDataFrame, by: str | None = None) -> gpd.GeoDataFrame:
    """Dissolved outline that closes the generalised layers' slivers between kommuner."""
    dissolved = frame.dissolve(by=by) if by else frame.dissolve()
    dissolved["geometry"] = dissolved.buffer(400).buffer(-400)
    return dissolved.reset_index() if by else dissolved


def _scale_bar(ax, length_km: int | None = None, top: bool = False) -> None:
    """A scale bar in the lower (or upper) left corner (axes in EPSG:25833 metres)."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    if length_km is None:
        span = (x1 - x0) / 1000 / 4
        length_km = next(v for v in (500, 200, 100, 50, 20, 10, 5) if v <= max(span, 5))
    x, y = x0 + 0.05 * (x1 - x0), y0 + (0.93 if top else 0.05) * (y1 - y0)
    ax.plot([x, x + length_km * 1000], [y, y], color="black", linewidth=3, solid_capstyle="butt")
    ax.text(x + length_km * 500, y + 0.015 * (y1 - y0), f"{length_km} km", ha="center",
            va="bottom", fontsize=8)


def region_colors(proposal: Proposal) -> dict[str, tuple]:
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(proposal.region_names())}


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
    geo.cx[xmin - 2 * pad:xmax + 2 * pad, ymin - 2 * pad:ymax + 2 * pad].plot(
        ax=ax, color="#e6e6e6", edgecolor="white", linewidth=0.3)
    inside.plot(ax=ax, color=REGION_COLOR, alpha=0.55, edgecolor="white", linewidth=0.4)
    split = geo[geo["kommunenummer"].isin(split_codes)]
    handles = [Patch(color=REGION_COLOR, alpha=0.55, label=f"{region}: kommuner")]
    if not split.empty:
        split.plot(ax=ax, facecolor="none", edgecolor=SPLIT_BA_COLOR, hatch="///", linewidth=0.6)
        handles.append(Patch(facecolor="none", edgecolor=SPLIT_BA_COLOR, hatch="///",
                             label="BA-region delt av regiongrensen"))
    _outline(inside).boundary.plot(ax=ax, color="black", linewidth=1.2)
    seat_code, seat_name, official = seat_kommune(proposal, region)
    point = geo.loc[geo["kommunenummer"] == seat_code].geometry.representative_point().iloc[0]
    ax.plot(point.x, point.y, marker="*", color="gold", markersize=16, markeredgecolor="black")
    label = "Sete" if official else "Mest folkerike kommune (sete ikke oppgitt)"
    ax.annotate(seat_name, (point.x, point.y), xytext=(8, 8), textcoords="offset points",
                fontsize=9, fontweight="bold")
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
    geo.plot(ax=inset, color="#d0d0d0", linewidth=0)  # dissolving the country costs ~2 s
    inside.plot(ax=inset, color=REGION_COLOR, linewidth=0)
    inset.set(xticks=[], yticks=[], xlabel="", ylabel="")
    inset.set_facecolor("white")  # opaque over the main map's hatching
    for spine in inset.spines.values():
        spine.set_color("#999999")
    inset.set_aspect("equal")


def overview_map(proposal: Proposal, year: int, ax=None, title: str | None = None):
    """All regions of a proposal in distinct colours, with seats and a scale bar."""
    geo = region_kommuner_geo(proposal)
    colors = region_colors(proposal)
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.5, 9.5))
    _draw_once(ax)
    regions = _outline(geo, by="region")
    regions.plot(ax=ax, color=[colors[r] for r in regions["region"]], edgecolor="white", linewidth=0.8)
    handles = [Patch(color=colors[r], label=r) for r in proposal.region_names()]
    for region in proposal.region_names():
        seat_code, seat_name, official = seat_kommune(proposal, region)
        if official:
            point = geo.loc[geo["kommunenummer"] == seat_code].geometry.representative_point().iloc[0]
            ax.plot(point.x, point.y, marker="*", color="gold", markersize=11, markeredgecolor="black")
    if any(r.seat for r in proposal.regions):
        handles.append(Line2D([], [], marker="*", color="gold", markeredgecolor="black",
                              linestyle="none", markersize=10, label="Sete"))
    ax.set_aspect("equal")
    ax.set_axis_off()
    _scale_bar(ax, 200, top=True)
    ax.legend(handles=handles, loc="lower right", fontsize=7.5, framealpha=0.9)
    if title:
        ax.set_title(title, fontsize=11)
    return ax
