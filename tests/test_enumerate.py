"""Exact enumeration of whole-fylke plans (issue 19, item 3): equal to independent brute force."""
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from regionanalyse.appendix.alternatives_units import units_text
from regionanalyse.ensemble.run import member_level, request_for
from regionanalyse.ensemble.enumerate import Splitter, count_plans, enumerate_plans, exact_plans
from regionanalyse.ensemble.generate import EnsembleError, canonical
from regionanalyse.model import Proposal, Region, load
from regionanalyse.territory.adjacency import adjacency, units
from regionanalyse.territory.membership import expand
from tests.conftest import cli_main

sys.path.insert(0, str(Path(__file__).parent / "independent"))
import partitions  # noqa: E402  (the brute force; it does not import regionanalyse)

# A 3 × 3 grid with one diagonal, populations uneven: written here, not taken from the package
SMALL_NODES = list("abcdefghi")
SMALL_POP = [5, 1, 3, 2, 8, 1, 4, 2, 6]
SMALL_EDGES = [("a", "b"), ("b", "c"), ("d", "e"), ("e", "f"), ("g", "h"), ("h", "i"),
               ("a", "d"), ("d", "g"), ("b", "e"), ("e", "h"), ("c", "f"), ("f", "i"), ("a", "e")]


def _splitter(nodes, pop, edges, k, tolerance):
    index = {n: i for i, n in enumerate(nodes)}
    nb = [0] * len(nodes)
    for a, b in edges:
        nb[index[a]] |= 1 << index[b]
        nb[index[b]] |= 1 << index[a]
    return Splitter(pop, nb, k, tolerance)


def _fylke_graph(year):
    u = units(year, "fylke")
    return (list(u.nodes["kode"]), [int(p) for p in u.nodes["folkemengde"]],
            list(zip(u.edges["a"], u.edges["b"])))


@pytest.mark.parametrize("k,tolerance", [(2, 0.3), (3, 0.3), (3, 1.0), (4, 0.5), (4, 1.0), (5, 2.0)])
def test_small_graph_equals_every_set_partition(k, tolerance):
    mine = _splitter(SMALL_NODES, SMALL_POP, SMALL_EDGES, k, tolerance).labels()
    brute = partitions.set_partitions(SMALL_NODES, SMALL_POP, SMALL_EDGES, k, tolerance)
    assert len(brute) > 0
    assert sorted(map(tuple, mine.tolist())) == brute


@pytest.mark.parametrize("year,k,tolerance,expected", [
    (2016, 11, 0.87, 85_040),   # 99 353 in issue 19, before the crossings table removed Østfold–Buskerud
    (2016, 11, 0.5, None), (2016, 10, 0.6, None), (2024, 7, 0.87, None), (2024, 15, 2.5, None)])
def test_fylke_graphs_equal_brute_force_exact_cover(year, k, tolerance, expected):
    nodes, pop, edges = _fylke_graph(year)
    brute = partitions.exact_cover(nodes, pop, edges, k, tolerance)
    mine = enumerate_plans(year, k, tolerance)
    assert sorted(map(tuple, mine.tolist())) == brute
    assert count_plans(year, k, tolerance) == len(brute)
    if expected is not None:
        assert len(brute) == expected


def test_2020_every_k_equals_brute_force():
    nodes, pop, edges = _fylke_graph(2020)
    counts = {}
    for k in range(2, 12):
        for tolerance in (0.5, 1.6):
            brute = partitions.exact_cover(nodes, pop, edges, k, tolerance)
            assert sorted(map(tuple, enumerate_plans(2020, k, tolerance).tolist())) == brute, (k, tolerance)
            counts[k, tolerance] = len(brute)
    assert counts[11, 1.6] == 1 and counts[2, 0.5] > 0  # Viken alone is 155 % above 1/11
    # and a third method on one case: every set partition of the 11 fylker into 3 parts
    assert partitions.set_partitions(nodes, pop, edges, 3, 0.5) == partitions.exact_cover(
        nodes, pop, edges, 3, 0.5)


def test_every_enumerated_plan_is_connected_within_tolerance_and_once():
    labels = enumerate_plans(2016, 11, 0.87)
    codes = list(units(2016, "fylke").nodes["kode"])
    pop = units(2016, "fylke").nodes["folkemengde"].to_numpy()
    ideal = pop.sum() / 11
    assert labels.shape == (85_040, 19)
    assert len(np.unique(labels, axis=0)) == len(labels)
    assert (canonical(labels) == labels).all()
    assert (labels.max(1) == 10).all()
    region_pop = np.stack([(np.where(labels == r, pop, 0)).sum(1) for r in range(11)], axis=1)
    assert (np.abs(region_pop - ideal) <= 0.87 * ideal).all()
    graph = adjacency(2016, "fylke")
    for row in labels[::331]:
        for r in range(11):
            assert nx.is_connected(graph.subgraph([codes[i] for i in np.flatnonzero(row == r)]))


def test_the_fylke_proposal_is_one_of_the_enumerated_plans():
    p = load("nav-2016-11")
    codes = list(units(2016, "fylke").nodes["kode"])
    region = {m: i for i, r in enumerate(p.regions) for m in r.members}
    own = canonical(np.array([[region[c] for c in codes]]))[0]
    labels = enumerate_plans(2016, 11, 0.87)
    assert ((labels == own).all(1)).sum() == 1
    assert not ((enumerate_plans(2016, 11, 0.5) == own).all(1)).any()  # 86,6 % off: outside 50 %


def test_a_graph_can_be_given():
    graph = adjacency(2016, "fylke").copy()
    graph.remove_edges_from([e for e in graph.edges if graph.edges[e]["type"] == "sjø"])
    fewer = count_plans(2016, 11, 0.87, graph)
    assert 0 < fewer < count_plans(2016, 11, 0.87)
    nodes, pop, _ = _fylke_graph(2016)
    assert fewer == len(partitions.exact_cover(nodes, pop, list(graph.edges), 11, 0.87))


def test_no_plan_is_a_clear_refusal():
    with pytest.raises(EnsembleError, match="eksakt opptelling"):
        exact_plans(2016, 6, 0.05, 10)  # no fylke is above 1/6 of the people, yet no plan exists
    assert exact_plans(2016, 11, 0.87, 85_039) is None  # too many: sample instead
    result = cli_main("alternatives", "fylker-2016", "--year", "2016", "--regions", "6",
                      "--tolerance", "0.05", "--out", "/nonexistent/never", "--to", "none")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "ingen inndeling av de 19 fylkene (2016) i 6" in result.stderr


def test_like_with_like_levels():
    fylke = load("fylker-2020")
    kommune_listed = Proposal(  # the same regions, every kommune listed
        id="fylker-2020-kommuner", name="Fylkene 2020 som kommuner", vintage=2020,
        regions=tuple(Region(name=name, members=tuple(sorted(g["kommunenummer"])))
                      for name, g in expand(fylke).groupby("region")))
    assert all(len(m) == 4 for r in kommune_listed.regions for m in r.members)
    assert member_level(kommune_listed, 2020) == member_level(fylke, 2020) == "fylke"
    assert member_level(fylke, 2024) == "fylke"      # Viken = Østfold + Akershus + Buskerud
    assert member_level(fylke, 2016) == "kommune"    # Jevnaker and Lunner moved in 2020
    assert member_level(load("nav-2019-12"), 2019) == "kommune"  # Akershus split: mixed
    assert request_for(kommune_listed, 2020, regions=5, tolerance=0.5).level == "fylke"
    assert request_for(fylke, 2020, level="kommune", tolerance=0.5).level == "kommune"  # --units
    # 11 regions of the 11 fylker of 2020: the fylker are the only whole-fylke plan, so the
    # default is kommune units, and --units fylke is refused rather than compared with itself
    assert request_for(fylke, 2020, tolerance=0.5).level == "kommune"
    with pytest.raises(EnsembleError, match="fylkene selv den eneste inndelingen av hele fylker"):
        request_for(fylke, 2020, level="fylke", tolerance=0.5)
    assert "fylkene selv den eneste slike inndelingen" in units_text(fylke, 2020, "kommune")


def test_appendix_says_which_units_were_used():
    from regionanalyse.appendix.alternatives_units import found_text, units_text

    assert "like sammenlignes med like" in units_text(load("nav-2016-11"), 2016, "fylke")
    assert "kan dele fylker" in units_text(load("nav-2016-11"), 2016, "kommune")  # --units kommune
    mixed = units_text(load("nav-2019-12"), 2019, "kommune")
    assert "unntatt i Akershus" in mixed and "alle 18 fylker" in mixed
    assert "forslaget deler Akershus" in units_text(load("nav-2019-12"), 2019, "fylke")
    settings = {"level": "fylke", "regions": 11, "metode": "eksakt"}
    assert "alle 99\u00a0353 mulige inndelinger" in found_text(settings, 99_353)
    assert "trukket 1\u00a0000" in found_text({**settings, "metode": "utvalg"}, 1000)
    assert "det finnes bare én" in found_text(settings, 1) and "1 mulige" not in found_text(settings, 1)


@pytest.mark.slow
def test_sweep_counts_and_balance_shares_equal_an_independent_recount(nav_enumerated):
    """The sweep of nav-2016-11 (fylke units, every plan counted): each rule's number of plans is
    the independent exact-cover count, the first row repeats forslag.csv's shares, and the
    share of plans more balanced than the proposal at 50 % is recounted from the plans with the
    fylke populations of SSB's file (not the package's scoring)."""
    import pandas as pd

    ens, _ = nav_enumerated("forslaget")
    table = ens.sweep
    nodes, pop, edges = _fylke_graph(2016)
    fedges = units(2016, "fylke").edges
    land = list(zip(*fedges.loc[fedges["type"] != "sjø", ["a", "b"]].to_numpy().T))
    assert len(land) == len(edges) - 1  # Østfold–Vestfold (Moss–Horten) is the one sea edge
    for (rule, tolerance, k), rows in table.groupby(["regel", "toleranse", "regioner"], sort=False):
        brute = partitions.exact_cover(nodes, pop, land if rule == "uten sjøforbindelser" else edges,
                                       int(k), float(tolerance))
        assert rows["planer"].iloc[0] == len(brute), rule
    assert list(dict.fromkeys(table["regel"])) == [
        "forslagets toleranse", "standardregelen", "toleranse 25 %", "toleranse 50 %", "10 regioner",
        "12 regioner", "uten sjøforbindelser"]
    first = table[table["regel"] == "forslagets toleranse"].set_index("maal")
    mine = ens.percentiles.set_index("maal")
    for m in first.index:
        assert first.at[m, "andel_lik"] == pytest.approx(mine.at[m, "andel_lik"])
    raw = pd.read_csv(Path(__file__).parents[1] / "data" / "raw" /
                      "befolkning_fylke_1jan_2005_2026_ssb07459.csv", dtype={"fylkesnummer": str})
    fylke_pop = raw[raw["aar"] == 2016].set_index("fylkesnummer")["folkemengde"].reindex(nodes).to_numpy()
    plans = np.array(partitions.exact_cover(nodes, pop, edges, 11, 0.5))
    region_pop = np.stack([np.where(plans == r, fylke_pop, 0).sum(1) for r in range(11)], axis=1)
    ideal = fylke_pop.sum() / 11
    deviation = (np.abs(region_pop - ideal) / ideal).max(1)
    own = float(ens.own.iloc[0]["befolkningsavvik_maks"])
    at50 = table[(table["regel"] == "toleranse 50 %") & (table["maal"] == "befolkningsavvik_maks")]
    assert at50["andel_lavere"].iloc[0] == pytest.approx(100 * (deviation < own).mean())
