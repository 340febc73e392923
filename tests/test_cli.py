"""The command line contract: exit codes, CSV columns, messages on stderr."""
import io

import pandas as pd

from tests.conftest import cli_main


def test_table_csv_contract():
    result = cli_main("table", "nav-2016-11", "--year", "2016", "--format", "csv")
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout), dtype={"members": str})
    for col in ["region", "members", "antall_kommuner", "folkemengde", "areal_km2", "navkontor",
                "navkontor_malbilde", "arsverk"]:
        assert col in table.columns
    assert len(table) == 11
    assert table["folkemengde"].sum() == 5_213_985
    assert table["navkontor"].sum() == 457
    assert table["arsverk"].isna().all()  # missing is empty, never 0
    assert table.loc[0, "members"] == "20;19"


def test_table_nav_2019_12():
    result = cli_main("table", "nav-2019-12", "--year", "2019")
    table = pd.read_csv(io.StringIO(result.stdout))
    assert len(table) == 12 and table["folkemengde"].sum() == 5_328_212


def test_proposals_and_validate_ok():
    assert "nav-2016-11" in cli_main("proposals").stdout
    assert cli_main("validate", "nav-2019-12").returncode == 0


def test_validate_bad_file_exit_1_with_message(write_yaml):
    path = write_yaml('id: x\nname: y\nvintage: 2016\nregions:\n  - name: "A & B"\n    members: ["01", "01"]\n')
    result = cli_main("validate", str(path))
    assert result.returncode == 1
    assert f"feil: {path}" in result.stderr
    assert "Traceback" not in result.stderr
    assert "koden «01» står mer enn én gang" in result.stderr  # a repeat in one region, said as such


def test_unknown_proposal_and_year():
    result = cli_main("table", "finnes-ikke")
    assert result.returncode == 1 and "ukjent forslag" in result.stderr
    result = cli_main("table", "nav-2016-11", "--year", "1999")
    assert result.returncode == 1 and "2005–2026" in result.stderr and "Traceback" not in result.stderr


def test_validate_warns_about_detached_region(tmp_path):
    import regionanalyse as ra

    path = tmp_path / "oslo_nord.yaml"
    ra.proposal("nav-2016-11").merge(["Finnmark og Troms", "Oslo"], "Oslo og Nord").to_yaml(path)
    result = cli_main("validate", str(path))
    assert result.returncode == 0, result.stderr
    assert "advarsel" in result.stderr and "«Oslo og Nord» er ikke sammenhengende" in result.stderr
    assert "Oslo" in result.stderr.split("atskilt fra resten:")[1]
    assert "advarsel" not in cli_main("validate", "nav-2019-12").stderr


def test_table_and_history_as_markdown():
    table = cli_main("table", "fylker-2024", "--year", "2024", "--format", "markdown")
    assert table.returncode == 0, table.stderr
    assert table.stdout.startswith("| region") and "| Oslo " in table.stdout
    history = cli_main("history", "fylker-2024", "--region", "Oslo", "--format", "markdown")
    assert history.returncode == 0 and "| Norge " in history.stdout
