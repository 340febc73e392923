"""The editor's model (issue 18): edits through it equal the same edits through the API
(proposal, figures, scores, validation), undo/redo, save/load, names from anyone."""
import numpy as np
import pandas as pd
import pytest

import regionanalyse as ra
from regionanalyse.errors import ProposalError
from regionanalyse.model import read_yaml
from regionanalyse.present import fmt
from regionanalyse.present.editor import EditorModel
from regionanalyse.territory.validate import validate

FIGURES = ["folkemengde", "antall_kommuner", "areal_km2", "ba_regioner", "ba_delt", "bosatt_delt_ba"]


def assert_same_as_api(ed: EditorModel, q, year: int) -> None:
    """Panel of the editor == p.figures / p.score / validate(geometry=True) of the API's proposal."""
    assert ed.proposal.regions == q.regions
    panel = ed.panel.regions.set_index("region")
    panel = panel[panel["antall_kommuner"] > 0]
    table = q.figures(year).set_index("region")
    assert list(panel.index) == list(table.index)
    for col in FIGURES:
        assert np.allclose(panel[col].astype(float), table[col].astype(float), rtol=1e-12), col
    mine = ed.panel.scores.drop(columns="forslag").iloc[0]
    theirs = q.score(year).drop(columns="forslag").iloc[0]
    assert np.allclose(mine.astype(float), theirs.astype(float), rtol=1e-9), (mine, theirs)
    empty = [w for w in ed.panel.warnings if "er tom:" in w]
    assert [w for w in ed.panel.warnings if w not in empty] == validate(q, geometry=True)


@pytest.fixture(scope="module")
def nav():
    return ra.proposal("nav-2016-11")


def test_moves_equal_the_api(nav):
    ed = EditorModel(nav, 2016)
    assert_same_as_api(ed, nav, 2016)
    q = nav
    # Bærum out of a region listed by fylke; Sør-Varanger far from Oslo (a detached part);
    # a whole fylke (Oppland) to Telemark, Vestfold og Buskerud
    for code, to in [("0219", "Oslo"), ("2030", "Oslo"), ("05", "Telemark, Vestfold og Buskerud")]:
        ed.assign(code, to)
        q = q.move(code, to=to)
        assert_same_as_api(ed, q, 2016)
    assert any("atskilt fra resten: Sør-Varanger" in w for w in ed.panel.warnings)
    assert (ed.regions.index("Oslo"), "ikke sammenhengende") in ed.panel.flags
    oslo = ed.panel.regions.set_index("region").loc["Oslo"]
    assert oslo["antall_kommuner"] == 3 and oslo["ba_delt"] >= 1
    # the deviation is from the ideal size (total / regions with kommuner)
    t = ed.panel.regions
    ideal = t["folkemengde"].sum() / (t["antall_kommuner"] > 0).sum()
    assert np.allclose(t["avvik_pst"], 100 * (t["folkemengde"].astype(float) - ideal) / ideal)


def test_rename_add_remove_and_seats_equal_the_api(nav):
    ed = EditorModel(nav, 2016)
    ed.rename("Oslo", "Hovedstaden").add_region("Nord-Trøndelag")
    assert "er tom: den er ikke med i forslaget" in ed.panel.warnings[-1]
    assert [r.name for r in ed.proposal.regions] == [r.name for r in nav.rename("Oslo", "Hovedstaden").regions]
    ed.assign("17", "Nord-Trøndelag")
    q = nav.rename("Oslo", "Hovedstaden").split("Nord- og Sør-Trøndelag", ["17"], "Nord-Trøndelag")
    q = q.replace(regions=tuple(sorted(q.regions, key=lambda r: ed.regions.index(r.name))))  # new: last
    assert_same_as_api(ed, q, 2016)
    ed.set_seat("Nord-Trøndelag", "Steinkjer").set_seat("Hovedstaden", "0219")  # Bærum: outside
    q = q.replace(regions=tuple(r.__class__(r.name, r.members, {"Nord-Trøndelag": "Steinkjer",
                                                                "Hovedstaden": "Bærum"}.get(r.name, r.seat))
                                for r in q.regions))
    assert_same_as_api(ed, q, 2016)
    assert ed.panel.regions.set_index("region").loc["Nord-Trøndelag", "sete"] == "Steinkjer"
    assert "setet Bærum ligger utenfor regionen" in ed.panel.warnings[0]
    ed.remove_region("Nord-Trøndelag", to="Nord- og Sør-Trøndelag")
    q = q.merge(["Nord- og Sør-Trøndelag", "Nord-Trøndelag"], "Nord- og Sør-Trøndelag")
    assert sorted(ed.proposal.region("Nord- og Sør-Trøndelag").members) == \
        sorted(q.region("Nord- og Sør-Trøndelag").members)
    with pytest.raises(ProposalError, match="har kommuner: oppgi hvilken region"):
        ed.remove_region("Nordland")


def test_other_year_counts_as_the_api(nav):
    """Counted in 2020: Heim (from Hemne, Snillfjord, Halsa) goes where most of its people lived."""
    ed = EditorModel(nav, 2020)
    assert_same_as_api(ed, nav, 2020)
    ed.assign("1612", "Møre og Romsdal")  # Hemne joins Halsa: most of Heim's people now there
    q = nav.move("1612", to="Møre og Romsdal")
    assert_same_as_api(ed, q, 2020)
    from regionanalyse.territory.membership import assign
    counted = assign(q, 2020).set_index("kommunenummer")["region"]
    assert counted["5055"] == "Møre og Romsdal" and assign(nav, 2020).set_index("kommunenummer")["region"]["5055"] \
        == "Nord- og Sør-Trøndelag"


def test_undo_redo_restore_the_proposal(nav):
    ed = EditorModel(nav, 2016)
    before = ed.proposal
    panel = ed.panel.regions.copy()
    ed.assign("0219", "Oslo").rename("Nordland", "Nordland fylke")
    after = ed.proposal
    assert ed.can_undo and not ed.can_redo
    ed.undo().undo()
    assert ed.proposal.regions == before.regions == nav.regions
    pd.testing.assert_frame_equal(ed.panel.regions, panel)
    ed.redo().redo()
    assert ed.proposal.regions == after.regions
    ed.undo().assign("0220", "Oslo")  # a new edit drops what could be redone
    assert not ed.can_redo and ed.region_of("0219") == "Oslo" and ed.region_of("0220") == "Oslo"
    ed.assign("0220", "Oslo")  # no change: nothing to undo added
    ed.undo()
    assert ed.region_of("0220") == "Østfold og Akershus"


def test_save_and_load_round_trip(nav, tmp_path):
    ed = EditorModel(nav, 2016)
    ed.assign("0219", "Oslo").rename("Oslo", "Oslo og Bærum").add_region("Tom")
    saved = ed.save(tmp_path / "mitt_forslag.yaml")
    back = read_yaml(tmp_path / "mitt_forslag.yaml")
    assert validate(back) == []
    assert back.id == "mitt_forslag" and back.regions == ed.proposal.regions == saved.regions
    assert back.source.startswith("Tegnet i regionanalyse-editoren") and nav.source in back.source
    assert back.note == ("Endret fra nav-2016-11: «Oslo» omdøpt til «Oslo og Bærum»; region «Tom» lagt til; "
                         f"Bærum (0219) flyttet fra Østfold og Akershus til Oslo og Bærum. Merknad i nav-2016-11: "
                         f"{nav.note}")
    again = EditorModel(ra.proposal(tmp_path / "mitt_forslag.yaml"), 2016)
    pd.testing.assert_frame_equal(again.panel.regions, ed.panel.regions[ed.panel.regions["region"] != "Tom"]
                                  .reset_index(drop=True))


@pytest.mark.parametrize("name,message", [
    ("oslo", "leses likt som «Oslo»"),
    ("Ny\nregion", "kontrolltegn"),
    ("x" * 121, "høyst 120"),
    ("", "må ha et navn"),
])
def test_region_names_are_checked(nav, name, message):
    ed = EditorModel(nav, 2016)
    with pytest.raises(ProposalError, match=message):
        ed.add_region(name)


def test_hostile_names_are_kept_as_text(nav, tmp_path):
    hostile = '<img src=x onerror=alert(1)>{{ 7*7 }} =SUM(A1)'
    ed = EditorModel(nav, 2016).add_region(hostile).assign("0301", hostile)
    assert ed.panel.regions["region"].iloc[-1] == hostile
    back = read_yaml(tmp_path / "h.yaml") if ed.save(tmp_path / "h.yaml") else None
    assert back.regions[-1].name == hostile


def test_unknown_codes_and_regions(nav):
    ed = EditorModel(nav, 2016)
    with pytest.raises(ProposalError, match="«9999» er ikke en fylkes- eller kommunekode"):
        ed.assign("9999", "Oslo")
    with pytest.raises(ProposalError, match="ingen region heter «Atlantis»"):
        ed.assign("0219", "Atlantis")
    with pytest.raises(ProposalError, match="ukjent sete «Atlantis»"):
        ed.set_seat("Oslo", "Atlantis")


def test_the_pages_messages_edit_and_refused_ones_say_why(nav):
    from regionanalyse.present.editor.widget import Session

    s = Session(EditorModel(nav, 2016))
    s.handle({"op": "assign", "codes": ["0219", "0220"], "region": "Oslo"})
    q = nav.move("0219", to="Oslo").move("0220", to="Oslo")
    assert s.model.proposal.regions == q.regions
    oslo = next(r for r in s.panel()["rows"] if r[0] == "Oslo")
    table = q.figures(2016).set_index("region")
    assert oslo[1] == fmt.number(table.loc["Oslo", "folkemengde"]) and oslo[3] == "3"
    s.handle({"op": "undo"})
    assert s.model.region_of("0220") == "Østfold og Akershus" and s.model.region_of("0219") == "Østfold og Akershus"
    for bad in ({"op": "add", "name": "OSLO"}, {"op": "assign", "codes": ["9999"], "region": "Oslo"},
                {"op": "remove", "name": "Oslo"}):
        s.handle(bad)
        assert s.state()["message"].startswith("Feil: ")
    for junk in ("x", {"op": "assign", "codes": "0219", "region": 3}, {"op": None}, {"op": "activate", "index": "1"}):
        s.handle(junk)  # ignored or refused, never an exception
    assert s.model.region_of("0219") == "Østfold og Akershus"
    assert ["05", "Oppland"] in s.map()["fylker"]   # the keyboard path offers whole fylker too
    # 2016 kommuner merged by the 2019 map layer are one polygon: a click moves them together
    held = {tuple(f["properties"]["koder"]) for f in s.map()["features"]}
    assert ("0709", "0728") in held and ("1624", "1718") in held   # Larvik+Lardal, Rissa+Leksvik
    assert sorted(c for k in held for c in k) == sorted(u[0] for u in s.map()["units"])
    s.handle({"op": "assign", "codes": ["05"], "region": "Nordland"})
    assert s.model.proposal.regions == nav.move("05", to="Nordland").regions
    s.handle({"op": "undo"})
    s.handle({"op": "activate", "index": 99})
    assert s.state()["active"] == len(s.model.regions) - 1


def test_the_widget_is_what_ra_editor_returns(nav, tmp_path):
    pytest.importorskip("anywidget")
    w = ra.editor("nav-2016-11", 2016)
    assert "const L = (function" in w._esm and "leaflet" not in w._esm.split("export default")[-1]
    w.assign("0219", "Oslo")
    assert w.state["can_undo"] and w.proposal.figures(2016).set_index("region").loc["Oslo", "antall_kommuner"] == 2
    w._apply({"op": "rename", "old": "Oslo", "name": "Oslo og Bærum"})
    assert w.state["regions"][10]["name"] == "Oslo og Bærum"
    assert w.save(tmp_path / "tegnet.yaml").score(2016)["regioner"].iloc[0] == 11


def brute_shares(values: pd.DataFrame, q, year: int) -> dict:
    """Percent of plans below/equal/above `q`'s scores (seats: most populous kommune), counted
    one plan at a time on values rounded to 6 decimals as ensemble.csv stores them."""
    from regionanalyse.indicators.scores import SCORE_COLUMNS, score

    own = score(q, year, own_seats=False).iloc[0]
    out = {}
    for col in SCORE_COLUMNS:
        v = round(float(own[col]), 6)
        below = sum(1 for x in values[col] if x < v)
        equal = sum(1 for x in values[col] if x == v)
        n = len(values)
        out[col] = {"andel_lavere": 100 * below / n, "andel_lik": 100 * equal / n,
                    "andel_hoyere": 100 * (n - below - equal) / n, "persentil": 100 * (below + equal / 2) / n}
    return out


def assert_shares(mine: dict, theirs: dict, tol: float = 1e-9) -> None:
    for col, row in theirs.items():
        for key, value in row.items():
            assert abs(mine[col][key] - value) < tol, (col, key, mine[col][key], value)


def test_percentiles_among_alternatives_follow_the_edits(nav):
    """The page's «Sammenlign med alternativer» runs `alternatives` in the background; then the
    panel's shares and percentile are the alternatives appendix's, recounted here one plan at a
    time, after every edit; none when the drawing has another number of regions than the
    ensemble, or splits fylker where the ensemble has whole fylker."""
    import threading

    from regionanalyse.present.editor.widget import Session

    done = threading.Event()
    s = Session(EditorModel(nav, 2016), notify=done.set)
    s.handle({"op": "ensemble"})
    assert s.state()["busy"] and s.state()["message"] == "Regner ut alternativer i bakgrunnen …"
    assert done.wait(600) and not s.state()["busy"]
    assert s.state()["message"].startswith("Alternativer beregnet: ")
    ed = s.model
    values = pd.DataFrame(ed.alternatives.sorted_scores)
    assert_shares(ed.shares, brute_shares(values, nav, 2016))
    s.handle({"op": "assign", "codes": ["05"], "region": "Telemark, Vestfold og Buskerud"})
    q = nav.move("05", to="Telemark, Vestfold og Buskerud")
    assert_shares(ed.shares, brute_shares(values, q, 2016))
    panel = s.panel()
    assert len(values) == 19  # every whole-fylke plan within the default rule's 40 %
    assert panel["has_percentiles"] and panel["note"].startswith("Persentil: andelen av 19 ")
    assert all(row[2].endswith("%") and row[3].count(" / ") == 2 for row in panel["scores"])
    s.handle({"op": "assign", "codes": ["0219"], "region": "Oslo"})
    assert ed.percentiles is None and s.panel()["note"] == ("Ingen persentil: tegningen deler fylker, "
                                                           "ensemblet har bare hele fylker.")
    s.handle({"op": "undo"})
    ed.add_region("Ny").assign("01", "Ny")
    assert ed.percentiles is None and s.panel()["note"] == "Ingen persentil: ensemblet har 11 regioner, tegningen 12."


def test_percentiles_from_an_alternatives_folder_are_those_of_forslag_csv(nav, tmp_path, nav_enumerated):
    """`use_ensemble(folder)` reads what `regionanalyse alternatives` wrote: at the start the
    shares are forslag.csv's (with the proposal's own tolerance the proposal is one of the plans
    counted, so its ties count only when compared at the stored precision); after an edit, a
    recount from ensemble.csv."""
    from regionanalyse.errors import DataError

    _, folder = nav_enumerated("forslaget")  # every plan within 87 %, written once per session
    ed = EditorModel(nav, 2016).use_ensemble(folder)
    table = pd.read_csv(folder / "forslag.csv").set_index("maal")
    assert_shares(ed.shares, {col: {k: table.loc[col, k] for k in ("andel_lavere", "andel_lik", "andel_hoyere",
                                                                   "persentil")} for col in table.index}, 1e-6)
    assert table["andel_lik"].min() > 0      # every score has ties: the proposal's own plan at least
    values = pd.read_csv(folder / "ensemble.csv")
    ed.assign("14", "Møre og Romsdal")
    assert_shares(ed.shares, brute_shares(values, nav.move("14", to="Møre og Romsdal"), 2016))
    with pytest.raises(ProposalError, match="ensemblet gjelder 2016, editoren 2019"):
        EditorModel(ra.proposal("nav-2019-12"), 2019).use_ensemble(folder)
    with pytest.raises(DataError, match="innstillinger.json"):
        ed.use_ensemble(tmp_path)


@pytest.mark.slow
def test_a_drawn_plan_saved_and_built_has_the_panels_figures(tmp_path):
    """Draw, save, build (HTML + data files): the overview's CSV has the panel's figures."""
    import csv

    from regionanalyse.model import load
    from regionanalyse.pipeline.build import build_proposal
    from tests.conftest import nav_cut

    tvb = load("nav-2016-11").region("Telemark, Vestfold og Buskerud")
    start = nav_cut("editor-start", "Editortest", tvb.name, list(tvb.members), "Resten av landet")
    ed = EditorModel(start, 2016)
    ed.assign_many(["0219", "0220"], tvb.name).rename(tvb.name, "Vestviken").set_seat("Vestviken", "Drammen")
    saved = ed.save(tmp_path / "vestviken.yaml")
    assert build_proposal(ra.proposal(tmp_path / "vestviken.yaml"), 2016, ("html",), tmp_path / "out", jobs=1)
    with open(tmp_path / "out" / saved.id / "vedlegg-00-oversikt.csv", encoding="utf-8-sig") as fh:
        built = {row["Region"]: row for row in csv.DictReader(fh, delimiter=";")}
    for _, row in ed.panel.regions.iterrows():
        printed = built[row["region"]]
        assert int(printed["Folkemengde 1.1. (personer)"]) == row["folkemengde"]
        assert int(printed["Kommuner (antall)"]) == row["antall_kommuner"]
        assert int(printed["Areal (km²)"]) == round(row["areal_km2"])


def test_lab_lock_pins_the_lab_extra_at_the_versions_of_the_main_lock():
    """`make lab` installs requirements-lab.lock: the `lab` extra (anywidget for the editor)
    pinned with hashes, and every package of requirements.lock at the same version."""
    import re
    import tomllib

    from tests.conftest import ROOT

    def pins(path):
        return dict(re.findall(r"^([a-z0-9._-]+)==(\S+) \\$", path.read_text(encoding="utf-8").lower(), re.M))

    lab, main = pins(ROOT / "requirements-lab.lock"), pins(ROOT / "requirements.lock")
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]["lab"]
    for requirement in extra:
        assert re.split(r"[<>=!\[ ]", requirement, maxsplit=1)[0].lower() in lab
    assert {k: v for k, v in main.items() if lab.get(k) != v} == {}
    assert "--hash=sha256:" in (ROOT / "requirements-lab.lock").read_text(encoding="utf-8")


def test_neighbouring_regions_never_share_a_colour_after_an_edit(nav):
    """Finnmark og Troms and Østfold og Akershus start with one colour (they are far apart);
    a Nordland kommune on the Troms border painted into Østfold og Akershus makes them
    neighbours: the later of the two in the list gives way, the others keep their colours."""
    from regionanalyse.present.editor.widget import Session

    s = Session(EditorModel(nav, 2016))
    ed = s.model

    def colors():
        return {r["name"]: r["color"] for r in s.state()["regions"]}

    def clashes():
        c, labels, names = colors(), ed.labels, ed.regions
        return {(names[labels[ed.basis.index[u]]], names[labels[ed.basis.index[v]]])
                for u, v in ed.basis.graph.edges
                if labels[ed.basis.index[u]] != labels[ed.basis.index[v]]
                and c[names[labels[ed.basis.index[u]]]] == c[names[labels[ed.basis.index[v]]]]}

    before = colors()
    assert before["Finnmark og Troms"] == before["Østfold og Akershus"] and clashes() == set()
    border = next(k for k in ed.basis.graph.neighbors("1805") if ed.region_of(k) == "Finnmark og Troms")
    assert border and ed.region_of("1805") == "Nordland"
    s.handle({"op": "assign", "codes": ["1805"], "region": "Østfold og Akershus"})
    after = colors()
    assert clashes() == set()
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {"Østfold og Akershus"}


def test_fylke_units_paint_whole_fylker(nav):
    """units="fylke": the map holds one shape per 2016 fylke with all its kommuner; a click on
    Bærum moves Akershus, as `p.move("02")`; a proposal that splits a fylke is refused."""
    from regionanalyse.present.editor.widget import Session
    from regionanalyse.sources import codes

    s = Session(EditorModel(nav, 2016, units="fylke"))
    data = s.map()
    kommuner = codes.kommune_codes(2016)
    fylke_of = dict(zip(kommuner["kommunenummer"], kommuner["fylkesnummer"]))
    shapes = {f["properties"]["navn"]: f["properties"]["koder"] for f in data["features"]}
    assert len(shapes) == 19 and data["painted"] == "fylke"
    assert sorted(c for k in shapes.values() for c in k) == sorted(u[0] for u in data["units"])
    assert all(len({fylke_of[c] for c in k}) == 1 for k in shapes.values())
    assert "0219" in shapes["Akershus"]
    s.handle({"op": "assign", "codes": shapes["Akershus"], "region": "Oslo"})
    assert s.state()["message"] == "1 fylke lagt i Oslo"
    assert_same_as_api(s.model, nav.move("02", to="Oslo"), 2016)
    s.model.assign("0219", "Østfold og Akershus")   # a kommune stands for its fylke
    assert_same_as_api(s.model, nav, 2016)
    with pytest.raises(ProposalError, match=r"deler fylker \(Akershus\)"):
        EditorModel(nav.move("0219", to="Oslo"), 2016, units="fylke")
    with pytest.raises(ProposalError, match="units må være"):
        EditorModel(nav, 2016, units="bydel")
