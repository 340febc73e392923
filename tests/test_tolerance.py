"""The default population tolerance of `alternatives` is a rule that does not look at the
proposal (issue 19 item 4); the proposal's own deviation is an option; the sweep and the
appendix say whether each headline place survives other rules."""
import json
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

from regionanalyse.ensemble.run import request_for, run, write
from regionanalyse.ensemble.enumerate import count_plans
from regionanalyse.ensemble.sweep import COLUMNS
from regionanalyse.ensemble.tolerance import default_rule, kommune_start
from regionanalyse.model import load
from regionanalyse.territory.adjacency import units
from tests.conftest import cli_main

sys.path.insert(0, str(Path(__file__).parent / "independent"))
import tolerance as independent  # noqa: E402  (no package import; SSB's files in data/raw)


def cli(*args):
    return cli_main(*args)


@pytest.mark.parametrize("year,level,k,expected", [
    (2016, "fylke", 11, 0.40),    # nav-2016-11: no plan at 35 %
    (2016, "fylke", 10, 0.30), (2016, "fylke", 12, 0.55),
    (2016, "fylke", 19, 1.40),    # fylker-2016: Oslo is 139,9 % above 1/19
    (2020, "fylke", 11, 1.55),    # fylker-2020: Viken 154,4 % above 1/11
    (2024, "fylke", 15, 1.00),    # fylker-2024: Akershus 97,0 % above 1/15
    (2016, "kommune", 11, 0.45),  # Oslo 38,9 % above 1/11, + 5 points
    (2019, "kommune", 12, 0.60),  # nav-2019-12: Oslo 53,4 % above 1/12, + 5 points
])
def test_default_rule_on_real_data(year, level, k, expected):
    assert default_rule(year, level, k) == pytest.approx(expected)
    if level == "fylke":
        assert count_plans(year, k, expected) > 0
        if expected > 0.25:
            assert count_plans(year, k, round(expected - 0.05, 2)) == 0  # the smallest step
    else:
        assert kommune_start(year, k) == pytest.approx(expected)  # a plan at the first step


@pytest.mark.parametrize("year,k", [(2016, 11), (2016, 10), (2016, 12), (2020, 11), (2024, 15)])
def test_fylke_rule_equals_an_independent_brute_force(year, k):
    """Recomputed from SSB's fylke file by brute-force exact cover (tests/independent), and never
    below the floor the populations alone set (no graph)."""
    u = units(year, "fylke")
    nodes, edges = list(u.nodes["kode"]), list(zip(u.edges["a"], u.edges["b"]))
    assert default_rule(year, "fylke", k) == pytest.approx(independent.fylke_rule(nodes, edges, year, k))
    assert default_rule(year, "fylke", k) >= independent.population_floor(year, k) - 1e-9


@pytest.mark.parametrize("year,k", [(2016, 11), (2019, 11), (2019, 12), (2019, 13), (2024, 11)])
def test_kommune_start_equals_an_independent_recount(year, k):
    assert kommune_start(year, k) == pytest.approx(independent.kommune_start(year, k))


def test_request_for_the_rules():
    p = load("nav-2016-11")
    default = request_for(p, 2016)
    assert (default.tolerance, default.tolerance_rule) == (0.4, "standard")
    own = request_for(p, 2016, tolerance="forslaget")
    assert (own.tolerance, own.tolerance_rule) == (0.87, "forslaget")  # 86,6 % rounded up
    given = request_for(p, 2016, tolerance=0.5)
    assert (given.tolerance, given.tolerance_rule) == (0.5, "oppgitt")
    kommune = request_for(load("nav-2019-12"), 2019)
    assert (kommune.level, kommune.tolerance, kommune.tolerance_rule) == ("kommune", 0.6, "standard")


def _settings(folder: Path) -> dict:
    return json.loads((folder / "innstillinger.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_cli_default_rule_and_forslaget(tmp_path, nav_alternatives):
    """The command line: the default rule without --tolerance, «forslaget» as an option, a word
    that is neither refused; innstillinger.json says which rule chose the value."""
    result, standard = nav_alternatives  # `alternatives nav-2016-11 --year 2016 --to none`
    assert result.returncode == 0, result.stderr[-2000:]
    assert "toleranse 0.4 etter standardregelen" in result.stderr
    settings = _settings(standard)
    assert settings["tolerance"] == 0.4
    assert settings["tolerance_rule"] == {"rule": "standard", "value": 0.4}
    sweep = pd.read_csv(standard / "sveip.csv")
    assert list(sweep.columns) == COLUMNS
    assert list(dict.fromkeys(sweep["regel"])) == [
        "standardregelen", "toleranse 25 %", "toleranse 50 %", "forslagets toleranse",
        "10 regioner", "12 regioner", "uten sjøforbindelser"]
    by_rule = sweep.drop_duplicates("regel").set_index("regel")
    assert by_rule["planer"].to_dict() == {
        "standardregelen": 19, "toleranse 25 %": 0, "toleranse 50 %": 653,
        "forslagets toleranse": 85_040, "10 regioner": 9, "12 regioner": 255,
        "uten sjøforbindelser": 17}  # without Moss–Horten, 2 of the 19 plans are gone
    assert by_rule.at["10 regioner", "toleranse"] == 0.3  # K − 1 under the same rule
    assert "Oslo alene er 38,9 %" in by_rule.at["toleranse 25 %", "merknad"]
    counted = sweep[sweep["planer"] > 0]
    assert (counted["metode"] == "eksakt").all()
    assert counted["rhat"].isna().all() and counted["ess"].isna().all()  # exact: empty

    # «forslaget» from the command line; kommune units and a short draw, as the rule does not
    # depend on the units (fylke units with «forslaget»: nav_enumerated("forslaget") in
    # test_alternatives.test_fylke_units_by_default_for_a_fylke_proposal)
    own = cli("alternatives", "nav-2016-11", "--year", "2016", "--regions", "10", "--tolerance",
              "forslaget", "--units", "kommune", "--n", "8", "--steps", "40", "--to", "none",
              "--out", str(tmp_path / "own"))
    assert own.returncode == 0, own.stderr[-2000:]
    assert _settings(tmp_path / "own")["tolerance_rule"] == {"rule": "forslaget", "value": 0.87}
    bad = cli("alternatives", "nav-2016-11", "--tolerance", "egen", "--to", "none", "--out",
              str(tmp_path / "bad"))
    assert bad.returncode != 0 and "forslaget" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "bad").exists()


def test_kommune_sweep_only_on_request_with_the_sea_rule(tmp_path):
    """Kommune units: no sweep unless asked (the appendix says how to get it); asked, rules no
    plan can meet say why (Oslo; Utsira has no land border) and the drawn ones carry R-hat/ESS."""
    from regionanalyse.appendix.alternatives import EnsembleReport

    p = load("nav-2019-12")
    req = request_for(p, 2019, n=40, steps=60)
    plain = run(p, req)
    assert plain.sweep is None
    write(plain, tmp_path / "plain")
    assert not (tmp_path / "plain" / "sveip.csv").exists()
    report = EnsembleReport("nav-2019-12", 2019, str(tmp_path / "plain"))
    assert "--sveip" in report.rule_section()[0].data
    assert "ikke gjentatt med andre grenser" in report.intro().data

    ens = run(p, req, sveip=True)
    write(ens, tmp_path / "swept")
    sweep = pd.read_csv(tmp_path / "swept" / "sveip.csv")
    by_rule = sweep.drop_duplicates("regel").set_index("regel")
    assert list(by_rule.index) == ["standardregelen", "toleranse 25 %", "toleranse 50 %",
                                   "forslagets toleranse", "11 regioner", "13 regioner",
                                   "uten sjøforbindelser"]
    assert by_rule["toleranse"].to_dict()["11 regioner"] == 0.5   # the rule for 11 regions
    assert by_rule["toleranse"].to_dict()["13 regioner"] == 0.75
    for rule in ("toleranse 25 %", "toleranse 50 %"):
        assert "Oslo alene er 53,4 %" in by_rule.at[rule, "merknad"]
    assert "Utsira, 196 innbyggere" in by_rule.at["uten sjøforbindelser", "merknad"]
    drawn = sweep[sweep["planer"] > 0]
    assert (drawn["metode"] == "utvalg").all() and (drawn["planer"] == 40).all()
    assert drawn["rhat"].notna().all() and drawn["ess"].notna().all()
    first = sweep[sweep["regel"] == "standardregelen"].set_index("maal")
    mine = ens.percentiles.set_index("maal")
    for m in first.index:  # the first row is the comparison itself, not a new draw
        assert first.at[m, "andel_lavere"] == pytest.approx(mine.at[m, "andel_lavere"])
    report = EnsembleReport("nav-2019-12", 2019, str(tmp_path / "swept"))
    parts = report.rule_section()
    assert "Tabell 6." in parts[1].data and "ikke blandet" in parts[1].data


def test_appendix_states_the_rule_and_never_a_top_place_by_construction(tmp_path, nav_enumerated,
                                                                        nav_alternatives):
    """The intro names the rule and the value; where the tolerance is below (or at) the
    proposal's own deviation, its place on balance is said not to be a finding; the sweep
    section says per headline whether the place survives."""
    from regionanalyse.appendix.alternatives import EnsembleReport

    out = tmp_path / "standard"
    shutil.copytree(nav_alternatives[1], out)  # a copy: sveip.csv is rewritten below
    report = EnsembleReport("nav-2016-11", 2016, str(out))
    intro = report.intro().data
    assert "fast regel som ikke ser på forslaget: 25\u00a0%" in intro
    assert "det gir 40\u00a0% (med 35\u00a0% finnes ingen)" in intro
    assert "avviker mer (86,6\u00a0%) og oppfyller derfor ikke kravet" in intro
    assert "er ikke et funn" in intro and "Tabell 3 viser om forslagets plass" in intro
    assert "Det følger av grensen på 40\u00a0% for alternativene og er ikke et funn" in report.headlines().data
    parts = report.chain_section()
    text = parts[0].data
    assert "**Største avvik fra idealstørrelsen** (i sammenligningen blant de høyeste 10\u00a0%)" in text
    assert "ligger forslaget øverst fordi regelen krever det" in text
    assert ("**BA-regioner delt av regiongrenser** (i sammenligningen mellom de laveste og de "
            "høyeste 10\u00a0%): samme del av fordelingen under alle 5 andre regler.") in text
    assert "en annen del under 4 av 5 andre regler (grense 50\u00a0%; forslagets eget avvik på 87\u00a0%" in text
    assert "Samme del som i første rad?" in parts[1].data and "Tabell 3." in parts[1].data
    assert report.rule_section() == []  # counted: the sweep is table 3, not repeated
    old = pd.read_csv(out / "sveip.csv").drop(columns=["metode", "rhat", "ess"])
    old.to_csv(out / "sveip.csv", index=False)  # as written before the columns were added
    assert parts[1].data == report.chain_section()[1].data

    _, own = nav_enumerated("forslaget")
    assert _settings(out)["tolerance_rule"] == {"rule": "standard", "value": 0.4}
    assert _settings(own)["tolerance_rule"] == {"rule": "forslaget", "value": 0.87}
    intro = EnsembleReport("nav-2016-11", 2016, str(own)).intro().data
    assert "valgt med --tolerance forslaget" in intro and "følger av regelen og er ikke et funn" in intro
    assert "fast regel" not in intro

    kommune = tmp_path / "kommune"
    p19 = load("nav-2019-12")
    write(run(p19, request_for(p19, 2019, n=8, steps=40)), kommune)
    intro = EnsembleReport("nav-2019-12", 2019, str(kommune)).intro().data
    assert "Oslo har 53,4\u00a0% flere innbyggere enn idealstørrelsen" in intro
    assert "Det gir 60\u00a0%." in intro
