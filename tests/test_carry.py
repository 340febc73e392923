"""Issue 17 item 3: an older proposal carried forward to a later kommune structure.

Real 2019 → 2024 changes (nav-2019-12: Volda with Hornindal, Drammen with Svelvik, Heim,
Tjeldsund; fylker-2020: the Ålesund/Haram split of 2024). The people counts are read from the
raw population file with pandas here, not through the package. The merger that arrives as
data (the stand-in's 1811 + 1812 → 1899 in 2027) is in tests/test_dataupdate.py.
"""
from __future__ import annotations

import pandas as pd
import pytest
import yaml

from regionanalyse.config import SHIPPED_RAW_DIR
from regionanalyse.errors import ProposalError
from regionanalyse.indicators.keyfigures import key_figures
from regionanalyse.model import load
from regionanalyse.territory.carry import carry_forward
from tests.conftest import cli_main

STRADDLING = {"1577": "Volda", "3301": "Drammen", "5055": "Heim", "5512": "Tjeldsund"}


def people(year: int) -> pd.Series:
    pop = pd.read_csv(SHIPPED_RAW_DIR / "befolkning_kommune_1jan_2005_2026_ssb07459.csv",
                      dtype={"kommunenummer": str})
    return pop[pop["aar"] == year].set_index("kommunenummer")["folkemengde"]


def test_what_moved_from_2019_to_2024():
    result = carry_forward(load("nav-2019-12"), 2024)
    assert ("slått sammen: Hornindal (1444), Volda (1519) → Volda (1577) "
            "(i regionene NAV Vestland og NAV Møre og Romsdal)") in result.changes
    assert any(line.startswith("slått sammen og delt: Halsa (1571)") for line in result.changes)
    renumbered = result.changes[-1]
    assert renumbered.startswith("nytt kommunenummer, ellers uendret: 203 kommuner (0101 → 3101")
    assert {s.code: s.name for s in result.straddling} == STRADDLING
    volda = next(s for s in result.straddling if s.code == "1577")
    p19 = people(2019)
    assert dict(volda.people) == {"NAV Møre og Romsdal": p19["1519"], "NAV Vestland": p19["1444"]}
    drammen = dict(next(s for s in result.straddling if s.code == "3301").people)
    assert drammen["NAV Vestfold og Telemark"] == p19["0711"]  # Svelvik
    assert drammen["NAV Vest-Viken"] == p19["0602"] + p19["0625"]
    assert result.proposal is None  # nobody has decided where the four go


def test_carried_by_majority_counts_as_the_original_in_2024_and_2026():
    original = load("nav-2019-12")
    carried = carry_forward(original, 2024, majority=True).proposal
    assert carried.vintage == 2024 and carried.id == "nav-2019-12-til-2024"
    assert "Volda (1577) i NAV Møre og Romsdal (flertallet)" in carried.note
    assert carried.region("NAV Vestland").members == ("46",)
    assert carried.region("NAV Møre og Romsdal").seat == "Molde"
    for year in (2024, 2026):
        a = key_figures(original, year).table.set_index("region")
        b = key_figures(carried, year).table.set_index("region")
        for col in ("folkemengde", "antall_kommuner", "areal_km2"):
            assert (a[col] == b[col]).all(), (year, col)


def test_a_placement_moves_the_whole_kommune():
    original = load("nav-2019-12")
    carried = carry_forward(original, 2024, {"1577": "NAV Vestland"}, majority=True).proposal
    a = key_figures(original, 2024).table.set_index("region")["folkemengde"]
    b = key_figures(carried, 2024).table.set_index("region")["folkemengde"]
    volda = people(2024)["1577"]
    assert b["NAV Vestland"] - a["NAV Vestland"] == volda
    assert a["NAV Møre og Romsdal"] - b["NAV Møre og Romsdal"] == volda
    assert "Volda (1577) i NAV Vestland;" in carried.note  # decided, not «flertallet»
    with pytest.raises(ProposalError, match="har ikke land i regionen"):
        carry_forward(original, 2024, {"1577": "NAV Oslo"})
    with pytest.raises(ProposalError, match="ligger i flere regioner"):
        carry_forward(original, 2024, {"0301": "NAV Oslo"})
    with pytest.raises(ProposalError, match="kan bare føres fram"):
        carry_forward(original, 2016)


def test_alesund_split_2024_and_fylke_codes_of_the_new_year():
    result = carry_forward(load("fylker-2020"), 2024)
    assert result.changes[0] == ("delt: Ålesund (1507) → Ålesund (1508), Haram (1580) "
                                 "(i Møre og Romsdal)")
    assert result.straddling == ()
    regions = {r.name: r.members for r in result.proposal.regions}
    assert regions["Viken"] == ("31", "32", "33") and regions["Møre og Romsdal"] == ("15",)


def test_cli_refuses_to_write_until_decided(tmp_path):
    out = tmp_path / "ny.yaml"
    refused = cli_main("validate", "nav-2019-12", "--til", "2024", "--skriv", str(out))
    assert refused.returncode == 1 and not out.exists()
    assert "Volda (1577), Drammen (3301), Heim (5055), Tjeldsund (5512) har land i flere" \
        in refused.stderr and "--plasser" in refused.stderr
    assert "Volda (1577): 9\u00a0197 i NAV Møre og Romsdal, 1\u00a0152 i NAV Vestland" in refused.stdout
    done = cli_main("validate", "nav-2019-12", "--til", "2024", "--skriv", str(out),
                   "--plasser", "3301=NAV Vestfold og Telemark", "--flertall")
    assert done.returncode == 0, done.stderr
    written = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert written["vintage"] == 2024
    assert "Drammen (3301) i NAV Vestfold og Telemark;" in written["note"]
    assert cli_main("validate", str(out)).returncode == 0
    again = cli_main("validate", "nav-2019-12", "--til", "2024", "--skriv", str(out), "--flertall")
    assert again.returncode == 1 and "finnes allerede" in again.stderr
    alone = cli_main("validate", "nav-2019-12", "--flertall")
    assert alone.returncode == 1 and "hører til --til" in alone.stderr
    bad = cli_main("validate", "nav-2019-12", "--til", "2024", "--plasser", "<script>")
    assert bad.returncode == 1 and "KOMMUNENUMMER=REGION" in bad.stderr
    assert "Traceback" not in bad.stderr + alone.stderr + refused.stderr


def test_hostile_names_are_carried_verbatim_and_inert(tmp_path):
    """Names with {{ }}, <script>, = and .. reach the written YAML as the same text (safe
    dumper, read back with the safe loader) and the messages without a traceback."""
    from tests.test_safety_writers import NAMES, hostile_yaml

    source = hostile_yaml(tmp_path)
    out = tmp_path / "ut.yaml"
    done = cli_main("validate", str(source), "--til", "2024", "--skriv", str(out), "--flertall")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    written = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert [r["name"] for r in written["regions"]] == list(NAMES)
    assert cli_main("validate", str(out)).returncode == 0
    wrong = cli_main("validate", str(source), "--til", "2024", "--plasser", f"1577={NAMES[0]}")
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr


def test_plain_validate_says_when_the_kommuner_changed_since():
    old = cli_main("validate", "nav-2019-12")
    assert old.returncode == 0
    assert "merk: 311 av forslagets kommuner er slått sammen, delt eller har fått nytt nummer " \
           "fra 2019 til 2026" in old.stdout
    assert "merk:" not in cli_main("validate", "fylker-2024").stdout  # none since 2024
