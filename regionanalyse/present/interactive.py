"""The interactive HTML map (folium + Leaflet inlined, works offline)."""
from __future__ import annotations

from ..config import LEAFLET_DIR
from ..model import Proposal
from ..sources import population
from ..territory.geo import region_kommuner_geo
from .maps import REGION_COLOR_RGB, region_colors


def interactive_map(proposal: Proposal, region: str | None, year: int):
    """A folium map: kommuner with name, region and population on hover (for HTML only).

    With a region, it is coloured and the rest of Norway is grey; the view fits the region.
    """
    import folium

    geo = region_kommuner_geo(proposal)
    focus = geo if region is None else geo[geo["region"] == region]
    pop = population.kommune_population(year)[["kommunenummer", "folkemengde"]]
    geo = geo.merge(pop, on="kommunenummer", how="left")
    geo["folkemengde_tekst"] = geo["folkemengde"].map(
        lambda v: "ikke i samme kodeår" if v != v else f"{int(v):,}".replace(",", "\u00a0"))
    geo = geo.to_crs("EPSG:4326")
    bounds = focus.to_crs("EPSG:4326").total_bounds
    fmap = folium.Map(tiles=None, control_scale=True)
    colors = region_colors(proposal)
    if region is not None:
        colors = {name: (REGION_COLOR_RGB if name == region else (0.82, 0.82, 0.82))
                  for name in proposal.region_names()}
    folium.GeoJson(
        geo[["kommunenavn", "region", "folkemengde_tekst", "geometry"]],
        style_function=lambda f: {"fillColor": "#%02x%02x%02x" % tuple(
            int(255 * c) for c in colors.get(f["properties"]["region"], (0.5, 0.5, 0.5))[:3]),
            "color": "white", "weight": 0.7, "fillOpacity": 0.75},
        tooltip=folium.GeoJsonTooltip(["kommunenavn", "region", "folkemengde_tekst"],
                                      aliases=["Kommune", "Region", f"Folkemengde 1.1.{year}"]),
    ).add_to(fmap)
    fmap.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    return fmap


def standalone_html(fmap) -> str:
    """A folium map as one HTML page with Leaflet inlined: no CDN, works offline."""
    fmap.default_js = [("leaflet", "leaflet.js")]
    fmap.default_css = [("leaflet_css", "leaflet.css")]
    page = fmap.get_root().render()
    js = (LEAFLET_DIR / "leaflet.js").read_text(encoding="utf-8")
    css = (LEAFLET_DIR / "leaflet.css").read_text(encoding="utf-8")
    page = page.replace('<script src="leaflet.js"></script>', f"<script>{js}</script>")
    return page.replace('<link rel="stylesheet" href="leaflet.css"/>', f"<style>{css}</style>")
