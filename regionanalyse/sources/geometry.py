"""Fylke and kommune polygons (Kartverket via csmaps/robhop), in EPSG:25833 with areas."""
from __future__ import annotations

import geopandas as gpd

from ..errors import DataError
from .. import config
from ..memo import memo
from . import integrity
from .cache import cached, raw_path

CRS = "EPSG:25833"  # ETRS89 / UTM 33N: metres, for areas and distances
SOURCE = "© Kartverket (CC BY 4.0), via csmaps (FHI) og robhop/fylker-og-kommuner"

FYLKE_FILES = {
    2017: "fylker_2017_geonorge_full.geojson",
    2019: "fylker_2019_csmaps.geojson",
    2020: "fylker_2020_robhop_small.geojson",
    2024: "fylker_2024_robhop_S.geojson",
}
KOMMUNE_FILES = {
    2019: "kommuner_2019_csmaps.geojson",
    2020: "kommuner_2020_csmaps.geojson",
    2024: "kommuner_2024_robhop_S.geojson",
}


def kommune_layer_year(vintage: int) -> int:
    """The kommune layer to use for a vintage (earlier vintages map onto 2019 kommuner)."""
    if vintage <= 2019:
        return 2019
    return 2020 if vintage <= 2023 else 2024


def _load(name: str, check=None) -> gpd.GeoDataFrame:
    """A layer in EPSG:25833 with areas; `check(frame)`, if given, runs before it is cached
    (`integrity.cached_checked`)."""
    path = raw_path(name)

    def build() -> gpd.GeoDataFrame:
        try:
            frame = gpd.read_file(path)
        except Exception as exc:
            raise DataError(f"{path}: kan ikke leses som GeoJSON ({exc})") from exc
        frame = frame.to_crs(CRS)
        frame["areal_km2"] = frame.geometry.area / 1e6
        return check(frame) if check else frame

    cache = cached if check is None else integrity.cached_checked
    return cache(name.removesuffix(".geojson"), [path], build)


@memo(None)
def fylke_polygons(layer_year: int) -> gpd.GeoDataFrame:
    """Fylke polygons of a layer year (2017, 2019, 2020, 2024)."""
    frame = _load(FYLKE_FILES[layer_year])
    integrity.check_fylke_codes(frame["fylkesnummer"], config.raw_dir() / FYLKE_FILES[layer_year],
                                layer_year, where="fylkesnummer")
    return frame[["fylkesnummer", "fylkesnavn", "areal_km2", "geometry"]]


@memo(None)
def kommune_polygons(layer_year: int) -> gpd.GeoDataFrame:
    """Kommune polygons of a layer year (2019, 2020, 2024)."""
    name = KOMMUNE_FILES[layer_year]

    def check(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        integrity.check_kommune_codes(frame, config.raw_dir() / name, layer_year,
                                      fylke_column="fylkesnummer", complete=True, feature=True)
        return frame

    frame = _load(name, check)
    return frame[["kommunenummer", "kommunenavn", "fylkesnummer", "areal_km2", "geometry"]]


def source_line(layer_year: int, level: str) -> str:
    """Source text under a map: the source and the year of the borders drawn (the file behind
    each layer is named in data/raw/SOURCES.md, not in the report)."""
    words = "fylkesgrenser" if level == "fylke" else "kommunegrenser"
    return f"{SOURCE}; {words} {layer_year}"
