"""Independent distance scores of a proposal: farthest kommune and population-weighted mean
distance to the region's seat, with seats at each region's most populous kommune (the rule the
alternatives use) or at the seats the proposal names.

Deliberately does NOT import regionanalyse, and takes another route than the package (which
reads the layer with geopandas, reprojects with `to_crs` and measures over a distance matrix):
the GeoJSON is read with `json`, each polygon built with shapely's `shape`, projected point by
point with pyproj to EPSG:25833, and the distance of each kommune to its seat measured with
`math.hypot`. Only for a year whose kommuner are exactly the layer's (2019 on the 2019 layer),
and for proposals listing fylke codes (two digits) or kommune codes (four) of that year.

Run `python tests/independent/seats.py PROPOSAL.yaml YEAR LAYER.geojson` to print
``avstand_maks_km,avstand_snitt_km`` for both seat rules.
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyproj
import shapely
import yaml
from shapely.geometry import shape

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"
POPULATION = "befolkning_kommune_1jan_2005_2026_ssb07459.csv"


def kommune_points(layer: Path) -> dict[str, tuple[str, float, float]]:
    """kommunenummer → (name, x, y): the representative point of the polygon in EPSG:25833."""
    project = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:25833", always_xy=True).transform
    out = {}
    for feature in json.loads(layer.read_text(encoding="utf-8"))["features"]:
        props = feature["properties"]
        polygon = shapely.transform(shape(feature["geometry"]),
                                    lambda xy: np.column_stack(project(xy[:, 0], xy[:, 1])))
        point = polygon.representative_point()
        out[props["kommunenummer"]] = (props["kommunenavn"], point.x, point.y)
    return out


def distance_scores(proposal: Path, year: int, layer: Path) -> dict[str, dict[str, float]]:
    """{"mest_folkerike": {...}, "egne_seter": {...}}, each avstand_maks_km and avstand_snitt_km."""
    spec = yaml.safe_load(proposal.read_text(encoding="utf-8"))
    points = kommune_points(layer)
    pop_all = pd.read_csv(RAW / POPULATION, dtype={"kommunenummer": str})
    pop = pop_all[pop_all["aar"] == year].set_index("kommunenummer")["folkemengde"].to_dict()
    if set(pop) != set(points):
        raise SystemExit(f"the layer's kommuner are not those of {year}")
    region_of = {}
    for region in spec["regions"]:
        for member in map(str, region["members"]):
            for code in points:
                if code == member or (len(member) == 2 and code[:2] == member):
                    region_of[code] = region["name"]
    if set(region_of) != set(points):
        raise SystemExit("the proposal does not cover every kommune exactly once")
    names = {name.casefold(): code for code, (name, _, _) in points.items()}
    for code, (name, _, _) in points.items():  # "Oslo" for the bilingual "Oslo-Oslove"
        names.setdefault(name.split("-")[0].casefold(), code)
    out = {}
    for rule in ("mest_folkerike", "egne_seter"):
        seat = {}
        for region in spec["regions"]:
            inside = sorted(c for c, r in region_of.items() if r == region["name"])
            biggest = max(inside, key=lambda c: pop[c])
            named = region.get("seat")
            seat[region["name"]] = names[named.casefold()] if rule == "egne_seter" and named else biggest
        far, weighted = 0.0, 0.0
        for code, region in region_of.items():
            _, x, y = points[code]
            _, sx, sy = points[seat[region]]
            d = math.hypot(x - sx, y - sy) / 1000
            far, weighted = max(far, d), weighted + d * pop[code]
        out[rule] = {"avstand_maks_km": far, "avstand_snitt_km": weighted / sum(pop.values())}
    return out


if __name__ == "__main__":
    result = distance_scores(Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))
    print(json.dumps(result, indent=2))
