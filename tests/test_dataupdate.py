"""`regionanalyse data status/update` against a local stand-in for SSB and KLASS
(tests/fakeapi.py), never the network. The stand-in serves the shipped data plus a constructed year 2027 (each 2026
kommune + 7 persons aged 16–66, and a constructed merger: 1811 Bindal and 1812 Sømna become
1899 «Sør-Helgeland») and one revised figure (Oslo 1.1.2016 + 10)."""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys

import pandas as pd
import yaml
import pytest

from fakeapi import (CODE_FILE, KOMMUNE_FILE, MERGED, FakeAPI, Truth, closed_port_url,
                     constructed_truth)
from regionanalyse.config import SHIPPED_RAW_DIR, active_set
from regionanalyse.errors import DataError
from regionanalyse.sources import datasets, fetch
from regionanalyse.sources.update import refresh

ROOT = SHIPPED_RAW_DIR.parents[1]


def _tree(folder):
    """Every file under `folder` with its SHA-256 (the state a failed update must keep)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def truth_dir(tmp_path_factory):
    return constructed_truth(SHIPPED_RAW_DIR, tmp_path_factory.mktemp("truth"))


@pytest.fixture(scope="module")
def api(truth_dir):
    server = FakeAPI(Truth(truth_dir)).start()
    yield server
    server.shutdown()


@pytest.fixture
def fresh(api):
    api.fault, api.calls, api.truth.national_offset = None, 0, 0
    return api


def run_update(api, home, sources=(), **kw):
    return refresh.update(list(sources), home, kw.pop("raw_dir", SHIPPED_RAW_DIR),
                          ssb_base=api.base + "/ssb", klass_base=api.base + "/klass", pause=0,
                          **kw)


@pytest.fixture(scope="module")
def updated(api, tmp_path_factory):
    """A data folder after one update from the stand-in, and its report."""
    home = tmp_path_factory.mktemp("home")
    api.fault, api.calls, api.posts = None, 0, 0
    report = run_update(api, home)
    report.posts = api.posts  # data calls made
    return home, report


def cli(home, *args):
    env = {**os.environ, "REGIONANALYSE_DATA": str(home),
           "REGIONANALYSE_PROCESSED": str(home / "processed")}
    env.pop("REGIONANALYSE_RAW", None)
    return subprocess.run([sys.executable, "-m", "regionanalyse.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=600)


def test_update_adds_a_year_and_reports_the_revised_figure(updated, truth_dir):
    home, report = updated
    assert report.new_years == [2027]
    # each year's kommuner + fylker + Norway × 106 ages, split under the stand-in's 20 000 cells
    codes = pd.read_csv(truth_dir / CODE_FILE, dtype=str).astype(
        {"forste_aar_1jan": int, "siste_aar_1jan": int})
    per_call = 20_000 // 106
    calls = 0
    for year in range(2005, 2028):
        valid = codes[(codes["forste_aar_1jan"] <= year) & (codes["siste_aar_1jan"] >= year)]
        calls += -(-(len(valid) + valid["fylkesnummer"].nunique() + 1) // per_call)
    assert report.posts == calls and calls > 23
    assert report.changed_files == [CODE_FILE, KOMMUNE_FILE, refresh.FYLKE_FILE]
    shipped = pd.read_csv(SHIPPED_RAW_DIR / KOMMUNE_FILE, dtype={"kommunenummer": str})
    oslo_2016 = int(shipped.query("aar == 2016 and kommunenummer == '0301'")["folkemengde"].iloc[0])
    assert report.revised[["aar", "kommunenummer", "gammel", "ny"]].values.tolist() == [
        [2016, "0301", oslo_2016, oslo_2016 + 10]]
    text = "\n".join(report.lines())
    assert "Nye år: 2027" in text and f"2016 0301 Oslo-Oslove" in text and "+10" in text
    folder = active_set(home)
    assert folder is not None and folder.name == report.set_name
    new = pd.read_csv(folder / KOMMUNE_FILE, dtype={"kommunenummer": str})
    assert len(new[new["aar"] == 2027]) == 356 and "1899" in set(new["kommunenummer"])
    assert report.code_notes == ["1811 Bindal opphørte; etterfølger 1899",
                                 "1812 Sømna opphørte; etterfølger 1899",
                                 "ny kommune 1899 Sør-Helgeland fra 2027"]
    listed = pd.read_csv(folder / CODE_FILE, dtype=str).set_index("kommunenummer")
    assert listed.loc["1811", "siste_aar_1jan"] == "2026"
    assert listed.loc["1811", "etterfolger_kommunenummer"] == "1899"
    assert listed.loc["1899", ["forste_aar_1jan", "siste_aar_1jan"]].tolist() == ["2027", "2027"]
    # every other kommune-year is the shipped figure, row for row
    same = new[new["aar"] <= 2026].reset_index(drop=True)
    assert (same["folkemengde"] - shipped["folkemengde"]).abs().sum() == 10
    provenance = json.loads((folder / datasets.PROVENANCE).read_text(encoding="utf-8"))
    assert provenance[KOMMUNE_FILE]["url"].endswith("/ssb/tables/07459/data")
    assert provenance[KOMMUNE_FILE]["licence"].startswith("CC BY 4.0")
    assert provenance[CODE_FILE]["query"][0].endswith("codesAt?date=2026-01-01")
    sums = dict(line.split()[::-1] for line in (folder / "SHA256SUMS").read_text().splitlines())
    assert sums == datasets.checksums(folder)


def test_new_year_and_merger_flow_through_history_and_table(updated):
    home, _ = updated
    hist = cli(home, "history", "nav-2016-11", "--format", "csv")
    assert hist.returncode == 0, hist.stderr
    table = pd.read_csv(io.StringIO(hist.stdout)).set_index(["region", "aar"])["folkemengde"]
    assert table["Norge"].index.max() == 2027
    assert table["Norge"][2027] - table["Norge"][2026] == 7 * 357
    assert table["Nordland"][2027] - table["Nordland"][2026] == 7 * 41  # Nordland's kommuner 2026
    figures = {}
    for year in (2026, 2027):
        tab = cli(home, "table", "nav-2016-11", "--year", str(year))
        assert tab.returncode == 0, tab.stderr
        figures[year] = pd.read_csv(io.StringIO(tab.stdout), dtype={"members": str}).set_index(
            "region")
    assert figures[2026].at["Nordland", "antall_kommuner"] == 41
    assert figures[2027].at["Nordland", "antall_kommuner"] == 40
    assert figures[2027].at["Nordland", "areal_km2"] == figures[2026].at["Nordland", "areal_km2"]
    status = cli(home, "data", "status", "--format", "json")
    rows = {r["fil"]: r for r in json.loads(status.stdout)}
    assert rows[KOMMUNE_FILE]["aar"] == "2005–2027"
    assert rows[KOMMUNE_FILE]["datasett"] == active_set(home).name
    assert rows["ba_regioner_2024_kommuner.csv"]["datasett"] == "levert"


@pytest.mark.parametrize("fault, words", [
    ("nonetwork", "kan ikke nås"), ("timeout", "tidsfristen"), ("429", "HTTP 429"),
    ("503", "HTTP 503"), ("shape", "uventet svar"), ("half", "avbrutt"),
])
def test_network_fault_changes_nothing(fresh, updated, monkeypatch, fault, words):
    home, _ = updated
    before = _tree(home)
    monkeypatch.setenv("REGIONANALYSE_HTTP_TIMEOUT", "1")
    fresh.fault = fault
    kind = "koder" if fault == "half" else "befolkning"  # the half body is a KLASS answer
    base = closed_port_url() if fault == "nonetwork" else fresh.base
    with pytest.raises(fetch.FetchError) as err:
        refresh.update([kind], home, active_set(home), ssb_base=base + "/ssb",
                       klass_base=base + "/klass", pause=0)
    assert words in str(err.value) and "Ingen data er endret" in str(err.value)
    assert err.value.source.startswith("SSB" if kind == "befolkning" else "KLASS")
    assert _tree(home) == before


def test_retry_after_is_honoured(fresh, tmp_path):
    fresh.fault = "429-once"
    report = run_update(fresh, tmp_path, ["koder"], today=pd.Timestamp("2026-12-04").date())
    assert fresh.calls == 2 and report.changed_files == [] and active_set(tmp_path) is None


def test_update_refused_by_the_national_figure_changes_nothing(fresh, updated):
    home, _ = updated
    before = _tree(home)
    fresh.truth.national_offset = 1
    with pytest.raises(refresh.RefusedError, match="landstallet"):
        run_update(fresh, home, raw_dir=active_set(home))
    assert _tree(home) == before


def test_a_set_the_loaders_reject_is_refused(tmp_path):
    for path in SHIPPED_RAW_DIR.iterdir():
        shutil.copy2(path, tmp_path / path.name)
    pop = (tmp_path / KOMMUNE_FILE).read_text().splitlines(keepends=True)
    lost = [i for i, line in enumerate(pop) if line.startswith("2016,0301,")]
    (tmp_path / KOMMUNE_FILE).write_text("".join(p for i, p in enumerate(pop) if i not in lost))
    with pytest.raises(refresh.RefusedError, match="1 kommuner i 2016 mangler"):
        refresh.verify(tmp_path)


def test_rollback_restores_the_previous_checksums(fresh, tmp_path):
    first = run_update(fresh, tmp_path)
    first_sums = datasets.checksums(active_set(tmp_path))
    fresh.truth.regions[("0301", 2020)]["alder_0_15"] += 3  # SSB revises once more
    fresh.truth.regions[("03", 2020)]["alder_0_15"] += 3
    fresh.truth.regions[("0", 2020)]["alder_0_15"] += 3
    try:
        second = run_update(fresh, tmp_path, raw_dir=active_set(tmp_path))
    finally:
        for key in [("0301", 2020), ("03", 2020), ("0", 2020)]:
            fresh.truth.regions[key]["alder_0_15"] -= 3
    assert second.revised["kommunenummer"].tolist() == ["0301"] and second.new_years == []
    assert active_set(tmp_path).name == second.set_name
    fetched_into = datasets.status(active_set(tmp_path), tmp_path).set_index("fil")["datasett"]
    assert fetched_into[CODE_FILE] == first.set_name and second.changed_files == [
        KOMMUNE_FILE, refresh.FYLKE_FILE]
    assert fetched_into[KOMMUNE_FILE] == second.set_name
    done = cli(tmp_path, "data", "update", "--rollback")
    assert done.returncode == 0, done.stderr
    assert active_set(tmp_path).name == first.set_name
    assert datasets.checksums(active_set(tmp_path)) == first_sums
    assert cli(tmp_path, "data", "update", "--rollback").returncode == 0
    assert active_set(tmp_path) is None  # back to the shipped snapshot
    status = json.loads(cli(tmp_path, "data", "status", "--format", "json").stdout)
    shipped = dict(line.split()[::-1] for line in
                   (SHIPPED_RAW_DIR / "SHA256SUMS").read_text().splitlines())
    assert all(r["sha256"] == shipped[r["fil"]] and r["datasett"] == "levert" for r in status)
    again = cli(tmp_path, "data", "update", "--rollback")
    assert again.returncode == 1 and "ingen oppdatering å rulle tilbake" in again.stderr


def test_dry_run_on_the_command_line_reports_and_changes_nothing(fresh, tmp_path):
    env = {"REGIONANALYSE_SSB_URL": fresh.base + "/ssb",
           "REGIONANALYSE_KLASS_URL": fresh.base + "/klass", "REGIONANALYSE_SSB_PAUSE": "0"}
    done = subprocess.run([sys.executable, "-m", "regionanalyse.cli", "data", "update",
                           "--dry-run"],
                          capture_output=True, text=True, cwd=ROOT, timeout=900,
                          env={**os.environ, **env, "REGIONANALYSE_DATA": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert "Nye år: 2027" in done.stdout and "Prøvekjøring" in done.stdout
    builtins = "fylker-2016, fylker-2020, fylker-2024, nav-2016-11, nav-2019-12"
    assert f"(vedleggene bygges på nytt): {builtins}" in done.stdout
    assert list(tmp_path.rglob("*")) in ([], [tmp_path / "sets"])


def test_colophon_and_manifest_name_the_data_set(updated):
    home, report = updated
    code = ("import json; from regionanalyse.pipeline.plan import colophon, version_stamp; "
            "s = version_stamp('0' * 64); print(json.dumps([s['datasett'], colophon(s)]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          timeout=120, env={**os.environ, "REGIONANALYSE_DATA": str(home)})
    name, line = json.loads(done.stdout)
    assert name == report.set_name
    assert f"datagrunnlag oppdatert, datasett {report.set_name}, sha256 000000000000" in line


def test_one_update_at_a_time(tmp_path):
    with datasets.locked(tmp_path):
        with pytest.raises(DataError, match="en annen oppdatering .* pågår"):
            with datasets.locked(tmp_path):
                pass
    assert not (tmp_path / "update.lock").exists()
    (tmp_path / "update.lock").write_text("999999999")  # left by a process that is gone
    with datasets.locked(tmp_path):
        assert (tmp_path / "update.lock").read_text() == str(os.getpid())


def test_status_warns_when_the_named_set_is_missing(tmp_path):
    (tmp_path / "current").write_text("20270301T000000000000Z\n")
    done = cli(tmp_path, "data", "status", "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert "peker på datasett 20270301T000000000000Z, som ikke finnes" in done.stderr
    assert set(pd.read_csv(io.StringIO(done.stdout))["datasett"]) == {"levert"}
    refused = subprocess.run([sys.executable, "-m", "regionanalyse.cli", "data", "update"],
                             capture_output=True, text=True, cwd=ROOT, timeout=120,
                             env={**os.environ, "REGIONANALYSE_DATA": str(tmp_path),
                                  "REGIONANALYSE_RAW": str(SHIPPED_RAW_DIR)})
    assert refused.returncode == 1 and "fjern variabelen" in refused.stderr


def test_ba_file_update_is_checked_and_reported(tmp_path):
    home = tmp_path / "home"
    given = tmp_path / "ba.csv"
    lines = (SHIPPED_RAW_DIR / "ba_regioner_2024_kommuner.csv").read_text(encoding="utf-8")
    lines = lines.splitlines(keepends=True)
    i = next(i for i, line in enumerate(lines) if line.startswith("1811,"))
    moved = lines[i].split(",")
    moved[3:5] = ["999", "Testregion"]
    given.write_text("".join(lines[:i] + [",".join(moved)] + lines[i + 1:]), encoding="utf-8")
    done = cli(home, "data", "update", "ba", "--fil", str(given))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("BA-endring: 1811: Nærøysund → Testregion\nEndrede filer: "
                                  "ba_regioner_2024_kommuner.csv\n")
    folder = active_set(home)
    assert (folder / "ba_regioner_2024_kommuner.csv").read_bytes() == given.read_bytes()
    assert datasets.provenance(folder)["ba_regioner_2024_kommuner.csv"]["url"] == str(given)
    # a file without one kommune fails the shipped file's check: nothing changes
    before = _tree(home)
    given.write_text("".join(lines[:i] + lines[i + 1:]), encoding="utf-8")
    refused = cli(home, "data", "update", "ba", "--fil", str(given))
    assert refused.returncode == 1 and "1 kommuner i 2024 mangler" in refused.stderr
    assert _tree(home) == before


def test_neighbour_graph_follows_a_merger_that_arrived_as_data(updated, tmp_path):
    """1899 = 1811 + 1812 after the 2024 map layer: the kommune is the union of both polygons
    (it crashed with KeyError '1812' when each kommune had one polygon)."""
    home, _ = updated
    text = (ROOT / "regionanalyse" / "model" / "builtin" / "fylker-2024.yaml").read_text(
        encoding="utf-8").replace("vintage: 2024", "vintage: 2027")
    (tmp_path / "fylker-2027.yaml").write_text(text, encoding="utf-8")
    done = cli(home, "validate", str(tmp_path / "fylker-2027.yaml"))
    assert done.returncode == 0, done.stderr


def test_code_list_that_disagrees_with_klass_is_refused(fresh, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(SHIPPED_RAW_DIR, raw)
    lines = (raw / CODE_FILE).read_text(encoding="utf-8").splitlines(keepends=True)
    (raw / CODE_FILE).write_text("".join(l for l in lines if not l.startswith("1580,")),
                                 encoding="utf-8")
    home = tmp_path / "home"
    with pytest.raises(refresh.RefusedError, match=r"uenige om kommunene 1\.1\.2026 \(bare i "
                                                   r"KLASS: 1580; bare i kodelisten: –\)"):
        run_update(fresh, home, ["koder"], raw_dir=raw, today=pd.Timestamp("2026-12-04").date())
    assert not home.exists()


def test_a_proposal_carried_across_a_merger_that_arrived_as_data(updated, tmp_path):
    """A 2026 proposal with Bindal (1811) and Sømna (1812) in different regions, carried to
    2027 after the stand-in's merger: validate says what moved and who straddles, and writes
    the 2027 proposal only when the user decides."""
    home, _ = updated
    code_list = pd.read_csv(SHIPPED_RAW_DIR / CODE_FILE, dtype=str)
    nordland = sorted(code_list.loc[(code_list["fylkesnummer"] == "18") &
                                    (code_list["siste_aar_1jan"] == "2026"), "kommunenummer"])
    text = (ROOT / "regionanalyse" / "model" / "builtin" / "fylker-2024.yaml").read_text(
        encoding="utf-8").replace("vintage: 2024", "vintage: 2026").replace(
        'members: ["18"]', "members: [" + ", ".join(f'"{c}"' for c in nordland if c != "1811")
        + ']\n  - name: "Sør"\n    members: ["1811"]')
    source = tmp_path / "nordland-delt.yaml"
    source.write_text(text, encoding="utf-8")
    pop = pd.read_csv(SHIPPED_RAW_DIR / KOMMUNE_FILE, dtype={"kommunenummer": str})
    pop = pop[pop["aar"] == 2026].set_index("kommunenummer")["folkemengde"]
    out = tmp_path / "nordland-2027.yaml"
    refused = cli(home, "validate", str(source), "--til", "2027", "--skriv", str(out))
    assert refused.returncode == 1 and not out.exists()
    assert ("slått sammen: Bindal (1811), Sømna (1812) → Sør-Helgeland (1899) "
            "(i regionene Sør og Nordland)") in refused.stdout
    parts = sorted([(pop["1812"], "Nordland"), (pop["1811"], "Sør")], reverse=True)
    counts = ", ".join(f"{n:,}".replace(",", "\u00a0") + f" i {r}" for n, r in parts)
    assert f"Sør-Helgeland (1899): {counts}" in refused.stdout
    assert "Sør-Helgeland (1899) har land i flere regioner" in refused.stderr
    done = cli(home, "validate", str(source), "--til", "2027", "--skriv", str(out),
               "--plasser", "1899=Sør")
    assert done.returncode == 0, done.stderr
    regions = {r["name"]: r["members"] for r in yaml.safe_load(out.read_text(encoding="utf-8"))["regions"]}
    assert regions["Sør"] == ["1899"] and "1812" not in regions["Nordland"]
    assert cli(home, "validate", str(out)).returncode == 0


@pytest.mark.slow
def test_a_build_after_the_update_rebuilds_what_the_new_data_touch(updated, tmp_path):
    """Built on the shipped data, then on the updated set: every appendix of the proposal is
    rebuilt «inndata endret» for the new data (each shows the population history up to the newest year, which
    2027 extends), the 2027 figure reaches the data file, and a third build does nothing."""
    from tests.conftest import nav_cut

    home, _ = updated
    shipped = tmp_path / "shipped-home"
    shipped.mkdir()
    yaml_file = tmp_path / "oslo.yaml"
    yaml_file.write_text(nav_cut("oppdatert", "Oppdatert", "Oslo", ["03"]).to_yaml(), encoding="utf-8")
    args = ("build", str(yaml_file), "--to", "html", "--jobs", "1", "--out", str(tmp_path / "out"))
    first = cli(shipped, *args)
    assert first.returncode == 0, first.stderr
    assert first.stderr.count("(ny)") == 3
    second = cli(home, *args)
    assert second.returncode == 0, second.stderr
    rebuilt = sorted(line.split("bygger ")[1] for line in second.stderr.splitlines() if "bygger " in line)
    why = "inndata endret: rådata, datasett, årsverk-fil, parametre"  # the årsverk file is the set's
    assert rebuilt == [f"vedlegg-00-oversikt ({why})", f"vedlegg-01-oslo ({why})", f"vedlegg-02-resten ({why})"]
    page = (tmp_path / "out" / "oppdatert" / "vedlegg-01-oslo.html").read_text(encoding="utf-8")
    assert "2027" in page
    third = cli(home, *args)
    assert third.returncode == 0 and "ingenting å bygge (3 vedlegg)" in third.stderr
