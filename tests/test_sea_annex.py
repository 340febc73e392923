"""The neighbour graph's sea edges in the alternatives appendix's method annex (issue 19,
item 5): a map and a table a reader can check, for the year and units the ensemble used."""
import subprocess

import pytest

from regionanalyse.appendix.alternatives_sea import fylke_crossings, kommune_crossings
from regionanalyse.territory.adjacency import sea_edges
from tests.conftest import cli_main


def test_fylke_pairs_neighbours_only_over_sea():
    """2016: Østfold and Vestfold are neighbours only by the Bastø ferry Moss–Horten; 2020:
    Viken borders Vestfold og Telemark by land, so no fylke pair needs the sea."""
    pairs = fylke_crossings(2016)
    assert pairs[["Fylker", "Kommuner", "Type"]].values.tolist() == [
        ["Østfold – Vestfold", "Moss (0104) – Horten (0701)", "ferje"]]
    assert "Bastø" in pairs.at[0, "Forbindelse"] and pairs.at[0, "Kilde"]
    assert fylke_crossings(2020).empty
    listed = kommune_crossings(2016)
    assert len(listed) == len(sea_edges(2016)) and listed["Kilde"].str.len().gt(0).all()
    assert not listed["Kommuner"].str.contains("Moss \\(0104\\) – Tønsberg").any()  # open water


def test_sea_section_at_fylke_level_keeps_the_whole_list_in_the_spreadsheet(nav_enumerated):
    from regionanalyse.appendix.alternatives import EnsembleReport

    _, folder = nav_enumerated("forslaget")  # fylke units, 2016: the session's run (conftest)
    report = EnsembleReport("nav-2016-11", 2016, str(folder))
    sections = report.sea_section()
    text = "\n".join(x.data for x in sections)
    assert "### Naboskap over sjøen" in text and "Bare ett fylkespar" in text
    assert "Tabell 5. Fylkespar" in text and "Moss (0104) – Horten (0701)" in text
    assert 'alt="Kart over Norge med 86 linjer' in text and "prikket" in text
    (sea_map,) = [x for x in sections if x.kind == "figure"]
    assert sea_map.caption == "Sjøforbindelser" and len(sea_map.sheet()) == 86


@pytest.mark.slow
def test_kommune_appendix_pdf_lists_the_sea_edges(tmp_path):
    out = tmp_path / "alt"
    made = cli_main("alternatives", "nav-2016-11", "--year", "2016", "--units", "kommune", "--n", "8",
                    "--steps", "20", "--out", out, "--to", "pdf")
    assert made.returncode == 0, made.stderr
    text = subprocess.run(["pdftotext", "-layout", str(out / "vedlegg-alternativer.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Naboskap over sjøen" in text and "Tabell 5. Sjøforbindelser" in text
    assert "Moss (0104) – Horten (0701)" in text and "Bastø" in text
    assert "Figur B. Naboskap over sjøen i 2016" in text
