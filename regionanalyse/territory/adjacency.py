"""Which kommuner (and fylker) are neighbours: the graph that contiguity and alternatives use.

Rules (documented in the README and tested):

1. **Land borders.** Two kommuner of a geometry layer are neighbours when their polygons share
   at least ``MIN_BORDER_M`` of border. The generalised layers leave slivers and gaps of up to
   ~200 m between neighbours, so a border is measured as the length of one polygon's boundary
   lying within ``TOLERANCE_M`` of the other (the mean of both directions). Corner contacts
   (four kommuner meeting in a point measure ≈ 2 × ``TOLERANCE_M``) are not borders.
2. **Across the sea.** Kommuner whose polygons are more than ``TOLERANCE_M`` but at most
   ``CROSSING_M`` apart, where the shortest line between them crosses no other kommune (a
   sound, a fjord mouth: where Norway has bridges, tunnels or short ferries, e.g. Tjeldsundet
   between Harstad and Skånland, Bømlafjorden between Sveio and Bømlo), are neighbours of
   ``type == "sjø"``. Then every group of kommuner still without a
   connection to the largest group (island kommuner such as Utsira, Træna or Røst) is linked to
   the kommune nearest to it outside the group; the rule is repeated until the graph is
   connected. The sources have no ferry or bridge network, so the straight-line gap stands in
   for it and is kept in ``avstand_km``.
3. **Years without a layer of their own** use the kommune layer regionanalyse maps them onto
   (``geometry.kommune_layer_year``: ≤2019 → 2019, 2020–2023 → 2020, ≥2024 → 2024). Kommuner
   of the year that later merged into one layer polygon (e.g. Lardal and Larvik, 2016) are
   neighbours of each other and each inherits the polygon's neighbours; the polygon's area,
   perimeter and border lengths are shared among them by population (so sums over a region
   holding all of them are exact) and such edges carry ``approx=True``.
4. **Fylker** are neighbours when any of their kommuner are; border lengths are summed.

Border lengths let a region's perimeter be computed without dissolving polygons:
perimeter(region) = Σ unit perimeters − 2 × Σ borders between units of the region.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import networkx as nx
import numpy as np
import pandas as pd
import shapely

from ..errors import DataError
from ..sources import codes, geometry, population, succession
from ..sources.cache import cached, raw_path

TOLERANCE_M = 200.0
MIN_BORDER_M = 600.0
CROSSING_M = 8_000.0
LEVELS = ("kommune", "fylke")


@lru_cache(maxsize=None)
def layer_edges(layer_year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(polygons, edges) of a kommune layer, from the processed-data cache (computed from the
    polygons in ~1 s; the key holds the layer file and the code of this module and its loader).

    polygons: kommunenummer, kommunenavn, areal_m2, omkrets_m, x, y (representative point).
    edges: a, b (kommunenummer, a < b), grense_m, type ("land" or "sjø"), avstand_m (gap).
    """
    sources = [raw_path(geometry.KOMMUNE_FILES[layer_year])]
    polygons = cached(f"naboskap-{layer_year}-flater", sources,
                      lambda: _layer_edges(layer_year)[0], depends=(geometry,))
    edges = cached(f"naboskap-{layer_year}-kanter", sources,
                   lambda: _layer_edges(layer_year)[1], depends=(geometry,))
    return polygons, edges


@lru_cache(maxsize=None)
def _layer_edges(layer_year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = geometry.kommuner(layer_year).reset_index(drop=True)
    geoms = np.asarray(frame.geometry.values, dtype=object)
    boundary = shapely.boundary(geoms)
    left, right = shapely.STRtree(geoms).query(geoms, predicate="dwithin", distance=TOLERANCE_M)
    keep = left < right
    left, right = left[keep], right[keep]
    one = shapely.length(shapely.intersection(boundary[left], shapely.buffer(geoms[right], TOLERANCE_M)))
    two = shapely.length(shapely.intersection(boundary[right], shapely.buffer(geoms[left], TOLERANCE_M)))
    border = (one + two) / 2
    land = border >= MIN_BORDER_M
    edges = [(int(a), int(b), float(g), "land", float(d)) for a, b, g, d in
             zip(left[land], right[land], border[land],
                 shapely.distance(geoms[left[land]], geoms[right[land]]))]

    linked = {(a, b) for a, b, *_ in edges}
    tree = shapely.STRtree(geoms)
    near_l, near_r = tree.query(geoms, predicate="dwithin", distance=CROSSING_M)
    keep = near_l < near_r
    gaps = shapely.distance(geoms[near_l[keep]], geoms[near_r[keep]])
    for a, b, gap in zip(near_l[keep], near_r[keep], gaps):
        if gap > TOLERANCE_M and (int(a), int(b)) not in linked and _open_crossing(geoms, tree, a, b):
            edges.append((int(a), int(b), 0.0, "sjø", float(gap)))

    graph = nx.Graph()
    graph.add_nodes_from(range(len(frame)))
    graph.add_edges_from((a, b) for a, b, *_ in edges)
    while True:
        parts = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))
        if len(parts) == 1:
            break
        inside = np.array(sorted(parts[1]))
        outside = np.array(sorted(set(range(len(frame))) - parts[1]))
        dist = shapely.distance(geoms[inside][:, None], geoms[outside][None, :])
        i, j = np.unravel_index(np.argmin(dist), dist.shape)
        a, b = sorted((int(inside[i]), int(outside[j])))
        graph.add_edge(a, b)
        edges.append((a, b, 0.0, "sjø", float(dist[i, j])))
    codes_ = frame["kommunenummer"].to_numpy()
    edge_frame = pd.DataFrame(edges, columns=["a", "b", "grense_m", "type", "avstand_m"])
    edge_frame["a"], edge_frame["b"] = codes_[edge_frame["a"]], codes_[edge_frame["b"]]
    points = frame.geometry.representative_point()
    polygons = pd.DataFrame({"kommunenummer": codes_, "kommunenavn": frame["kommunenavn"],
                             "areal_m2": shapely.area(geoms), "omkrets_m": shapely.length(boundary),
                             "x": points.x.to_numpy(), "y": points.y.to_numpy()})
    return polygons, edge_frame.sort_values(["a", "b"]).reset_index(drop=True)


def _open_crossing(geoms: np.ndarray, tree: shapely.STRtree, a: int, b: int) -> bool:
    """True when the shortest line between polygons a and b crosses no third kommune's land
    (more than ``TOLERANCE_M`` of it): a sound or fjord, not a neighbour's neighbour."""
    line = shapely.shortest_line(geoms[a], geoms[b])
    for c in tree.query(line, predicate="intersects"):
        if c not in (a, b) and shapely.length(shapely.intersection(line, geoms[c])) > TOLERANCE_M:
            return False
    return True


@dataclass(frozen=True)
class Units:
    """The units of a year and level with what scores and generation need.

    nodes: kode, navn, fylkesnummer, folkemengde (1 January of the year), areal_m2, omkrets_m,
    x, y (representative point of the layer polygon, EPSG:25833), layer_kode.
    edges: a, b (kode), grense_m, type, avstand_m, approx.
    """
    year: int
    level: str
    layer_year: int
    nodes: pd.DataFrame
    edges: pd.DataFrame


@lru_cache(maxsize=None)
def units(year: int, level: str = "kommune") -> Units:
    """Kommuner (or fylker) valid on 1 January of `year` with geometry measures and borders."""
    if level not in LEVELS:
        raise DataError(f"nivå {level!r}: bruk 'kommune' eller 'fylke'")
    year = population.check_year(year)
    kommune = _kommune_units(year)
    if level == "kommune":
        return kommune
    nodes = kommune.nodes
    fylke = dict(zip(nodes["kode"], nodes["fylkesnummer"]))
    names = codes.fylker(year).set_index("fylkesnummer")["fylkesnavn"]
    agg = nodes.groupby("fylkesnummer", as_index=False).agg(
        folkemengde=("folkemengde", "sum"), areal_m2=("areal_m2", "sum"),
        omkrets_m=("omkrets_m", "sum"))
    biggest = nodes.sort_values("folkemengde", ascending=False).drop_duplicates("fylkesnummer")
    agg = agg.merge(biggest[["fylkesnummer", "x", "y"]], on="fylkesnummer")
    edges = kommune.edges.assign(a=kommune.edges["a"].map(fylke), b=kommune.edges["b"].map(fylke))
    inner = edges[edges["a"] == edges["b"]].groupby("a")["grense_m"].sum()
    agg["omkrets_m"] -= 2 * agg["fylkesnummer"].map(inner).fillna(0)
    cross = edges[edges["a"] != edges["b"]].copy()
    swap = cross["a"] > cross["b"]
    cross.loc[swap, ["a", "b"]] = cross.loc[swap, ["b", "a"]].to_numpy()
    cross["is_land"] = cross["type"] == "land"
    fedges = cross.groupby(["a", "b"], as_index=False).agg(
        grense_m=("grense_m", "sum"), avstand_m=("avstand_m", "min"),
        is_land=("is_land", "any"), approx=("approx", "all"))
    fedges["type"] = np.where(fedges.pop("is_land"), "land", "sjø")
    fnodes = pd.DataFrame({"kode": agg["fylkesnummer"], "navn": agg["fylkesnummer"].map(names),
                           "fylkesnummer": agg["fylkesnummer"], "folkemengde": agg["folkemengde"],
                           "areal_m2": agg["areal_m2"], "omkrets_m": agg["omkrets_m"],
                           "x": agg["x"], "y": agg["y"], "layer_kode": agg["fylkesnummer"]})
    return Units(year, "fylke", kommune.layer_year, fnodes.reset_index(drop=True),
                 fedges[["a", "b", "grense_m", "type", "avstand_m", "approx"]])


def _kommune_units(year: int) -> Units:
    layer = geometry.kommune_layer_year(year)
    polygons, ledges = layer_edges(layer)
    kommuner = codes.kommuner(year)
    cross = succession.crosswalk(year, layer)
    cross = cross.sort_values("weight", ascending=False).drop_duplicates("code_from")
    to_layer = dict(zip(cross["code_from"], cross["code_to"]))
    pop = population.kommune_population(year).set_index("kommunenummer")["folkemengde"]
    nodes = kommuner.rename(columns={"kommunenummer": "kode", "kommunenavn": "navn"})[
        ["kode", "navn", "fylkesnummer"]].copy()
    nodes["folkemengde"] = nodes["kode"].map(pop).fillna(0).astype("int64")
    nodes["layer_kode"] = nodes["kode"].map(to_layer)
    missing = nodes[nodes["layer_kode"].isna() | ~nodes["layer_kode"].isin(polygons["kommunenummer"])]
    if len(missing):
        raise DataError(f"kommuner {list(missing['kode'])} i {year} finnes ikke i kartlaget {layer}")
    group_pop = nodes.groupby("layer_kode")["folkemengde"].transform("sum")
    group_n = nodes.groupby("layer_kode")["kode"].transform("count")
    nodes["andel"] = np.where(group_pop > 0, nodes["folkemengde"] / group_pop.where(group_pop > 0, 1),
                              1 / group_n)
    poly = polygons.set_index("kommunenummer")
    for col in ("areal_m2", "omkrets_m"):
        nodes[col] = nodes["layer_kode"].map(poly[col]) * nodes["andel"]
    nodes["x"] = nodes["layer_kode"].map(poly["x"])
    nodes["y"] = nodes["layer_kode"].map(poly["y"])
    members = nodes.groupby("layer_kode")[["kode", "andel"]].apply(
        lambda g: list(zip(g["kode"], g["andel"])))
    rows = []
    for a, b, length, kind, gap in ledges.itertuples(index=False):
        approx = len(members[a]) > 1 or len(members[b]) > 1
        for ka, sa in members[a]:
            for kb, sb in members[b]:
                rows.append((*sorted((ka, kb)), length * sa * sb, kind, gap, approx))
    for group in members[members.map(len) > 1]:
        for i, (ka, _) in enumerate(group):
            for kb, _ in group[i + 1:]:
                rows.append((*sorted((ka, kb)), 0.0, "sammenslått", 0.0, True))
    edges = pd.DataFrame(rows, columns=["a", "b", "grense_m", "type", "avstand_m", "approx"])
    nodes = nodes.drop(columns="andel").sort_values("kode").reset_index(drop=True)
    nodes = nodes[["kode", "navn", "fylkesnummer", "folkemengde", "areal_m2", "omkrets_m",
                   "x", "y", "layer_kode"]]
    return Units(year, "kommune", layer, nodes, edges.sort_values(["a", "b"]).reset_index(drop=True))


def adjacency(year: int, level: str = "kommune") -> nx.Graph:
    """The neighbour graph of kommuner (or fylker) valid in `year`.

    Nodes are codes with attributes navn, folkemengde, areal_km2, omkrets_km; edges carry
    grense_km (shared border), type ("land", "sjø" = linked across the sea to the nearest
    kommune, "sammenslått" = merged into one polygon of the layer later), avstand_km and approx.
    The rules are in this module's docstring.
    """
    u = units(year, level)
    graph = nx.Graph(year=u.year, level=u.level, layer_year=u.layer_year)
    for row in u.nodes.itertuples(index=False):
        graph.add_node(row.kode, navn=row.navn, folkemengde=int(row.folkemengde),
                       areal_km2=row.areal_m2 / 1e6, omkrets_km=row.omkrets_m / 1e3)
    for row in u.edges.itertuples(index=False):
        graph.add_edge(row.a, row.b, grense_km=row.grense_m / 1e3, type=row.type,
                       avstand_km=row.avstand_m / 1e3, approx=bool(row.approx))
    return graph


def disconnected_parts(graph: nx.Graph, members: list[str]) -> list[list[str]]:
    """Parts of `members` not connected (in `graph`) to the part with most nodes, largest first."""
    parts = sorted(nx.connected_components(graph.subgraph(members)), key=lambda c: (-len(c), min(c)))
    return [sorted(p) for p in parts[1:]]
