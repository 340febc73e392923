"""Comparing proposals on real data: the Viken split, NAV 2016 → 2019, and the appendix."""
import pytest
from pypdf import PdfReader

import regionanalyse as ra
from regionanalyse.pipeline.build import build_comparison
from regionanalyse.indicators.proposals import balance, moved_kommuner
from regionanalyse.sources import population
from tests.conftest import cli_main


def test_viken_split_flows():
    flows = ra.proposal("fylker-2020").compare(ra.proposal("fylker-2024"), 2024)
    assert flows["folkemengde"].sum() == 5_550_203
    viken = flows[flows["fra"] == "Viken"].set_index("til")
    assert set(viken.index) == {"Akershus", "Østfold", "Buskerud"}
    assert viken.loc["Akershus", "hovedstrom"] and not viken.loc["Østfold", "hovedstrom"]
    assert viken.loc["Østfold", "folkemengde"] == population.kommune_population(2024).query(
        "fylkesnummer == '31'")["folkemengde"].sum()


def test_nav_2016_to_2019_moves_rindal_and_asker_baerum():
    moved = moved_kommuner(ra.proposal("nav-2016-11"), ra.proposal("nav-2019-12"), 2019)
    names = {k for ks in moved["kommuner"] for k in ks}
    assert {"Rindal", "Asker", "Bærum"} <= names


def test_balance_per_proposal():
    table = balance([ra.proposal("fylker-2016"), ra.proposal("nav-2016-11")], 2016).set_index("forslag")
    assert table["regioner"].tolist() == [19, 11]
    assert table["storst_minst"].iloc[1] == pytest.approx(884_400 / 240_088)


@pytest.mark.slow
def test_comparison_appendix_builds_and_reads_back(tmp_path):
    proposals = [ra.proposal("fylker-2020"), ra.proposal("fylker-2024")]
    assert build_comparison(proposals, 2024, ("html", "pdf"), tmp_path)
    folder = tmp_path / "sammenligning-fylker-2020--fylker-2024"
    text = "\n".join(p.extract_text() for p in PdfReader(folder / "vedlegg-sammenligning.pdf").pages)
    text = text.replace("\u00a0", " ")
    assert "Sammenligning av forslag" in text and "samme målestokk" in text
    assert "Viken" in text and "flyttes" in text and "Kilde:" in text
    assert "sections." not in text and "build(" not in text


def test_compare_needs_two_proposals(tmp_path):
    result = cli_main("compare", "nav-2016-11", "--out", str(tmp_path))
    assert result.returncode == 1 and "minst to forslag" in result.stderr


def test_balance_takes_the_plan_scores():
    """One definition per plan metric: the comparison's balance figures are the plan scores."""
    from regionanalyse.indicators.scores import score

    p = ra.proposal("nav-2019-12")
    row, s = balance([p], 2019).iloc[0], score(p, 2019).iloc[0]
    assert [row["regioner"], row["ba_delt"], row["bosatt_delt_ba"]] == \
        [s["regioner"], s["ba_delt"], s["bosatt_delt_ba"]]
    assert row["storst_minst"] == s["befolkning_maks"] / s["befolkning_min"]
