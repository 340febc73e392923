"""The neighbour graph's crossings (issue 19, item 5): land borders plus the reviewed table of
bridges, tunnels and ferries in data/raw/sjoforbindelser.csv; open water is never an edge."""
import networkx as nx
import pandas as pd
import pytest

from regionanalyse.errors import DataError
from regionanalyse.sources import codes, geometry
from regionanalyse.sources.cache import read_csv_codes
from regionanalyse.config import RAW_DIR
from regionanalyse.territory import adjacency as adj

TABLE = read_csv_codes(RAW_DIR / adj.CROSSINGS_FILE, ["kommune_a", "kommune_b"])


def _code(year):
    graph = adj.adjacency(year)
    names = {}
    for code, data in graph.nodes(data=True):
        for part in data["navn"].split(" - "):
            names[part] = code
    return graph, names


@pytest.mark.parametrize("year", [2016, 2024])
def test_links_a_person_can_cross_are_edges_and_open_water_is_not(year):
    graph, c = _code(year)
    drammen_side, asker_side = ("Svelvik", "Hurum") if year < 2020 else ("Drammen", "Asker")
    tysnes_other = "Os" if year < 2020 else "Bjørnafjorden"
    for a, b in ((asker_side, drammen_side), ("Tysnes", tysnes_other), ("Moss", "Horten"),
                 ("Utsira", "Haugesund"), ("Bodø", "Røst"), ("Bodø", "Værøy"),
                 ("Bodø", "Moskenes"), ("Austevoll", "Bergen"), ("Austevoll", "Fitjar")):
        assert graph.has_edge(c[a], c[b]), (year, a, b)
    moss_west = "Re" if year < 2020 else "Tønsberg"
    for a, b in (("Moss", "Tønsberg"), ("Moss", moss_west), ("Asker", "Moss"), ("Asker", "Horten"),
                 ("Halden", "Fredrikstad"), ("Halden", "Hvaler"), ("Utsira", "Karmøy"),
                 ("Narvik", "Lødingen"), ("Hitra", "Smøla"), ("Vik", "Lærdal")):
        assert not graph.has_edge(c[a], c[b]), (year, a, b)
    assert set(graph[c["Utsira"]]) == {c["Haugesund"]}


def test_bognes_lodingen_follows_the_split_of_tysfjord():
    graph, c = _code(2019)
    assert graph.has_edge(c["Lødingen"], c["Tysfjord"])
    graph, c = _code(2024)
    assert graph.has_edge(c["Lødingen"], c["Hamarøy"]) and graph.has_edge(c["Hamarøy"], c["Narvik"])
    assert not graph.has_edge(c["Lødingen"], c["Narvik"])


@pytest.mark.parametrize("layer", sorted(geometry.KOMMUNE_FILES))
def test_every_sea_edge_is_in_the_table_and_every_entry_is_valid(layer):
    rows = TABLE[TABLE["kartlag"] == layer]
    polygons = geometry.kommune_polygons(layer).set_index("kommunenummer")["kommunenavn"]
    for row in rows.itertuples():
        assert row.kommune_a in polygons.index and row.kommune_b in polygons.index, row
        assert (polygons[row.kommune_a], polygons[row.kommune_b]) == (row.navn_a, row.navn_b), row
        assert row.type in adj.CROSSING_KINDS and isinstance(row.kilde, str) and row.kilde.strip()
    listed = {tuple(sorted(p)) for p in zip(rows["kommune_a"], rows["kommune_b"])}
    sea_listed = {tuple(sorted(p)) for p, t in zip(zip(rows["kommune_a"], rows["kommune_b"]),
                                                    rows["type"]) if t != "land"}
    _, edges = adj.layer_edges(layer)
    sea = {(a, b) for a, b, t in zip(edges["a"], edges["b"], edges["type"]) if t == "sjø"}
    assert sea and sea <= sea_listed
    land_measured = {(a, b) for a, b, f in zip(edges["a"], edges["b"], edges["forbindelse"]) if f == ""}
    assert set(zip(edges["a"], edges["b"])) == land_measured | listed
    assert (edges.loc[edges["forbindelse"] == "", "grense_m"] >= adj.MIN_BORDER_M).all()
    frame = adj.sea_edges(layer)
    assert list(frame.columns) == ["kommune_a", "navn_a", "kommune_b", "navn_b", "type",
                                   "forbindelse", "kilde", "avstand_km"]
    assert len(frame) == len(sea) and frame["kilde"].str.len().gt(0).all()


@pytest.mark.parametrize("year", range(2005, 2027))
def test_graph_is_connected_every_year_at_both_levels(year):
    for level in adj.LEVELS:
        assert nx.is_connected(adj.adjacency(year, level)), (year, level)


def test_candidates_show_what_the_table_left_out():
    cand = adj.crossing_candidates(2024)
    pairs = {frozenset((a, b)): listed for a, b, listed in
             zip(cand["navn_a"], cand["navn_b"], cand["i_tabellen"])}
    assert pairs[frozenset(("Moss", "Tønsberg"))] is False
    assert pairs[frozenset(("Moss", "Horten"))] is True
    assert pairs[frozenset(("Tysnes", "Kvinnherad"))] is False  # a near contact, no link
    assert set(cand["grunn"]) <= {"nærkontakt", "over vann", "uten landegrense"}


def _write_table(tmp_path, monkeypatch, rows):
    path = tmp_path / adj.CROSSINGS_FILE
    pd.DataFrame(rows, columns=adj.CROSSING_COLUMNS).to_csv(path, index=False)
    monkeypatch.setattr(adj, "raw_path", lambda name: path if name == adj.CROSSINGS_FILE
                        else RAW_DIR / name)
    adj.crossings.cache_clear()
    adj._layer_edges.cache_clear()


@pytest.mark.parametrize("row, message", [
    ((2024, "9999", "x", "1151", "Utsira", "ferje", "x", "k", ""), "9999"),
    ((2024, "1106", "Haugesund", "1151", "Utsira", "luftballong", "x", "k", ""), "luftballong"),
    ((2024, "1106", "Haugesund", "1151", "Utsira", "ferje", "x", "", ""), "kilde"),
    ((2024, "1106", "Haugesund", "1151", "Karmøy", "ferje", "x", "k", ""), "heter «Utsira»"),
    ((2023, "1106", "Haugesund", "1151", "Utsira", "ferje", "x", "k", ""), "kartlag \\[2023\\]"),
])
def test_bad_table_rows_are_named(tmp_path, monkeypatch, row, message):
    _write_table(tmp_path, monkeypatch, [row])
    try:
        with pytest.raises(DataError, match=message):
            adj.crossings(2024)
    finally:
        adj.crossings.cache_clear()
        adj._layer_edges.cache_clear()


def test_an_island_without_an_entry_is_an_error_naming_it(tmp_path, monkeypatch):
    rows = TABLE[(TABLE["kartlag"] == 2024) & (TABLE["kommune_b"] != "1151")]
    _write_table(tmp_path, monkeypatch, rows.to_numpy().tolist())
    try:
        with pytest.raises(DataError, match="Utsira"):
            adj._layer_edges(2024)
    finally:
        adj.crossings.cache_clear()
        adj._layer_edges.cache_clear()


def test_sea_edge_map_draws_one_line_per_sea_edge():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from regionanalyse.present.maps import sea_edge_map, sea_edge_map_alt

    edges = adj.sea_edges(2024)
    fig = sea_edge_map(2024)
    assert len(fig.axes[0].lines) == len(edges)
    counts = edges["type"].value_counts()
    assert f"{counts['ferje']} ferjesamband" in sea_edge_map_alt(2024)
    plt.close(fig)


def test_method_text_states_the_rule():
    text = adj.method_text()
    assert "600 meter" in text and "sjoforbindelser.csv" in text and "Åpent hav" in text


@pytest.mark.parametrize("year, sea", [(2016, {("01", "07")}), (2020, set()), (2024, {("31", "39")})])
def test_fylke_graph_follows_the_kommune_graph(year, sea):
    """Rule 4: fylker are neighbours exactly when some of their kommuner are. Across the
    Oslofjord only the Moss–Horten ferry joins fylker (Østfold–Vestfold; none in 2020–2023,
    when both sides were in Viken)."""
    kommune, fylke = adj.adjacency(year), adj.adjacency(year, "fylke")
    of = {code: code[:2] for code in kommune}
    derived = {tuple(sorted((of[a], of[b]))) for a, b in kommune.edges if of[a] != of[b]}
    assert {tuple(sorted(e)) for e in fylke.edges} == derived
    assert {tuple(sorted((a, b))) for a, b, d in fylke.edges(data=True) if d["type"] == "sjø"} == sea
