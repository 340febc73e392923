"""Adjacency graph and plan scores (issue 12), checked against hand computations on real data."""
import json
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely

from regionanalyse.indicators.scores import SCORE_COLUMNS, context, proposal_labels, score, score_labels
from regionanalyse.model import builtin_ids, load
from regionanalyse.sources import geometry
from regionanalyse.territory import membership
from regionanalyse.territory.adjacency import MIN_BORDER_M, TOLERANCE_M, adjacency, disconnected_parts

EXPECTED = json.loads((Path(__file__).parent / "independent" / "expected.json").read_text())["figures"]


@pytest.mark.parametrize("year", [2016, 2019, 2020, 2024])
def test_graph_is_connected_and_islands_are_linked_by_sea(year):
    graph = adjacency(year)
    assert nx.is_connected(graph)
    names = {d["navn"]: code for code, d in graph.nodes(data=True)}
    utsira = names["Utsira"]
    assert {d["type"] for *_, d in graph.edges(utsira, data=True)} == {"sjø"}
    assert set(graph[utsira]) == {names["Haugesund"]}  # its ferry, not the nearest (Karmøy)
    oslo = next(c for n, c in names.items() if n.startswith("Oslo"))
    assert graph.edges[oslo, names["Bærum"]]["type"] == "land"
    assert graph.edges[oslo, names["Bærum"]]["grense_km"] > 5


def test_crossings_are_over_water_not_over_a_third_kommune():
    graph = adjacency(2024)
    code = {d["navn"].split(" - ")[0].split("-")[0]: c for c, d in graph.nodes(data=True)}
    assert graph.edges[code["Moss"], code["Horten"]]["type"] == "sjø"  # Moss–Horten ferry
    assert graph.edges[code["Harstad"], code["Tjeldsund"]]["type"] == "land"
    for a, b in (("Oslo", "Gjerdrum"), ("Sunndal", "Dovre"), ("Nittedal", "Ringerike"),
                 ("Hattfjelldal", "Namsskogan")):
        assert not graph.has_edge(code[a], code[b]), (a, b)  # within 8 km, but land between


def test_fylke_graph_equals_the_fylke_layer():
    """Fylke borders derived from kommuner equal those measured on the 2017 fylke layer."""
    frame = geometry.fylke_polygons(2017)
    geoms = np.asarray(frame.geometry.values, dtype=object)
    codes = frame["fylkesnummer"].to_numpy()
    left, right = shapely.STRtree(geoms).query(geoms, predicate="dwithin", distance=TOLERANCE_M)
    keep = left < right
    border = shapely.length(shapely.intersection(shapely.boundary(geoms[left[keep]]),
                                                 shapely.buffer(geoms[right[keep]], TOLERANCE_M)))
    layer = {tuple(sorted((codes[a], codes[b]))) for a, b, x in zip(left[keep], right[keep], border)
             if x >= MIN_BORDER_M}
    graph = adjacency(2016, "fylke")
    land = {tuple(sorted((a, b))) for a, b, d in graph.edges(data=True) if d["type"] == "land"}
    assert graph.number_of_nodes() == 19 and land == layer
    assert ("03", "12") not in land and not graph.has_edge("03", "12")  # Oslo and Hordaland


def test_builtin_regions_are_connected_and_a_jump_is_not():
    """Akershus before 2020 is two areas unless Oslo is included: Asker and Bærum border no other
    Akershus kommune, and no bridge, tunnel or ferry links them across the fjord to Nesodden."""
    detached = {("fylker-2016", "Akershus"): [["0219", "0220"]],
                ("nav-2016-11", "Østfold og Akershus"): [["0219", "0220"]]}
    for pid in builtin_ids():
        p = load(pid)
        graph = adjacency(p.vintage)
        for region, group in membership.assign(p, p.vintage).groupby("region"):
            parts = disconnected_parts(graph, list(group["kommunenummer"]))
            assert parts == detached.get((pid, region), []), (pid, region)
    graph = adjacency(2016)
    finnmark = [c for c in graph if c.startswith("20")]
    assert disconnected_parts(graph, finnmark + ["0301"]) == [["0301"]]


def test_fylker_2016_scores_by_hand():
    row = score(load("fylker-2016"), 2016).iloc[0]
    assert list(row.index) == ["forslag", "aar", *SCORE_COLUMNS]
    assert row["regioner"] == 19
    assert row["befolkningsavvik_maks"] == pytest.approx(658390 / (5213985 / 19) - 1)
    assert row["befolkning_maks"] == 658390 and row["befolkning_min"] == 75758  # Oslo, Finnmark
    assert row["kommuner_maks"] == 44  # Nordland
    figures = EXPECTED["fylker-2016|2016"]
    assert row["bosatt_delt_ba"] == sum(f["bosatt_delt_ba"] for f in figures.values())
    assert row["ba_delt"] == len({n for f in figures.values() for n in f["ba_delt_navn"]})
    # Polsby-Popper from unit perimeters minus shared borders, against the fylke layer itself
    layer = geometry.fylke_polygons(2017)
    direct = (4 * np.pi * layer.area / layer.length ** 2).mean()
    assert row["polsby_popper_snitt"] == pytest.approx(direct, rel=0.15)


def test_nav_2016_11_scores_by_hand():
    p = load("nav-2016-11")
    row = score(p, 2016).iloc[0]
    assert row["regioner"] == 11 and row["kommuner_maks"] == 59  # Sogn og Fjordane og Hordaland
    figures = EXPECTED["nav-2016-11|2016"]
    assert row["befolkning_maks"] == max(f["folkemengde"] for f in figures.values())
    assert row["bosatt_delt_ba"] == sum(f["bosatt_delt_ba"] for f in figures.values())
    # no seats given: the most populous kommune (Tromsø for Finnmark og Troms) stands in
    ctx = context(2016)
    codes = list(ctx.codes)
    labels, names, seats = proposal_labels(p, 2016)
    assert (seats == -1).all()
    assert row["avstand_maks_km"] >= ctx.dist_km[codes.index("1902"), codes.index("2030")] > 400
    # nav-2019-12 names Arendal as the seat of NAV Agder, not the larger Kristiansand
    labels, names, seats = proposal_labels(load("nav-2019-12"), 2016)
    agder = [n for n in names if "Agder" in n][0]
    assert ctx.codes[seats[names.index(agder)]] == "0906"


def test_default_seat_is_the_most_populous_kommune():
    """Without seats, distances are measured from each region's most populous kommune."""
    ctx = context(2016)
    labels, names, _ = proposal_labels(load("fylker-2016"), 2016)
    row = score_labels(ctx, labels[None]).iloc[0]
    dist = np.empty(len(labels))
    for r in range(len(names)):
        inside = np.flatnonzero(labels == r)
        seat = inside[np.argmax(ctx.pop[inside])]
        dist[inside] = ctx.dist_km[inside, seat]
    assert row["avstand_maks_km"] == pytest.approx(dist.max(), rel=1e-6)
    assert row["avstand_snitt_km"] == pytest.approx((dist * ctx.pop).sum() / ctx.pop.sum(), rel=1e-6)


def test_vectorised_scores_equal_one_by_one():
    ctx = context(2016)
    rows = [proposal_labels(load(pid), 2016) for pid in ("fylker-2016", "nav-2016-11", "nav-2019-12")]
    k = max(len(names) for _, names, _ in rows)
    labels = np.stack([lab for lab, _, _ in rows])
    seats = np.stack([np.pad(s, (0, k - len(s)), constant_values=-1) for _, _, s in rows])
    together = score_labels(ctx, labels, seats)
    for i, (lab, _, s) in enumerate(rows):
        alone = score_labels(ctx, lab[None], s[None])
        assert together.iloc[i].tolist() == pytest.approx(alone.iloc[0].tolist())


def test_kommuner_merged_later_share_their_layer_polygon():
    """2016's Lardal and Larvik are one polygon (Larvik) in the 2019 layer: joined, sums exact."""
    graph = adjacency(2016)
    assert graph.edges["0728", "0709"]["type"] == "sammenslått"
    assert "0805" in set(graph["0728"])  # inherits Larvik's neighbour Porsgrunn
    assert "0814" not in set(graph["0728"])  # Bamble: across Langesundsfjorden, no link
    layer = geometry.kommune_polygons(2019).set_index("kommunenummer")
    larvik_2019 = layer.loc["0712"].geometry.area / 1e6
    assert graph.nodes["0728"]["areal_km2"] + graph.nodes["0709"]["areal_km2"] == pytest.approx(larvik_2019)


@pytest.mark.parametrize("pid,year", [("nav-2016-11", 2016), ("nav-2019-12", 2019), ("fylker-2024", 2024)])
def test_per_region_ba_figures_are_the_key_figures(pid, year):
    """The editor's per-region BA columns (scores.ba_per_region over a plan's labels) are the key
    figures' (ba_cohesion.ba_summary), and the plan score bosatt_delt_ba is their sum."""
    from regionanalyse.indicators.ba_cohesion import ba_summary
    from regionanalyse.indicators.scores import ba_per_region, context, proposal_labels, score

    p = load(pid)
    ctx = context(year)
    labels, names, _ = proposal_labels(p, year)
    got = pd.DataFrame(ba_per_region(ctx.ba, ctx.n_ba, ctx.pop, labels, len(names)), index=names)
    want = ba_summary(p, year).loc[names, ["ba_regioner", "ba_delt", "bosatt_delt_ba"]]
    assert (got.to_numpy() == want.to_numpy()).all()
    assert got["bosatt_delt_ba"].sum() == score(p, year).iloc[0]["bosatt_delt_ba"]
