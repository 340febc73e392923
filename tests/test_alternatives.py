"""Generated alternatives (issue 12): valid partitions, reproducible files, clear refusals."""
import subprocess
import sys

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from regionanalyse.ensemble.alternatives import request_for, run, write
from regionanalyse.ensemble.generate import Request, generate
from regionanalyse.indicators.scores import SCORE_COLUMNS, context, score, score_labels
from regionanalyse.model import load, read_yaml
from regionanalyse.territory.adjacency import adjacency, units
from regionanalyse.territory.validate import validate


def cli(*args):
    return subprocess.run([sys.executable, "-m", "regionanalyse.cli", *args],
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def kommune_plans():
    req = Request(year=2016, level="kommune", regions=11, n=40, seed=3, tolerance=0.6, steps=100)
    return req, generate(req)


def test_every_plan_is_a_partition_into_k_connected_regions_within_tolerance(kommune_plans):
    req, labels = kommune_plans
    codes = list(units(2016, "kommune").nodes["kode"])
    pop = units(2016, "kommune").nodes["folkemengde"].to_numpy()
    graph = adjacency(2016, "kommune")
    assert labels.shape == (40, 428)
    ideal = pop.sum() / 11
    for row in labels:
        assert sorted(set(row)) == list(range(11))
        for r in range(11):
            members = [codes[i] for i in np.flatnonzero(row == r)]
            assert nx.is_connected(graph.subgraph(members))
            assert abs(pop[row == r].sum() - ideal) <= 0.6 * ideal
    assert len({row.tobytes() for row in labels}) > 20  # the chain moves


def test_scores_of_generated_plans_match_scoring_them_one_by_one(kommune_plans):
    _, labels = kommune_plans
    ctx = context(2016)
    together = score_labels(ctx, labels)
    assert (together["regioner"] == 11).all()
    assert (together["befolkningsavvik_maks"] <= 0.6 + 1e-9).all()
    for i in (0, 17, 39):
        assert together.iloc[i].tolist() == pytest.approx(score_labels(ctx, labels[i:i + 1]).iloc[0].tolist())


@pytest.mark.slow
def test_same_seed_gives_identical_files_and_best_alternatives_validate(tmp_path):
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"run{jobs}"
        result = cli("alternatives", "nav-2019-12", "--year", "2019", "--n", "24", "--seed", "7",
                     "--steps", "60", "--jobs", jobs, "--out", str(out), "--to", "none")
        assert result.returncode == 0, result.stderr
        outs.append(out)
    files = sorted(p.relative_to(outs[0]) for p in outs[0].rglob("*") if p.is_file())
    assert {"ensemble.csv", "plans.csv", "forslag.csv"} <= {str(f) for f in files}
    for f in files:
        assert (outs[0] / f).read_bytes() == (outs[1] / f).read_bytes(), f
    ensemble = pd.read_csv(outs[0] / "ensemble.csv")
    assert list(ensemble.columns) == ["plan", "kjede", *SCORE_COLUMNS] and len(ensemble) == 24
    assert ensemble["kjede"].tolist() == [1] * 6 + [2] * 6 + [3] * 6 + [4] * 6
    diag = pd.read_csv(outs[0] / "diagnostikk.csv")
    assert list(diag.columns) == ["maal", "rhat", "ess", "ulike_planer"]
    plans = pd.read_csv(outs[0] / "plans.csv", dtype={"kode": str})
    kommuner = set(units(2019, "kommune").nodes["kode"])
    assert (plans.groupby("plan")["kode"].apply(lambda s: set(s) == kommuner and s.is_unique)).all()
    alts = sorted((outs[0] / "forslag").glob("alt-*.yaml"))
    assert 1 <= len(alts) <= 5
    for path in alts:
        alt = read_yaml(path)
        assert validate(alt, geometry=True) == []  # valid and every region connected
        row = score(alt, 2019).iloc[0]
        plan = int(alt.source.rsplit("plan ", 1)[1])
        listed = ensemble.loc[ensemble["plan"] == plan].iloc[0]
        for col in ("regioner", "befolkning_maks", "ba_delt", "bosatt_delt_ba", "kommuner_maks"):
            assert row[col] == listed[col], (path.name, col)
        for col in ("befolkningsavvik_maks", "polsby_popper_snitt", "avstand_maks_km", "avstand_snitt_km"):
            assert row[col] == pytest.approx(listed[col], rel=1e-6, abs=1e-6), (path.name, col)
    other = cli("alternatives", "nav-2019-12", "--year", "2019", "--n", "24", "--seed", "8", "--steps", "60",
                "--out", str(tmp_path / "other"), "--to", "none")
    assert other.returncode == 0
    assert (tmp_path / "other" / "plans.csv").read_bytes() != (outs[0] / "plans.csv").read_bytes()


def test_impossible_tolerance_names_the_smallest_possible():
    result = cli("alternatives", "nav-2016-11", "--year", "2016", "--units", "kommune",
                 "--tolerance", "0.05", "--out", "/nonexistent/never-written")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    # Oslo: 658 390 against the ideal 5 213 985 / 11 = 473 999 → at least 38,9 %
    assert "Oslo" in result.stderr and "658 390" in result.stderr and "473 999" in result.stderr
    assert "minst 39,0 %" in result.stderr
    fylke_ba = cli("alternatives", "nav-2016-11", "--keep-ba", "--to", "none", "--out", "/nonexistent/x")
    assert fylke_ba.returncode == 1 and "--units kommune" in fylke_ba.stderr


def test_fylke_units_by_default_for_a_fylke_proposal():
    p = load("nav-2016-11")
    req = request_for(p, 2016, n=12, seed=2, steps=40)
    assert req.level == "fylke" and req.regions == 11
    assert req.tolerance == pytest.approx(0.87)  # the proposal's own 86,6 %, rounded up
    ens = run(p, req)
    assert ens.labels.shape == (12, 19)
    for alt in ens.best:
        assert all(len(m) == 2 for r in alt.regions for m in r.members)


def test_keep_ba_splits_fewer_ba_regions():
    base = dict(year=2024, level="kommune", regions=11, n=40, seed=5, tolerance=0.5, steps=50)
    ctx = context(2024)
    free = score_labels(ctx, generate(Request(**base)))["ba_delt"].mean()
    kept = score_labels(ctx, generate(Request(**base, keep_ba=True)))["ba_delt"].mean()
    assert kept < 0.75 * free


def test_score_cli_contract():
    result = cli("score", "fylker-2016", "nav-2016-11", "--year", "2016")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == ("forslag,aar,regioner,befolkningsavvik_maks,befolkning_min,befolkning_maks,"
                        "polsby_popper_snitt,ba_delt,bosatt_delt_ba,avstand_maks_km,avstand_snitt_km,"
                        "kommuner_maks")
    assert lines[1].startswith("fylker-2016,2016,19,1.399203,75758,658390,")
    assert lines[1].endswith(",44") and lines[2].endswith(",59")


@pytest.mark.slow
def test_ensemble_appendix_and_best_alternative_build(tmp_path):
    out = tmp_path / "alt"
    made = cli("alternatives", "nav-2016-11", "--year", "2016", "--n", "40", "--steps", "100",
               "--out", str(out), "--to", "html")
    assert made.returncode == 0, made.stderr
    page = (out / "vedlegg-alternativer.html").read_text(encoding="utf-8")
    assert "Forslaget sammenlignet med 40 alternativer" in page
    assert "mot 40 alternativer" in page and "Utvalgte alternativer" in page
    assert "De beste" not in page and "av dem er ulike" not in page
    assert "Har kjedene blandet?" in page and "Figur A." in page
    assert "Alternativ 1: Alternativ 1" not in page
    own = score(load("nav-2016-11"), 2016).iloc[0]
    assert own["kommuner_maks"] == 59
    csv = (out / "vedlegg-alternativer.csv").read_text(encoding="utf-8-sig")
    row = next(line for line in csv.splitlines() if line.startswith("Flest kommuner i én region"))
    assert float(row.split(";")[1].replace(",", ".")) == 59  # the printed table: the proposal's value
    assert (out / "vedlegg-alternativer.xlsx").stat().st_size > 0
    result = cli("build", str(out / "forslag" / "alt-1.yaml"), "--year", "2016", "--to", "html",
                 "--jobs", "1", "--out", str(tmp_path / "reports"))
    assert result.returncode == 0, result.stderr
    assert list((tmp_path / "reports").rglob("*.html"))


@pytest.mark.slow
def test_best_alternative_builds_like_any_proposal(tmp_path):
    out = tmp_path / "alt"
    made = cli("alternatives", "nav-2016-11", "--year", "2016", "--n", "8", "--steps", "20",
               "--out", str(out), "--to", "none")
    assert made.returncode == 0, made.stderr
    result = cli("build", str(out / "forslag" / "alt-1.yaml"), "--year", "2016", "--to", "html",
                 "--jobs", "1", "--out", str(tmp_path / "reports"))
    assert result.returncode == 0, result.stderr
    pages = list((tmp_path / "reports" / "nav-2016-11-alt-1").glob("vedlegg-*.html"))
    assert len(pages) == 12  # overview + 11 regions


def test_alternative_of_a_long_id_and_name_is_a_valid_proposal():
    """ids may be 64 and names 120 characters: «-alt-N» must not push them over."""
    import dataclasses

    from regionanalyse.ensemble.alternatives import plan_proposal
    from regionanalyse.indicators.scores import proposal_labels
    from regionanalyse.model import from_dict
    from regionanalyse.territory.validate import validate

    base = dataclasses.replace(load("nav-2016-11"), id="a" * 64, name="N" * 120)
    req = request_for(base, 2016, n=2, seed=1, level="kommune", steps=10)
    labels, _, _ = proposal_labels(base, 2016)
    alt = plan_proposal(base, labels, req, 5, 0)
    assert len(alt.id) <= 64 and alt.id.endswith("-alt-5") and len(alt.name) <= 120
    validate(from_dict(alt.to_dict(), "alt.yaml"))
