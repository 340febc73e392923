"""The interactive HTML map: Leaflet inlined (works offline), our own GeoJSON and script."""
from __future__ import annotations

import json
from dataclasses import dataclass

from ..config import LEAFLET_DIR
from ..memo import memo
from ..model import Proposal
from ..sources import population
from ..territory.geo import region_kommuner_geo
from .maps import REGION_COLOR_RGB, REST_COLOR, region_colors


@dataclass
class InteractiveMap:
    """What the interactive map shows, as data: GeoJSON features with plain-text properties,
    the view to fit and the (escaped) legend. No user text ever passes through a template."""

    features: dict
    bounds: list[list[float]]
    legend_html: str
    labels: tuple[str, str, str]


SIMPLIFY_M = 50  # the interactive map is for finding a kommune; the static maps are exact


def interactive_map(proposal: Proposal, region: str | None, year: int) -> InteractiveMap:
    """Kommuner with name, region and population on hover (for HTML only).

    With a region, it is coloured and the rest of Norway is grey; the view fits the region.
    """
    from matplotlib.colors import to_hex

    text, bounds = _features(proposal, year)
    base = json.loads(text)  # the caller's own copy
    if region is None:
        colors = region_colors(proposal)
    else:
        colors = {name: (REGION_COLOR_RGB if name == region else REST_COLOR)
                  for name in proposal.region_names()}
    colors = {name: to_hex(c) for name, c in colors.items()}
    features = {**base, "features": [
        {**f, "properties": {**f["properties"], "farge": colors.get(f["properties"]["region"], "#808080")}}
        for f in base["features"]]}
    return InteractiveMap(features, [list(corner) for corner in bounds[region]], _legend_html(proposal, region, colors),
                          ("Kommune", "Region", f"Folkemengde 1.1.{year}"))


@memo(8)
def _features(proposal: Proposal, year: int) -> tuple[str, dict]:
    """The proposal's kommuner as GeoJSON text (WGS 84, simplified by SIMPLIFY_M) and the view
    bounds of each region (None: the whole country); computed once per proposal and year."""
    geo = region_kommuner_geo(proposal)
    pop = population.kommune_population(year)[["kommunenummer", "folkemengde"]]
    geo = geo.merge(pop, on="kommunenummer", how="left")
    geo["folkemengde_tekst"] = geo["folkemengde"].map(
        lambda v: "ikke i samme kodeår" if v != v else f"{int(v):,}".replace(",", "\u00a0"))
    geo["geometry"] = geo.geometry.simplify(SIMPLIFY_M)
    geo = geo.to_crs("EPSG:4326")

    def view(frame) -> list[list[float]]:
        x0, y0, x1, y1 = frame.total_bounds
        return [[y0, x0], [y1, x1]]

    bounds = {name: view(part) for name, part in geo.groupby("region")}
    bounds[None] = view(geo)
    return geo[["kommunenavn", "region", "folkemengde_tekst", "geometry"]].to_json(drop_id=True), bounds


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


#: The map page may run its own inline script and styles and show data: images, nothing else:
#: no network, no forms, no plugins.
MAP_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
           "img-src data:; font-src data:; base-uri 'none'; form-action 'none'")

_MAP_SCRIPT = """
(function () {
  var data = JSON.parse(document.getElementById("kartdata").textContent);
  var map = L.map("kart", {keyboard: true, zoomControl: false});
  // Norwegian names for the zoom buttons (their accessible names; the page's language is nb)
  L.control.zoom({zoomInTitle: "Zoom inn", zoomOutTitle: "Zoom ut"}).addTo(map);
  L.control.scale({imperial: false}).addTo(map);
  function tooltip(layer) {
    // text only: names from a proposal are never parsed as HTML
    var p = layer.feature.properties, box = document.createElement("div");
    [[data.labels[0], p.kommunenavn], [data.labels[1], p.region], [data.labels[2], p.folkemengde_tekst]]
      .forEach(function (row, i) {
        var label = document.createElement("strong");
        label.textContent = row[0] + ": ";
        box.appendChild(label);
        box.appendChild(document.createTextNode(row[1] == null ? "" : String(row[1])));
        if (i < 2) box.appendChild(document.createElement("br"));
      });
    return box;
  }
  L.geoJSON(data.features, {
    style: function (f) {
      return {fillColor: f.properties.farge, color: "white", weight: 0.7, fillOpacity: 0.75};
    },
    onEachFeature: function (f, layer) { layer.bindTooltip(tooltip, {sticky: true}); }
  }).addTo(map);
  map.fitBounds(data.bounds);
})();
"""


def _script_json(value) -> str:
    """JSON safe inside <script>: no '<', '>' or '&' that could end the element."""
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def standalone_html(fmap: InteractiveMap) -> str:
    """The map as one HTML page with Leaflet inlined: no CDN, works offline. User text reaches
    the page only as escaped JSON data (read with textContent) and as the escaped legend."""
    js = (LEAFLET_DIR / "leaflet.js").read_text(encoding="utf-8")
    css = (LEAFLET_DIR / "leaflet.css").read_text(encoding="utf-8")
    data = {"features": fmap.features, "bounds": fmap.bounds, "labels": list(fmap.labels)}
    return ('<!DOCTYPE html>\n<html lang="nb">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{MAP_CSP}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
            f"<style>{css}</style>\n"
            "<style>html,body{height:100%;margin:0;padding:0}#kart{position:absolute;top:0;bottom:0;"
            "left:0;right:0}</style>\n"
            f"<script>{js}</script>\n</head>\n<body>\n"
            '<div id="kart" role="application" aria-label="Interaktivt kart"></div>\n'
            f"{fmap.legend_html}\n"
            f'<script type="application/json" id="kartdata">{_script_json(data)}</script>\n'
            f"<script>{_MAP_SCRIPT}</script>\n</body>\n</html>\n")
