"""Which kommuner (and fylker) are neighbours: the graph that contiguity and alternatives use.

Rules (documented in the README and tested):

1. **Land borders.** Two kommuner of a geometry layer are neighbours when their polygons share
   at least ``MIN_BORDER_M`` of border. The generalised layers leave slivers and gaps of up to
   ~200 m between neighbours, so a border is measured as the length of one polygon's boundary
   lying within ``TOLERANCE_M`` of the other (the mean of both directions). Corner contacts
   (four kommuner meeting in a point measure ≈ 2 × ``TOLERANCE_M``) are not borders.
2. **Everything else only from the crossings table.** ``data/raw/sjoforbindelser.csv`` lists,
   per kommune layer (``kartlag``, codes of that layer), the pairs a person can cross between:
   ``bru``, ``tunnel`` or ``ferje`` (edges of ``type == "sjø"``), and ``land`` for a shared land
   border the generalised layer shows as a gap (edges of ``type == "land"``). Open water without
   a listed link is never an edge; a near contact (within ``TOLERANCE_M`` but sharing less than
   ``MIN_BORDER_M``: a corner point, or a narrow sound such as Svelviksundet) is an edge only when
   listed. ``crossing_candidates`` gives the pairs the table was checked against: near contacts,
   pairs at most ``CROSSING_M`` apart over water with no third kommune between, and kommuner
   without a land border. A layer whose graph is not connected is an error naming the kommuner
   cut off (an island with no entry in the table), never a silent nearest link.
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

import networkx as nx
import numpy as np
import pandas as pd
import shapely

from ..errors import DataError
from ..memo import memo
from ..sources import codes, geometry, population, succession
from ..sources.cache import cached, raw_path, read_csv_codes

TOLERANCE_M = 200.0
MIN_BORDER_M = 600.0
CROSSING_M = 8_000.0
LEVELS = ("kommune", "fylke")
CROSSINGS_FILE = "sjoforbindelser.csv"
CROSSING_KINDS = ("bru", "tunnel", "ferje", "land")
CROSSING_COLUMNS = ["kartlag", "kommune_a", "navn_a", "kommune_b", "navn_b", "type", "forbindelse",
                    "kilde", "merknad"]
EDGE_COLUMNS = ["a", "b", "grense_m", "type", "avstand_m", "forbindelse", "samband", "kilde"]
METHOD_TEXT = (
    "To kommuner er naboer når de har minst {min_border} meter felles landegrense (målt med "
    "{tolerance} meters toleranse fordi kartlagene er forenklet), eller når de er forbundet med "
    "bru, tunnel eller helårs ferje etter tabellen over sjøforbindelser "
    "(data/raw/sjoforbindelser.csv, kontrollert for hånd mot offentlige kilder; kilden for hver "
    "forbindelse står i tabellen, også der den bygger på allmenn kunnskap). Åpent hav uten "
    "forbindelse gir aldri naboskap.")


def method_text() -> str:
    """The neighbour rule in bokmål, for method annexes."""
    return METHOD_TEXT.format(min_border=f"{MIN_BORDER_M:.0f}", tolerance=f"{TOLERANCE_M:.0f}")


@memo(None)
def crossings(layer_year: int) -> pd.DataFrame:
    """The rows of the crossings table for one kommune layer, checked: codes exist in the layer
    with the names given, a known type, a source, no pair twice. Raises DataError naming the
    file and line."""
    path = raw_path(CROSSINGS_FILE)
    table = read_csv_codes(path, ["kommune_a", "kommune_b"])
    if list(table.columns) != CROSSING_COLUMNS:
        raise DataError(f"{path.name}: kolonnene må være {', '.join(CROSSING_COLUMNS)}")
    layer_names = dict(geometry.kommune_polygons(layer_year)[["kommunenummer", "kommunenavn"]].to_numpy())
    rows = table[table["kartlag"] == layer_year]
    seen = set()
    for line, row in zip(rows.index + 2, rows.itertuples(index=False)):
        for code, name in ((row.kommune_a, row.navn_a), (row.kommune_b, row.navn_b)):
            if code not in layer_names:
                raise DataError(f"{path.name}, linje {line}: kommunenummer «{code}» finnes ikke i "
                                f"kartlaget {layer_year}")
            if name != layer_names[code]:
                raise DataError(f"{path.name}, linje {line}: {code} heter «{layer_names[code]}» i "
                                f"kartlaget {layer_year}, ikke «{name}»")
        if row.type not in CROSSING_KINDS:
            raise DataError(f"{path.name}, linje {line}: type «{row.type}», bruk "
                            f"{', '.join(CROSSING_KINDS)}")
        pair = tuple(sorted((row.kommune_a, row.kommune_b)))
        if pair[0] == pair[1] or pair in seen:
            raise DataError(f"{path.name}, linje {line}: paret {pair[0]}–{pair[1]} er ugyldig "
                            "eller står flere ganger")
        if pd.isna(row.kilde) or not str(row.kilde).strip():
            raise DataError(f"{path.name}, linje {line}: kilde mangler")
        seen.add(pair)
    unknown = set(table["kartlag"]) - set(geometry.KOMMUNE_FILES)
    if unknown:
        raise DataError(f"{path.name}: kartlag {sorted(unknown)} finnes ikke "
                        f"(bruk {sorted(geometry.KOMMUNE_FILES)})")
    return rows.reset_index(drop=True)


@memo(None)
def layer_edges(layer_year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(polygons, edges) of a kommune layer, from the processed-data cache (computed from the
    polygons in ~1 s; the key holds the layer file and the code of this module and its loader).

    polygons: kommunenummer, kommunenavn, areal_m2, omkrets_m, x, y (representative point).
    edges: a, b (kommunenummer, a < b), grense_m, type ("land" or "sjø"), avstand_m (gap),
    forbindelse (bru, tunnel, ferje, land; empty for a measured land border), samband and kilde
    (from the crossings table).
    """
    sources = [raw_path(geometry.KOMMUNE_FILES[layer_year]), raw_path(CROSSINGS_FILE)]
    polygons = cached(f"naboskap-{layer_year}-flater", sources,
                      lambda: _layer_edges(layer_year)[0], depends=(geometry,))
    edges = cached(f"naboskap-{layer_year}-kanter", sources,
                   lambda: _layer_edges(layer_year)[1], depends=(geometry,))
    return polygons, edges


@memo(None)
def _layer_edges(layer_year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = geometry.kommune_polygons(layer_year).reset_index(drop=True)
    geoms = np.asarray(frame.geometry.values, dtype=object)
    boundary = shapely.boundary(geoms)
    left, right = shapely.STRtree(geoms).query(geoms, predicate="dwithin", distance=TOLERANCE_M)
    keep = left < right
    left, right = left[keep], right[keep]
    one = shapely.length(shapely.intersection(boundary[left], shapely.buffer(geoms[right], TOLERANCE_M)))
    two = shapely.length(shapely.intersection(boundary[right], shapely.buffer(geoms[left], TOLERANCE_M)))
    border = (one + two) / 2
    land = border >= MIN_BORDER_M
    gaps = shapely.distance(geoms[left], geoms[right])
    edges = {(int(x), int(y)): [float(g), "land", float(d), "", "", ""] for x, y, g, d in
             zip(left[land], right[land], border[land], gaps[land])}
    measured = {(int(x), int(y)): float(g) for x, y, g in zip(left, right, border)}
    index = {code: i for i, code in enumerate(frame["kommunenummer"])}
    for row in crossings(layer_year).itertuples(index=False):
        x, y = sorted((index[row.kommune_a], index[row.kommune_b]))
        kind = "land" if row.type == "land" else "sjø"
        if (x, y) in edges:  # a land border already: the listed link adds nothing
            continue
        edges[(x, y)] = [measured.get((x, y), 0.0), kind, float(shapely.distance(geoms[x], geoms[y])),
                         row.type, row.forbindelse, row.kilde]
    graph = nx.Graph()
    graph.add_nodes_from(range(len(frame)))
    graph.add_edges_from(edges)
    parts = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))
    if len(parts) > 1:
        cut = sorted(frame["kommunenavn"].iloc[i] for part in parts[1:] for i in part)
        raise DataError(f"kartlag {layer_year}: {', '.join(cut)} har ingen landegrense eller "
                        f"forbindelse til resten av landet; før opp bru, tunnel eller ferje i "
                        f"{CROSSINGS_FILE}")
    edge_frame = pd.DataFrame([(x, y, *v) for (x, y), v in edges.items()], columns=EDGE_COLUMNS)
    codes_ = frame["kommunenummer"].to_numpy()
    edge_frame["a"], edge_frame["b"] = codes_[edge_frame["a"]], codes_[edge_frame["b"]]
    points = frame.geometry.representative_point()
    polygons = pd.DataFrame({"kommunenummer": codes_, "kommunenavn": frame["kommunenavn"],
                             "areal_m2": shapely.area(geoms), "omkrets_m": shapely.length(boundary),
                             "x": points.x.to_numpy(), "y": points.y.to_numpy()})
    return polygons, edge_frame.sort_values(["a", "b"]).reset_index(drop=True)


def crossing_candidates(layer_year: int) -> pd.DataFrame:
    """The pairs the crossings table is checked against (the rule; the table decides):
    near contacts (within ``TOLERANCE_M``, less than ``MIN_BORDER_M`` of border), pairs at most
    ``CROSSING_M`` apart whose shortest line crosses no third kommune, and each kommune without a
    land border with its nearest kommune. Columns: kommune_a, navn_a, kommune_b, navn_b,
    avstand_m, grunn, i_tabellen."""
    frame = geometry.kommune_polygons(layer_year).reset_index(drop=True)
    geoms = np.asarray(frame.geometry.values, dtype=object)
    tree = shapely.STRtree(geoms)
    _, edges = layer_edges(layer_year)
    land = edges[edges["forbindelse"] == ""]
    land_pairs = set(zip(land["a"], land["b"]))
    codes_, names = frame["kommunenummer"].to_numpy(), frame["kommunenavn"].to_numpy()
    rows = {}
    near_l, near_r = tree.query(geoms, predicate="dwithin", distance=CROSSING_M)
    keep = near_l < near_r
    for a, b, gap in zip(near_l[keep], near_r[keep],
                         shapely.distance(geoms[near_l[keep]], geoms[near_r[keep]])):
        pair = (codes_[a], codes_[b])
        if pair in land_pairs:
            continue
        if gap <= TOLERANCE_M:
            rows[pair] = (gap, "nærkontakt")
        elif _open_crossing(geoms, tree, a, b):
            rows[pair] = (gap, "over vann")
    with_land = set(land["a"]) | set(land["b"])
    for i in np.flatnonzero(~np.isin(codes_, list(with_land))):
        dist = shapely.distance(geoms[i], geoms)
        dist[i] = np.inf
        j = int(np.argmin(dist))
        rows.setdefault(tuple(sorted((codes_[i], codes_[j]))), (float(dist[j]), "uten landegrense"))
    listed = set(zip(edges["a"], edges["b"])) - land_pairs
    name = dict(zip(codes_, names))
    out = pd.DataFrame([(a, name[a], b, name[b], gap, why, (a, b) in listed)
                        for (a, b), (gap, why) in sorted(rows.items())],
                       columns=["kommune_a", "navn_a", "kommune_b", "navn_b", "avstand_m", "grunn",
                                "i_tabellen"])
    return out


def sea_edges(year: int) -> pd.DataFrame:
    """The sea edges (bridge, tunnel, ferry) of the kommune layer `year` maps onto, in that
    layer's codes, for a method annex: kommune_a, navn_a, kommune_b, navn_b, type, forbindelse,
    kilde, avstand_km."""
    layer = geometry.kommune_layer_year(year)
    polygons, edges = layer_edges(layer)
    name = dict(zip(polygons["kommunenummer"], polygons["kommunenavn"]))
    sea = edges[edges["type"] == "sjø"]
    return pd.DataFrame({"kommune_a": sea["a"], "navn_a": sea["a"].map(name),
                         "kommune_b": sea["b"], "navn_b": sea["b"].map(name),
                         "type": sea["forbindelse"], "forbindelse": sea["samband"],
                         "kilde": sea["kilde"], "avstand_km": sea["avstand_m"] / 1e3}
                        ).reset_index(drop=True)


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


@memo(None)
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
    names = codes.fylke_codes(year).set_index("fylkesnummer")["fylkesnavn"]
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
    """The year's kommuner on the layer that year maps onto. A layer polygon shared by several
    kommuner of the year (they merged later) is shared among them by population; a kommune of
    the year covering several layer polygons (it merged after the layer was drawn, e.g. a
    merger that arrived with a data update) is their union."""
    layer = geometry.kommune_layer_year(year)
    polygons, ledges = layer_edges(layer)
    poly = polygons.set_index("kommunenummer")
    kommuner = codes.kommune_codes(year)
    cross = succession.crosswalk(year, layer)
    if year > layer:  # every polygon the kommune's land lies in
        parts = cross[["code_from", "code_to"]].drop_duplicates()
    else:  # the polygon holding most of the kommune (a split after the layer has several)
        parts = cross.sort_values("weight", ascending=False).drop_duplicates("code_from")[
            ["code_from", "code_to"]]
    parts = parts.rename(columns={"code_from": "kode", "code_to": "layer_kode"})
    pop = population.kommune_population(year).set_index("kommunenummer")["folkemengde"]
    nodes = kommuner.rename(columns={"kommunenummer": "kode", "kommunenavn": "navn"})[
        ["kode", "navn", "fylkesnummer"]].copy()
    nodes["folkemengde"] = nodes["kode"].map(pop).fillna(0).astype("int64")
    missing = sorted(set(nodes["kode"]) - set(parts.loc[parts["layer_kode"].isin(poly.index), "kode"]))
    if missing:
        raise DataError(f"kommuner {missing} i {year} finnes ikke i kartlaget {layer}")
    parts = parts[parts["kode"].isin(nodes["kode"])].merge(nodes[["kode", "folkemengde"]], on="kode")
    group_pop = parts.groupby("layer_kode")["folkemengde"].transform("sum")
    group_n = parts.groupby("layer_kode")["kode"].transform("count")
    parts["andel"] = np.where(group_pop > 0, parts["folkemengde"] / group_pop.where(group_pop > 0, 1),
                              1 / group_n)
    for col in ("areal_m2", "omkrets_m", "x", "y"):
        parts[col] = parts["layer_kode"].map(poly[col])
    members = parts.groupby("layer_kode")[["kode", "andel"]].apply(
        lambda g: list(zip(g["kode"], g["andel"])))
    rows, inner = [], {}
    for a, b, length, kind, gap in ledges[["a", "b", "grense_m", "type", "avstand_m"]].itertuples(
            index=False):
        if a not in members.index or b not in members.index:
            continue
        approx = len(members[a]) > 1 or len(members[b]) > 1
        for ka, sa in members[a]:
            for kb, sb in members[b]:
                if ka == kb:  # two polygons of one kommune: their border is inside it
                    inner[ka] = inner.get(ka, 0.0) + length * sa
                    continue
                rows.append((*sorted((ka, kb)), length * sa * sb, kind, gap, approx))
    for group in members[members.map(len) > 1]:
        for i, (ka, _) in enumerate(group):
            for kb, _ in group[i + 1:]:
                rows.append((*sorted((ka, kb)), 0.0, "sammenslått", 0.0, True))
    edges = pd.DataFrame(rows, columns=["a", "b", "grense_m", "type", "avstand_m", "approx"])
    if edges.duplicated(["a", "b"]).any():  # a kommune of several polygons: one edge per pair
        edges = edges.sort_values("type").groupby(["a", "b"], as_index=False).agg(
            grense_m=("grense_m", "sum"), type=("type", "first"), avstand_m=("avstand_m", "min"),
            approx=("approx", "any"))
    parts["areal_m2"] *= parts["andel"]
    parts["omkrets_m"] *= parts["andel"]
    largest = parts.sort_values("areal_m2", ascending=False).drop_duplicates("kode").set_index("kode")
    sums = parts.groupby("kode")[["areal_m2", "omkrets_m"]].sum()
    sums["omkrets_m"] -= 2 * pd.Series(inner, dtype=float).reindex(sums.index).fillna(0.0)
    nodes = nodes.join(sums, on="kode").join(largest[["x", "y", "layer_kode"]], on="kode")
    nodes = nodes.sort_values("kode").reset_index(drop=True)
    nodes = nodes[["kode", "navn", "fylkesnummer", "folkemengde", "areal_m2", "omkrets_m",
                   "x", "y", "layer_kode"]]
    return Units(year, "kommune", layer, nodes, edges.sort_values(["a", "b"]).reset_index(drop=True))


def adjacency(year: int, level: str = "kommune") -> nx.Graph:
    """The neighbour graph of kommuner (or fylker) valid in `year`.

    Nodes are codes with attributes navn, folkemengde, areal_km2, omkrets_km; edges carry
    grense_km (shared border), type ("land", "sjø" = bridge, tunnel or ferry of the crossings
    table, "sammenslått" = merged into one polygon of the layer later), avstand_km and approx.
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
