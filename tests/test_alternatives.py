"""Generated alternatives (issue 12): valid partitions, reproducible files, clear refusals."""
import io
import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from regionanalyse.ensemble.run import request_for, run, write
from regionanalyse.ensemble.generate import Request, generate, sample
from regionanalyse.indicators.scores import SCORE_COLUMNS, context, score, score_labels
from regionanalyse.model import load, read_yaml
from regionanalyse.territory.adjacency import adjacency, units
from regionanalyse.territory.validate import validate
from tests.conftest import cli_main


def cli(*args):
    return cli_main(*args)


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
    assert (pd.read_csv(outs[0] / "forslag.csv")["metode"] == "utvalg").all()  # kommuner: sampled
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


def test_fylke_units_by_default_for_a_fylke_proposal(nav_enumerated):
    p = load("nav-2016-11")
    req = request_for(p, 2016, n=12, seed=2, tolerance=0.87)
    assert req.level == "fylke" and req.regions == 11
    ens, out = nav_enumerated("forslaget")  # run(p, request_for(p, 2016, tolerance="forslaget"))
    assert ens.request.tolerance == req.tolerance
    assert ens.method == "eksakt" and ens.request.n == 85_040  # every plan, not N sampled ones
    assert ens.labels.shape == (85_040, 19)
    for alt in ens.best:
        assert all(len(m) == 2 for r in alt.regions for m in r.members)
        assert "eksakt opptelling, 85040 planer" in alt.source
    table = pd.read_csv(out / "forslag.csv")
    assert (table["metode"] == "eksakt").all()
    assert table["persentil_fra"].isna().all() and table["ess"].isna().all()  # exact: no interval
    ensemble = pd.read_csv(out / "ensemble.csv")
    assert len(ensemble) == 85_040
    assert (ensemble["kjede"] == 0).all()  # not drawn in a chain
    assert ens.diagnostics is None and not (out / "diagnostikk.csv").exists()
    settings = json.loads((out / "innstillinger.json").read_text(encoding="utf-8"))
    assert settings["metode"] == "eksakt" and settings["utvalg"] is False
    assert settings["chains"] is None and settings["steps"] is None and settings["n"] == 85_040
    plans = pd.read_csv(out / "plans.csv", dtype={"kode": str})
    wide = plans.pivot(index="plan", columns="kode", values="region")
    assert len(wide) == 85_040 and not wide.duplicated().any()  # one row per distinct plan
    # exact percentile: the proposal's BA count against all plans (ties on either side)
    own = int(table.loc[table["maal"] == "ba_delt", "verdi"].iloc[0])
    values = ensemble["ba_delt"].to_numpy()
    assert own == 9 and 100 * (values < 9).mean() == pytest.approx(12.41, abs=0.01)  # 11.68 on the old graph
    assert 100 * (values < 9).mean() <= table.loc[table["maal"] == "ba_delt", "persentil"].iloc[0] \
        <= 100 * (values <= 9).mean()


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
    # fylker: every plan within the default rule's 40 % (19), not the 85 040 within its own 87 %
    assert "Forslaget sammenlignet med 19 alternativer" in page
    assert "mot 19 alternativer" in page and "like sammenlignes med like" in page
    assert "fast regel som ikke ser på forslaget" in page and "Tåler andelene andre regler?" in page
    assert "Utvalgte alternativer" in page and "De beste" not in page and "av dem er ulike" not in page
    assert "Alternativ 1: Alternativ 1" not in page
    # every plan counted: no chains, so no convergence warning, table 3, figure A or interval
    assert "kjede" not in page.lower() and "Advarsel" not in page and "Fordelingen i hver kjede" not in page
    assert "Persentil (intervall)" not in page
    assert "Tabell 3. Andelen alternativer med lavere" in page  # the sweep, where chains would be
    assert "Tabell 4. Kompakthet" in page and "se tabell 4 for hvor mye" in page
    own = score(load("nav-2016-11"), 2016).iloc[0]
    assert own["kommuner_maks"] == 59
    csv = (out / "vedlegg-alternativer.csv").read_text(encoding="utf-8-sig")
    row = next(line for line in csv.splitlines() if line.startswith("Flest kommuner i én region"))
    assert float(row.split(";")[1].replace(",", ".")) == 59  # the printed table: the proposal's value
    sheets = pd.read_excel(out / "vedlegg-alternativer.xlsx", sheet_name=None, header=None)
    rows = [r for s in sheets.values() for r in s.itertuples(index=False)
            if r[0] == "Flest kommuner i én region"]
    assert rows and float(rows[0][1]) == 59  # the workbook holds the printed table too
    # the best alternative builds: test_best_alternative_builds_like_any_proposal


@pytest.mark.slow
def test_best_alternative_builds_like_any_proposal(tmp_path, nav_alternatives):
    _, out = nav_alternatives  # `alternatives nav-2016-11 --year 2016`, run once per session
    result = cli("build", str(out / "forslag" / "alt-1.yaml"), "--year", "2016", "--to", "html",
                 "--jobs", "1", "--out", str(tmp_path / "reports"))
    assert result.returncode == 0, result.stderr
    pages = list((tmp_path / "reports" / "nav-2016-11-alt-1").glob("vedlegg-*.html"))
    assert len(pages) == 12  # overview + 11 regions


def test_alternative_of_a_long_id_and_name_is_a_valid_proposal():
    """ids may be 64 and names 120 characters: «-alt-N» must not push them over."""
    import dataclasses

    from regionanalyse.ensemble.run import plan_proposal
    from regionanalyse.indicators.scores import proposal_labels
    from regionanalyse.model import from_dict
    from regionanalyse.territory.validate import validate

    base = dataclasses.replace(load("nav-2016-11"), id="a" * 64, name="N" * 120)
    req = request_for(base, 2016, n=2, seed=1, level="kommune", steps=10)
    labels, _, _ = proposal_labels(base, 2016)
    alt = plan_proposal(base, labels, req, 5, 0)
    assert len(alt.id) <= 64 and alt.id.endswith("-alt-5") and len(alt.name) <= 120
    validate(from_dict(alt.to_dict(), "alt.yaml"))


# --- issue 19: converged chains, diagnostics, ties ---------------------------------------------

INDEPENDENT = Path(__file__).parent / "independent" / "diagnostics.py"


def independent_diagnostics(ensemble_csv) -> pd.DataFrame:
    """tests/independent/diagnostics.py run as a script (it never imports the package)."""
    result = subprocess.run([sys.executable, str(INDEPENDENT), str(ensemble_csv)],
                            capture_output=True, text=True, check=True)
    return pd.read_csv(io.StringIO(result.stdout)).set_index("maal")


def test_defaults_are_at_least_four_chains_of_ten_thousand_steps():
    req = request_for(load("nav-2016-11"), 2016, level="kommune")
    assert req.chains >= 4 and req.steps >= 10_000 and req.n == 1000
    assert request_for(load("fylker-2024"), 2024, level="kommune").steps == 18_600  # 15 regions
    kept = req.kept()
    assert [len(k) for k in kept] == [250] * 4
    assert all(k[0] >= 0.2 * req.steps and k[-1] == req.steps - 1 for k in kept)  # burn-in dropped
    assert all((np.diff(k) == np.diff(k)[0]).all() for k in kept)                # evenly thinned


def test_too_few_steps_for_n_plans_is_refused():
    result = cli("alternatives", "nav-2016-11", "--n", "1000", "--steps", "100", "--to", "none",
                 "--out", "/nonexistent/x")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "--steps må være minst 313" in result.stderr


def test_ties_are_counted_as_ties_in_a_constructed_ensemble(tmp_path):
    """Known shares: 20 % below, 30 % equal, 50 % above the proposal, and the same numbers in
    forslag.csv as in the table computed from it."""
    from regionanalyse.ensemble.run import percentiles, shares

    values = np.array([0.1] * 2 + [0.2] * 3 + [0.3] * 5)
    assert shares(values, 0.2) == pytest.approx((20.0, 30.0, 50.0))
    frame = pd.DataFrame({c: values for c in SCORE_COLUMNS})
    own = pd.Series({c: 0.2 for c in SCORE_COLUMNS})
    table = percentiles(frame, own).set_index("maal")
    for c in SCORE_COLUMNS:
        assert table.loc[c, ["andel_lavere", "andel_lik", "andel_hoyere"]].tolist() == pytest.approx([20, 30, 50])
        assert table.loc[c, "persentil"] == pytest.approx(35)
    # the same counts by the independent script's own function
    sys.path.insert(0, str(INDEPENDENT.parent))
    try:
        import diagnostics as independent
    finally:
        sys.path.pop(0)
    assert independent.shares(list(values), 0.2) == pytest.approx((20.0, 30.0, 50.0))


@pytest.fixture(scope="module")
def fylke_ensemble(tmp_path_factory):
    """A small but mixed ensemble (fylke units: fast), written to disk."""
    p = load("nav-2016-11")
    req = request_for(p, 2016, level="fylke", n=400, seed=4, steps=3000, tolerance="forslaget")
    out = tmp_path_factory.mktemp("fylke")
    ens = run(p, req, plans=sample(req))  # chains, not the exact enumeration fylker would get
    write(ens, out)
    return ens, out


def test_forslag_csv_shares_sum_to_100_and_match_ensemble_csv(fylke_ensemble):
    ens, out = fylke_ensemble
    table = pd.read_csv(out / "forslag.csv")
    ensemble = pd.read_csv(out / "ensemble.csv")
    assert {"andel_lavere", "andel_lik", "andel_hoyere", "persentil_fra", "persentil_til"} <= set(table)
    for row in table.itertuples():
        assert row.andel_lavere + row.andel_lik + row.andel_hoyere == pytest.approx(100, abs=1e-5)
        stored = ensemble[row.maal].to_numpy()   # the values as the CSV stores them
        assert row.andel_lik == pytest.approx(100 * (stored == row.verdi).mean(), abs=1e-5)
        assert row.andel_lavere == pytest.approx(100 * (stored < row.verdi).mean(), abs=1e-5)
        if row.maal != "regioner":
            assert row.persentil_fra <= row.persentil <= row.persentil_til
    # ties at fylke level are common: at least one score has some
    assert (table.loc[table["maal"] != "regioner", "andel_lik"] > 0).any()


def test_chain_section_shown_for_a_sample_of_chains(fylke_ensemble):
    """Drawn in chains: the method annex shows table 3 and figure A; the intro says the chains'
    length (the exact enumeration shows none of it: test_ensemble_appendix_and_best_alternative_build)."""
    from regionanalyse.appendix.alternatives import EnsembleReport

    _, out = fylke_ensemble
    report = EnsembleReport("nav-2016-11", 2016, str(out))
    parts = report.chain_section()
    assert len(parts) == 3 and parts[0].data == "### Har kjedene blandet?"
    assert "Tabell 3." in parts[1].data and "Figur A." in parts[2].data
    assert "3\u00a0000 steg hver" in report.intro().data and "Trekking." in report.method().data
    assert "Tabell 4. Kompakthet" in report.compactness().data


def test_chain_figure_tells_chains_apart_without_colour(fylke_ensemble, monkeypatch):
    """Figure A: one stepped curve per chain, each with its own line style as well as colour
    (WCAG 1.4.1), in percent of the chain's plans, summing to 100 per chain and panel."""
    import numpy as np

    from regionanalyse.appendix import alternatives as module

    ens, out = fylke_ensemble
    shown = {}
    monkeypatch.setattr(module, "figure_out", lambda fig, *a, **k: shown.setdefault("fig", fig) and "")
    module.EnsembleReport("nav-2016-11", 2016, str(out)).chain_histograms()
    axes = shown["fig"].axes
    assert len(axes) == 6
    for ax in axes:
        curves = [c for c in ax.patches if c.get_label().startswith("kjede")]
        assert len(curves) == 4
        assert len({c.get_linestyle() for c in curves}) == 4 and len({c.get_edgecolor() for c in curves}) == 4
        for c in curves:  # the heights of one chain's stairs are shares of its plans
            assert np.nansum(c.get_data().values) == pytest.approx(100)
    assert [t.get_text() for t in axes[0].get_legend().get_texts()] == [f"kjede {i}" for i in range(1, 5)]


def test_ensemble_figures_leave_matplotlib_as_they_found_it(fylke_ensemble):
    """The appendix's seaborn look is set for each figure only (an analyst's kernel that draws
    the figures keeps its own matplotlib settings)."""
    import matplotlib as mpl

    from regionanalyse.appendix.alternatives import EnsembleReport

    _, out = fylke_ensemble
    before = dict(mpl.rcParams)
    report = EnsembleReport("nav-2016-11", 2016, str(out))
    report.distributions(), report.chain_histograms()
    assert [k for k in before if before[k] != mpl.rcParams[k]] == []


def test_diagnostics_agree_with_an_independent_recomputation(fylke_ensemble):
    ens, out = fylke_ensemble
    ours = pd.read_csv(out / "diagnostikk.csv").set_index("maal")
    assert list(pd.read_csv(out / "diagnostikk.csv").columns) == ["maal", "rhat", "ess", "ulike_planer"]
    theirs = independent_diagnostics(out / "ensemble.csv")
    assert (ours["ulike_planer"] == len(np.unique(ens.labels, axis=0))).all()
    compared = 0
    for maal, row in ours.iterrows():
        if np.isnan(row["rhat"]):
            continue
        compared += 1
        # stated tolerance (tests/independent/diagnostics.py): |ΔR-hat| ≤ 0,03, ESS within 2×
        # where the chains have some mixing (ESS ≥ 150); below that batch means of ~30 draws
        # overstate the ESS, and both need only agree that it is short of 200-ish
        assert abs(row["rhat"] - theirs.loc[maal, "rhat"]) <= 0.03, maal
        if row["ess"] >= 150:
            assert 0.5 <= row["ess"] / theirs.loc[maal, "ess"] <= 2, maal
        else:
            assert theirs.loc[maal, "ess"] < 250, maal
    assert compared >= 6


def test_percentile_intervals_agree_with_batch_means(fylke_ensemble):
    """forslag.csv's percentile and Monte Carlo interval against tests/independent/diagnostics.py
    (counting, and a batch-means interval): the same percentile, widths within a factor of 2."""
    _, out = fylke_ensemble
    sys.path.insert(0, str(INDEPENDENT.parent))
    try:
        import diagnostics as independent
    finally:
        sys.path.pop(0)
    names, values, chain = independent.read(str(out / "ensemble.csv"))
    table = pd.read_csv(out / "forslag.csv").set_index("maal")
    checked = 0
    for name in names:
        row = table.loc[name]
        lower, equal, higher = independent.shares(values[name], row["verdi"])
        assert (row["andel_lavere"], row["andel_lik"], row["andel_hoyere"]) == pytest.approx(
            (lower, equal, higher), abs=1e-5)
        pct, low, high = independent.percentile_interval(values[name], chain, row["verdi"])
        assert row["persentil"] == pytest.approx(pct, abs=1e-5)
        if 5 < pct < 95:
            checked += 1
            ratio = (row["persentil_til"] - row["persentil_fra"]) / (high - low)
            assert 0.5 <= ratio <= 2, (name, ratio)
    assert checked >= 2


def test_ess_of_an_ar1_process_is_close_to_its_known_value():
    """ESS of AR(1) with coefficient ρ is S(1−ρ)/(1+ρ); an analytic check, no sampling code."""
    from regionanalyse.ensemble import diagnostics

    rng = np.random.default_rng(0)
    m, n, rho = 4, 4000, 0.6
    x = np.empty((m, n))
    x[:, 0] = rng.normal(size=m) / np.sqrt(1 - rho ** 2)
    noise = rng.normal(size=(m, n))
    for t in range(1, n):
        x[:, t] = rho * x[:, t - 1] + noise[:, t]
    chain = np.repeat(np.arange(1, m + 1), n)
    assert diagnostics.ess(x.ravel(), chain) == pytest.approx(m * n * (1 - rho) / (1 + rho), rel=0.15)
    assert diagnostics.rhat(x.ravel(), chain) < 1.01
    shifted = x + np.arange(m)[:, None]        # chains that disagree
    assert diagnostics.rhat(shifted.ravel(), chain) > 1.2


def test_unmixed_chains_are_warned_about(tmp_path):
    result = cli("alternatives", "nav-2016-11", "--year", "2016", "--units", "kommune", "--n", "20",
                 "--steps", "30", "--to", "none", "--out", str(tmp_path / "x"))
    assert result.returncode == 0, result.stderr
    assert "ikke blandet godt nok" in result.stderr and "R-hat" in result.stderr


@pytest.mark.slow
def test_default_kommune_run_converges_by_both_implementations(tmp_path):
    """The default (4 × 10 000 steps, N = 1 000) on a built-in at kommune level: R-hat ≤ 1,05 and
    ESS ≥ 200 on every score, by the package and by the independent script."""
    out = tmp_path / "k"
    result = cli("alternatives", "nav-2016-11", "--year", "2016", "--units", "kommune",
                 "--jobs", "2", "--to", "none", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "ikke blandet" not in result.stderr
    ours = pd.read_csv(out / "diagnostikk.csv").set_index("maal")
    theirs = independent_diagnostics(out / "ensemble.csv")
    assert (ours["rhat"] <= 1.05).all() and (ours["ess"] >= 200).all()
    assert (theirs["rhat"] <= 1.05).all() and (theirs["ess"] >= 150).all()


def test_dask_local_cluster_gives_the_same_files_as_local_processes(tmp_path):
    """`--scheduler` / REGIONANALYSE_SCHEDULER: chains as Dask tasks, the same files."""
    import dataclasses

    distributed = pytest.importorskip("distributed")
    p = load("nav-2016-11")
    req = request_for(p, 2016, level="kommune", n=16, seed=9, steps=40, jobs=2)
    write(run(p, req), tmp_path / "local")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        on_dask = dataclasses.replace(req, scheduler=cluster.scheduler_address)
        write(run(p, on_dask), tmp_path / "dask")
    files = sorted(f.relative_to(tmp_path / "local") for f in (tmp_path / "local").rglob("*") if f.is_file())
    assert {"ensemble.csv", "plans.csv", "forslag.csv", "diagnostikk.csv"} <= {str(f) for f in files}
    for f in files:
        assert (tmp_path / "local" / f).read_bytes() == (tmp_path / "dask" / f).read_bytes(), f


@pytest.mark.slow
def test_scheduler_from_the_environment_and_an_unreachable_one(monkeypatch, tmp_path):
    monkeypatch.setenv("REGIONANALYSE_SCHEDULER", "tcp://127.0.0.1:9")
    req = request_for(load("nav-2016-11"), 2016, n=4, steps=10)
    assert req.scheduler == "tcp://127.0.0.1:9"
    assert request_for(load("nav-2016-11"), 2016, scheduler="tcp://h:1").scheduler == "tcp://h:1"
    result = cli("alternatives", "nav-2016-11", "--units", "kommune", "--n", "4", "--steps", "10",
                 "--to", "none", "--scheduler", "tcp://127.0.0.1:9", "--out", "/nonexistent/x")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "Dask" in result.stderr and "127.0.0.1:9" in result.stderr
    for bad in ("<script>", "{{x}}", "=1+1", "tcp://"):
        # fylke units would count every plan without Dask: the address is still refused, before
        # the output folder is made
        result = cli("alternatives", "nav-2016-11", "--n", "4", "--steps", "10", "--to", "none",
                     "--scheduler", bad, "--out", str(tmp_path / "x"))
        assert result.returncode == 1 and "Traceback" not in result.stderr, bad
        assert "ugyldig adresse til Dask-planleggeren" in result.stderr, bad
        assert not (tmp_path / "x").exists()


def test_a_given_plan_set_that_is_not_a_chain_gets_no_diagnostics(tmp_path):
    """An enumerated plan set is passed in: exact shares, no R-hat/ESS, no Monte Carlo interval,
    and the appendix's sections still render from the files."""
    from regionanalyse.appendix.alternatives import EnsembleReport
    from regionanalyse.ensemble.generate import Sample, sample

    p = load("nav-2016-11")
    req = request_for(p, 2016, n=8, seed=2, steps=20)
    drawn = sample(req)
    given = Sample(drawn.labels, np.ones(len(drawn.labels), dtype=int))
    ens = run(p, req, plans=given, sampled=False)
    assert ens.diagnostics is None
    write(ens, tmp_path)
    assert not (tmp_path / "diagnostikk.csv").exists()
    table = pd.read_csv(tmp_path / "forslag.csv")
    assert table["persentil_fra"].isna().all() and table["ess"].isna().all()
    assert (pd.read_csv(tmp_path / "ensemble.csv")["kjede"] == 1).all()
    (tmp_path / "forslag").mkdir(exist_ok=True)
    report = EnsembleReport("nav-2016-11", 2016, str(tmp_path))
    text = report.intro().data + report.headlines().data
    assert "Advarsel" not in text and "uavhengige alternativer bak" not in text
    assert "uten å se BA-regionene" in text  # unlike compared, said
    assert "egne seter" not in text  # nav-2016-11 names no seats: both sides use the same rule
    assert "Persentil (intervall)" not in report.position().data
    assert "ikke trukket i kjeder" in report.diagnostics_table().data


def test_appendix_says_when_the_tolerance_is_the_proposals_own(tmp_path, nav_enumerated):
    """With the proposal's own largest deviation as tolerance (86,6 % → 0,87, «forslaget») the
    proposal's top place on balance follows from the rule: the appendix says so, and does not
    say it under a tolerance of its own choosing."""
    from regionanalyse.appendix.alternatives import EnsembleReport

    p = load("nav-2016-11")
    for tolerance, said in (("forslaget", True), (0.95, False)):
        out = tmp_path / f"t{tolerance}"
        if tolerance == "forslaget":  # the session's run (conftest.nav_enumerated)
            out = nav_enumerated(tolerance)[1]
        else:  # a tolerance given as a number; the text follows the settings, not the units
            write(run(p, request_for(p, 2016, tolerance=tolerance, level="kommune", n=8, steps=40)), out)
        p.to_yaml(tmp_path / "forslaget.yaml")
        text = EnsembleReport(str(tmp_path / "forslaget.yaml"), 2016, str(out))._own_tolerance_text()
        assert ("følger av regelen og er ikke et funn" in text) is said, tolerance
