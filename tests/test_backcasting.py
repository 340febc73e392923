"""Every proposal read in every year (issue 21): kommuner placed where their people went, no
region without kommuner crashes anything, and each region says what it does not count."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regionanalyse.indicators.history import population_history
from regionanalyse.indicators.keyfigures import key_figures
from regionanalyse.model import Proposal, Region, load
from regionanalyse.sources import codes, population
from regionanalyse.territory import membership

HELD_OUT = Path(__file__).parent / "fixtures" / "forslag_2024_delte_kommuner.yaml"
YEARS = population.YEARS


def _figures(proposal, year):
    return key_figures(proposal, year).table.set_index("region")


def test_haram_counted_with_its_own_people_before_2020():
    """Old Haram (1534) is Haram 2024 again: 9 200 people in 2016 and 9 383 in 2019 (SSB 07459),
    not counted with Ålesund; Sunnmøre og Romsdal does not get them."""
    p = load(str(HELD_OUT))
    assert _figures(p, 2016).at["Haram", "folkemengde"] == 9_200
    assert _figures(p, 2019).at["Haram", "folkemengde"] == 9_383
    assigned = membership.assign(p, 2016).set_index("kommunenummer")
    assert assigned.at["1534", "region"] == "Haram" and assigned.at["1534", "eksakt"]
    assert assigned.at["1504", "region"] == "Sunnmøre og Romsdal" and assigned.at["1504", "eksakt"]


def test_tysfjord_goes_where_most_of_its_people_went_and_both_regions_say_so():
    """Tysfjord (1850) split in 2020: 1 019 of its residents went to Hamarøy, 745 to Narvik; before
    2020 it is counted with Hamarøy (1 824 + 1 974 in 2016), and the Nordland region that holds
    Narvik says that 42 % of Tysfjord's people are counted in Hamarøy."""
    p = load(str(HELD_OUT))
    kf = key_figures(p, 2016)
    assert kf.table.set_index("region").at["Hamarøy", "folkemengde"] == 1_824 + 1_974
    notes = kf.notes[kf.notes["figur"] == "folkemengde"].set_index("region")["merknad"]
    assert "Tysfjord (1850)" in notes["Hamarøy"] and "1\u00a0140 i Hamarøy" in notes["Hamarøy"]
    assert "834 i Nordland uten Hamarøy" in notes["Hamarøy"]
    lost = notes["Nordland uten Hamarøy"]
    assert lost.startswith("ikke med i tallene for 2016: Tysfjord (1850), med 834 av regionens")
    assert "er talt med i Hamarøy" in lost


def test_snillfjord_goes_to_orkland_which_got_most_of_its_people():
    p = load(str(HELD_OUT))
    assigned = membership.assign(p, 2016).set_index("kommunenummer")
    assert assigned.at["1613", "region"] == "Orkland"
    assert not assigned.at["1613", "eksakt"]


def test_a_region_without_kommuner_in_a_year_is_dot_with_the_reason():
    """Haram alone (2024 codes) in 2020–2023: its land is in Ålesund 2020, counted in Sunnmøre og
    Romsdal. Its figures are missing with SSB's «.» and the reason, never 0 or a KeyError."""
    p = load(str(HELD_OUT))
    kf = key_figures(p, 2021)
    row = kf.table.set_index("region").loc["Haram"]
    assert pd.isna(row["folkemengde"]) and row["antall_kommuner"] == 0
    note = kf.notes[(kf.notes["region"] == "Haram") & (kf.notes["figur"] == "folkemengde")]
    assert note["tegn"].tolist() == ["."]
    assert note["merknad"].iloc[0].startswith("ingen kommune i 2021-inndelingen telles i regionen: "
                                              "Ålesund (1507)")
    hist = population_history(p, "Haram").query("region == 'Haram'").set_index("aar")
    assert hist.loc[2021, "folkemengde"] is pd.NA and hist.loc[2024, "folkemengde"] == 9_357


def _random_proposal(rng: np.random.Generator, vintage: int, number: int) -> Proposal:
    """A kommune-level proposal of `vintage`: a few single kommuner that later split, merge or
    were re-established, as regions of their own, the rest cut into random blocks of fylker."""
    kommuner = codes.kommune_codes(vintage)
    volatile = [c for c in ("1580", "1875", "5055", "5056", "5059", "1534", "1850", "5012", "1571",
                            "1444", "0711", "1852", "0627", "1806", "1507")
                if c in set(kommuner["kommunenummer"])]
    singles = list(rng.choice(volatile, size=min(len(volatile), 4), replace=False))
    rest = kommuner[~kommuner["kommunenummer"].isin(singles)]
    fylker = list(rest["fylkesnummer"].unique())
    rng.shuffle(fylker)
    blocks = np.array_split(np.array(fylker), 5)
    regions = [Region(f"Enkelt {i + 1}", (code,)) for i, code in enumerate(singles)]
    for j, block in enumerate(blocks):
        members = tuple(rest.loc[rest["fylkesnummer"].isin(block), "kommunenummer"])
        regions.append(Region(f"Blokk {j + 1}", members))
    return Proposal(id=f"tilfeldig-{vintage}-{number}", name=f"Tilfeldig {vintage} {number}",
                    vintage=vintage, regions=tuple(regions), source="generert i testen")


@pytest.mark.parametrize("vintage", [2016, 2019, 2020, 2024])
def test_no_valid_proposal_crashes_in_any_year(vintage):
    """A property over generated proposals: every region of every year 2005–2026 has either a
    population or the «.» note, the regions add up to Norway, and the history has every year."""
    rng = np.random.default_rng(vintage)
    for number in range(2):
        p = _random_proposal(rng, vintage, number)
        for year in YEARS:
            kf = key_figures(p, year)
            table = kf.table.set_index("region")
            assert table["folkemengde"].sum() == population.national_population(year)
            for region in table.index[table["folkemengde"].isna()]:
                marks = kf.notes[(kf.notes["region"] == region) & (kf.notes["figur"] == "folkemengde")]
                assert marks["tegn"].tolist() == ["."], (p.id, year, region)
        hist = population_history(p)
        assert len(hist) == len(YEARS) * (len(p.regions) + 1)


def test_every_command_shows_an_empty_region_without_a_traceback():
    """`table` (CSV: empty cell; Markdown: «.»), `history` and `score` of the held-out proposal
    in 2021, when Haram has no kommune of its own."""
    from conftest import cli_main

    def run(*args):
        done = cli_main(*args)
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
        return done.stdout

    csv = run("table", str(HELD_OUT), "--year", "2021", "--format", "csv").splitlines()
    haram = next(line for line in csv if line.startswith("Haram,"))
    assert haram.startswith("Haram,1580,0,,")
    markdown = run("table", str(HELD_OUT), "--year", "2021", "--format", "markdown")
    row = next(line for line in markdown.splitlines() if line.startswith("| Haram"))
    assert [c.strip() for c in row.split("|")][3:5] == ["0", "."]
    history = run("history", str(HELD_OUT), "--region", "Haram", "--format", "csv")
    assert "Haram,2021,,," in history and "Haram,2024,9357," in history
    run("score", str(HELD_OUT), "--year", "2021")


def _page_texts(pdf: Path) -> list[list[str]]:
    """Each page's lines of text, without the running header and the page number."""
    import re
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = []
    for page in text.split("\f"):
        lines = [re.sub(r"\s+", " ", line.strip()) for line in page.splitlines() if line.strip()]
        pages.append([line for line in lines
                      if not re.match(r"^(Vedlegg \d+: .* \d\d\.\d\d\.\d{4}|Side \d+ av \d+)$", line)])
    return pages


@pytest.mark.slow
def test_appendices_of_a_region_without_kommuner_read_as_a_reader_expects(tmp_path):
    """The held-out proposal built for 2020 (Haram has no kommune of its own that year): every
    appendix builds; Haram's says why in words, with «.» and no empty table; the losing and the
    gaining region name each other; no page holds only a heading (or only the title block)."""
    from regionanalyse.pipeline.build import build_proposal

    proposal = load(str(HELD_OUT))
    assert build_proposal(proposal, 2020, ("pdf",), tmp_path, jobs=2)
    folder = tmp_path / proposal.id
    haram = "\n".join(sum(_page_texts(folder / "vedlegg-01-haram.pdf"), []))
    assert "Ingen kommune i 2020-inndelingen telles i regionen: Ålesund (1507), med 9 135 av" in haram
    assert "Fylker og kommuner i regionen (2024-inndelingen): Møre og Romsdal" in haram and "Tabell 2." not in haram
    rest = "\n".join(sum(_page_texts(folder / "vedlegg-02-sunnmore-og-romsdal.pdf"), []))
    assert "Ålesund (1507) ble senere delt mellom regionene" in rest.replace("\n", " ")
    for pdf in sorted(folder.glob("vedlegg-*.pdf")):
        if pdf.name == "vedlegg.pdf":
            continue
        for number, lines in enumerate(_page_texts(pdf)[:-1], 1):
            headings = [line for line in lines if re.match(r"^\d+\. [A-ZÆØÅ]", line)]
            assert len(lines) > len(headings) + 0, (pdf.name, number, lines)
            assert not (number == 1 and len(lines) <= 6 and "1. Nøkkeltall" not in lines), \
                (pdf.name, "title page alone", lines)


def test_the_losing_region_says_what_it_does_not_count():
    """Buskerud of a 2019 proposal, read for 2024: Røyken and Hurum are in Asker (3203), counted
    with Asker og Bærum. Its key table says so under the population, with the people."""
    from regionanalyse.appendix.region import RegionReport

    fylker = list(codes.fylke_codes(2019)["fylkesnummer"])
    proposal = Proposal(id="buskerud-2019", name="Buskerud-test", vintage=2019, source="test",
                        regions=(Region("Buskerud", ("06",)),
                                 Region("Asker og resten", tuple(f for f in fylker if f != "06"))))
    page = RegionReport(proposal, "Buskerud", 2024).key_table().data
    assert "ikke med i tallene for 2024: Asker (3203), med 32\u00a0156 av regionens innbyggere 1. " \
           "januar 2019 (tidligere Røyken, Hurum), er talt med i Asker og resten" in page.replace("\n", " ")
