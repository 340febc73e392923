"""One seat rule for a proposal and its alternatives (issue 19, item 5): in the comparison the
proposal's distances are measured, like every alternative's, from each region's most populous
kommune; its own seats are information beside the comparison."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regionanalyse.ensemble.run import request_for, run, write
from regionanalyse.ensemble.generate import Sample, sample
from regionanalyse.indicators.scores import context, proposal_labels, score_labels
from regionanalyse.model import load
from regionanalyse.territory.seats import largest_units

ROOT = Path(__file__).resolve().parents[1]
INDEPENDENT = ROOT / "tests" / "independent" / "seats.py"
DISTANCES = ["avstand_maks_km", "avstand_snitt_km"]


@pytest.fixture(scope="module")
def seated(tmp_path_factory):
    """nav-2019-12 (official seats, e.g. Molde, Steinkjer, Moss) against a few drawn plans."""
    out = tmp_path_factory.mktemp("seats")
    p = load("nav-2019-12")
    req = request_for(p, 2019, n=8, seed=2, steps=20, tolerance=0.7)
    drawn = sample(req)
    ens = run(p, req, plans=Sample(drawn.labels, np.ones(len(drawn.labels), dtype=int)), sampled=False)
    write(ens, out)
    p.to_yaml(out / "forslaget.yaml")
    return out, ens


def test_forslag_csv_distances_equal_an_independent_reseating(seated):
    out, _ = seated
    table = pd.read_csv(out / "forslag.csv").set_index("maal")
    result = subprocess.run([sys.executable, str(INDEPENDENT), str(out / "forslaget.yaml"), "2019",
                             str(ROOT / "data" / "raw" / "kommuner_2019_csmaps.geojson")],
                            capture_output=True, text=True, check=True)
    theirs = json.loads(result.stdout)
    for col in DISTANCES:
        assert table.at[col, "verdi"] == pytest.approx(theirs["mest_folkerike"][col], abs=0.01), col
        assert table.at[col, "verdi_egne_seter"] == pytest.approx(theirs["egne_seter"][col], abs=0.01), col
    # the rules differ for this proposal (Molde, Steinkjer, Moss … are not the largest): the
    # check above can tell them apart
    assert abs(theirs["mest_folkerike"]["avstand_snitt_km"] - theirs["egne_seter"]["avstand_snitt_km"]) > 1


def test_shares_use_the_comparison_value_and_other_scores_are_unchanged(seated):
    out, ens = seated
    table = pd.read_csv(out / "forslag.csv").set_index("maal")
    values = pd.read_csv(out / "ensemble.csv")
    for col in DISTANCES:
        own = table.at[col, "verdi"]
        assert table.at[col, "andel_lavere"] == pytest.approx(100 * (values[col] < own).mean())
    rest = [c for c in table.index if c not in DISTANCES]
    assert (table.loc[rest, "verdi"] == table.loc[rest, "verdi_egne_seter"]).all()
    assert list(pd.read_csv(out / "forslag.csv").columns[:-1]) == [
        "forslag", "aar", "maal", "verdi", "andel_lavere", "andel_lik", "andel_hoyere", "persentil",
        "persentil_fra", "persentil_til", "ess", "median", "p5", "p95", "metode"]


def test_alternatives_and_the_proposal_get_their_seats_from_one_rule(seated):
    """The seat an alternative's proposal file names is the unit `largest_units` picks, and the
    proposal scored without its seats equals scoring its labels with that rule."""
    _, ens = seated
    ctx = context(2019)
    labels, _, _ = proposal_labels(ens.proposal, 2019)
    seats = largest_units(labels[None, :], ctx.pop)[0]
    row = score_labels(ctx, labels[None, :], seats[None, :]).iloc[0]
    for col in DISTANCES:
        assert ens.own.iloc[0][col] == pytest.approx(row[col], abs=1e-5)
    for alt in ens.best:
        for region in alt.regions:
            members = [i for i, c in enumerate(ctx.codes)
                       if c in region.members or c[:2] in region.members]
            assert region.seat == ctx.codes[max(members, key=lambda i: (ctx.pop[i], -i))]


def test_largest_units_breaks_ties_by_unit_order_and_marks_empty_regions():
    labels = np.array([[0, 1, 1, 0, 1], [1, 1, 1, 1, 1]])
    pop = np.array([5, 7, 7, 9, 1])
    assert largest_units(labels, pop, 3).tolist() == [[3, 1, -1], [-1, 3, -1]]


def test_appendix_compares_like_with_like_and_shows_the_own_seats_beside(seated):
    from regionanalyse.appendix.alternatives import EnsembleReport

    out, _ = seated
    report = EnsembleReport(str(out / "forslaget.yaml"), 2019, str(out))
    text = report.headlines().data
    assert "forslaget 42,2 km" in text and "fra forslagets egne seter er tallet 47,8 km" in text
    table = report.position().data
    assert "samme regel" in table and "gjennomsnittlig avstand 47,8 km" in table
    assert "sine egne seter, alternativene fra" not in text + table  # the old unlike comparison
