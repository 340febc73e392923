"""Independent check of the land moved between kommuner without a code change (issue 17).

Does NOT import regionanalyse. For each pair of an older kommune polygon (layer 2019 or 2020)
and a 2024 kommune polygon that the code list does not link (`recompute.forward`), the pieces
of their intersection are found polygon pair by polygon pair (shapely STRtree on the layers in
EPSG:3035, Lambert equal-area), not by an overlay of whole layers. A piece is moved land when
its largest inscribed circle has a radius of at least RADIUS_M (generalisation slivers are thin:
the package shrinks pieces by 1 000 m instead); its area is the geodesic area on the GRS80
ellipsoid (pyproj.Geod, from longitude/latitude), not a planar area in EPSG:25833.

Then the area of each kommune of a year before 2024 follows as in recompute.kommune_area, with
each moved piece taken from the 2024 component that holds it and given to the component of the
kommune it lay in.

Run `python tests/independent/overlay.py` to print the moves and the region areas of the
built-in proposals that change, and write them to moved_land.json (tests/test_overlay.py).
"""
from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import Geod

sys.path.insert(0, str(Path(__file__).parent))
import recompute  # noqa: E402  (the other independent script; it does not import the package)

RAW = recompute.RAW
LAYERS = {2019: "kommuner_2019_csmaps.geojson", 2020: "kommuner_2020_csmaps.geojson",
          2024: "kommuner_2024_robhop_S.geojson"}
RADIUS_M = 1200.0
GEOD = Geod(ellps="GRS80")


@lru_cache(maxsize=None)
def _layer(year: int, crs: str) -> gpd.GeoDataFrame:
    return gpd.read_file(RAW / LAYERS[year]).to_crs(crs)[["kommunenummer", "geometry"]]


def _geodesic_km2(geom) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


@lru_cache(maxsize=None)
def pieces(older: int, newer: int = 2024) -> pd.DataFrame:
    """Every intersection piece of an unlinked pair: older, newer code, radius (m), km²."""
    old, new = _layer(older, "EPSG:3035"), _layer(newer, "EPSG:3035")
    linked = {(a, b) for a in recompute.valid(older) for b, _ in recompute.forward(a, newer)}
    tree = shapely.STRtree(new.geometry.values)
    rows = []
    for a, ga in zip(old["kommunenummer"], old.geometry):
        for j in tree.query(ga, predicate="intersects"):
            b = new["kommunenummer"].iat[j]
            if (a, b) in linked:
                continue
            inter = shapely.intersection(ga, new.geometry.iat[j])
            for part in shapely.get_parts(inter):
                if part.geom_type != "Polygon" or part.area < 1e4:
                    continue
                radius = shapely.maximum_inscribed_circle(part, tolerance=10).length
                lonlat = gpd.GeoSeries([part], crs="EPSG:3035").to_crs("EPSG:4326").iloc[0]
                rows.append((a, b, radius, _geodesic_km2(lonlat)))
    return pd.DataFrame(rows, columns=["fra", "til", "radius_m", "km2"])


def moves(older: int, newer: int = 2024) -> pd.DataFrame:
    """Moved land per pair: fra, til, km2 (pieces with radius ≥ RADIUS_M)."""
    p = pieces(older, newer)
    return (p[p["radius_m"] >= RADIUS_M].groupby(["fra", "til"], as_index=False)["km2"].sum()
            .sort_values("km2", ascending=False).reset_index(drop=True))


def kommune_area(year: int) -> pd.Series:
    """recompute.code_area with the moved land counted where it lay in `year`."""
    base = recompute.code_area(year).copy()
    if year >= 2024:
        return base
    older = 2019 if year <= 2019 else 2020
    comps = recompute.components(year, 2024)
    of_new = {c: i for i, (_, new) in enumerate(comps) for c in new}
    net = [0.0] * len(comps)
    for a, b, km2 in moves(older).itertuples(index=False):
        gain = of_new[recompute.forward(a, 2024)[0][0]]
        net[gain] += km2
        net[of_new[b]] -= km2
    for (old, _), delta in zip(comps, net):
        if delta:  # spread over the component's kommuner of the year as their areas lie
            total = sum(base[c] for c in old)
            for c in old:
                base[c] += delta * base[c] / total
    return base


def region_area(pid: str, year: int) -> pd.Series:
    a = recompute.assign(pid, year).copy()
    a["areal_km2"] = a["kommunenummer"].map(kommune_area(year))
    return a.groupby("region")["areal_km2"].sum()


def main() -> None:
    out = {"note": ("Computed by tests/independent/overlay.py (no package import): pieces of "
                    "unlinked pairs found polygon pair by polygon pair in EPSG:3035, kept when "
                    f"their largest inscribed circle has a radius ≥ {RADIUS_M:.0f} m, geodesic "
                    "areas on GRS80."), "moves": {}, "region_change_km2": {}}
    for older in (2019, 2020):
        p = pieces(older)
        kept = p[p["radius_m"] >= RADIUS_M]
        print(f"{older} → 2024: {len(kept)} pieces kept; largest radius dropped "
              f"{p.loc[p['radius_m'] < RADIUS_M, 'radius_m'].max():.0f} m, smallest kept "
              f"{kept['radius_m'].min():.0f} m")
        print(moves(older).round(1).to_string())
        out["moves"][str(older)] = [[a, b, round(km2, 2)] for a, b, km2 in
                                    moves(older).itertuples(index=False)]
    for pid in ["fylker-2016", "nav-2016-11", "nav-2019-12"]:
        recompute.proposal(pid)
        for year in (2005, 2016, 2019, 2020):
            a = recompute.assign(pid, year)
            before = a["kommunenummer"].map(recompute.code_area(year)).groupby(a["region"]).sum()
            after = region_area(pid, year)
            d = (after - before)[lambda s: s.abs() >= 0.05]
            print(pid, year, {r: round(float(v), 1) for r, v in d.items()})
            out["region_change_km2"][f"{pid}|{year}"] = {r: round(float(v), 2) for r, v in d.items()}
    path = Path(__file__).with_name("moved_land.json")
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
