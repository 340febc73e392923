"""The interactive HTML map (folium + Leaflet inlined, works offline)."""
from __future__ import annotations

from ..config import LEAFLET_DIR
from ..model import Proposal
from ..sources import population
from ..territory.geo import region_kommuner_geo
from .maps import REGION_COLOR_RGB, REST_COLOR, region_colors


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
    from matplotlib.colors import to_hex

    colors = region_colors(proposal)
    if region is not None:
        colors = {name: (REGION_COLOR_RGB if name == region else REST_COLOR)
                  for name in proposal.region_names()}
    colors = {name: to_hex(c) for name, c in colors.items()}
    folium.GeoJson(
        geo[["kommunenavn", "region", "folkemengde_tekst", "geometry"]],
        style_function=lambda f: {"fillColor": colors.get(f["properties"]["region"], "#808080"),
                                  "color": "white", "weight": 0.7, "fillOpacity": 0.75},
        tooltip=folium.GeoJsonTooltip(["kommunenavn", "region", "folkemengde_tekst"],
                                      aliases=["Kommune", "Region", f"Folkemengde 1.1.{year}"]),
    ).add_to(fmap)
    fmap.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    fmap.get_root().html.add_child(folium.Element(_legend_html(proposal, region, colors)))
    return fmap


def _legend_html(proposal: Proposal, region: str | None, colors: dict[str, str]) -> str:
    """A legend box over the map's lower left corner (numbers as in the static map)."""
    import html

    if region is not None:
        rows = [(colors[region], html.escape(region)), (REST_COLOR, "Resten av landet")]
    else:
        rows = [(colors[name], f"{i}&nbsp;{html.escape(name)}")
                for i, name in enumerate(proposal.region_names(), 1) if name in colors]
    items = "".join(
        f'<li><span style="display:inline-block;width:12px;height:12px;margin-right:5px;'
        f'vertical-align:-1px;border:1px solid #333;background:{c}"></span>{t}</li>' for c, t in rows)
    return ('<div role="region" aria-label="Tegnforklaring" style="position:absolute;left:10px;'
            'bottom:24px;z-index:1000;background:#fff;color:#111;padding:6px 8px;border:1px solid #666;'
            'font:12px/1.35 sans-serif;max-height:60%;overflow:auto">'
            f'<strong>Tegnforklaring</strong><ul style="list-style:none;margin:4px 0 0;padding:0">'
            f'{items}</ul></div>')


def standalone_html(fmap) -> str:
    """A folium map as one HTML page with Leaflet inlined: no CDN, works offline."""
    fmap.default_js = [("leaflet", "leaflet.js")]
    fmap.default_css = [("leaflet_css", "leaflet.css")]
    page = fmap.get_root().render()
    js = (LEAFLET_DIR / "leaflet.js").read_text(encoding="utf-8")
    # Norwegian names for the zoom buttons (their accessible names), the page's language nb
    js = js.replace('zoomInTitle:"Zoom in"', 'zoomInTitle:"Zoom inn"').replace(
        'zoomOutTitle:"Zoom out"', 'zoomOutTitle:"Zoom ut"')
    page = page.replace("<!DOCTYPE html>\n<html>", '<!DOCTYPE html>\n<html lang="nb">', 1)
    css = (LEAFLET_DIR / "leaflet.css").read_text(encoding="utf-8")
    page = page.replace('<script src="leaflet.js"></script>', f"<script>{js}</script>")
    return page.replace('<link rel="stylesheet" href="leaflet.css"/>', f"<style>{css}</style>")
