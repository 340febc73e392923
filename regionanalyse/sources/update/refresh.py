"""`data update`: fetch, check, report and switch in a refreshed data set, or change nothing.

The new set is written beside the current one (a copy with the refreshed files replaced),
checked — by the checks below and by the package's own loaders run on it in a separate
process — and only then switched in (`datasets.activate`). Any fault or failed check removes
the staged folder: the data in use are untouched.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable

import pandas as pd

from ...errors import DataError
from .. import datasets, fetch
from ..cache import read_csv_codes
from ..codes import CODE_FILE
from ..labour import BA_FILES
from ..population import FYLKE_FILE, KOMMUNE_FILE
from . import codelist, klass, ssb

SOURCE_NAMES = ("koder", "befolkning")
FIRST_YEAR = 2005
AGES = list(ssb.AGE_GROUPS)


class RefusedError(DataError):
    """The fetched data failed a check; nothing was changed."""


@dataclass
class Report:
    """What an update found: new years, code changes, revised figures, and the set written."""
    sources: list[str]
    new_years: list[int] = field(default_factory=list)
    code_notes: list[str] = field(default_factory=list)
    ba_notes: list[str] = field(default_factory=list)
    revised: pd.DataFrame = field(default_factory=pd.DataFrame)
    changed_files: list[str] = field(default_factory=list)
    affected: list[str] | None = None
    set_name: str | None = None
    dry_run: bool = False

    def lines(self) -> list[str]:
        """The change report in bokmål, one line each."""
        if self.sources == ["ba"]:
            out = [f"BA-endring: {n}" for n in self.ba_notes] or ["BA-endringer: ingen"]
        else:
            out = [f"Nye år: {', '.join(map(str, self.new_years)) or 'ingen'}"]
            out += [f"Kodeendring: {n}" for n in self.code_notes] or ["Kodeendringer: ingen"]
        if self.revised.empty:
            if self.sources != ["ba"]:
                out.append("Reviderte tall: ingen")
        else:
            out.append(f"Reviderte tall: {len(self.revised)} kommune-år, bl.a.:")
            for r in self.revised.head(20).itertuples(index=False):
                out.append(f"  {r.aar} {r.kommunenummer} {r.kommunenavn}: "
                           f"{_n(r.gammel)} → {_n(r.ny)} ({_signed(r.ny - r.gammel)})")
        out.append(f"Endrede filer: {', '.join(self.changed_files) or 'ingen'}")
        if self.affected is not None:
            out.append("Innebygde forslag med endret befolkningsutvikling (vedleggene bygges på "
                       f"nytt): {', '.join(self.affected) or 'ingen'}")
        if self.dry_run:
            out.append("Prøvekjøring (--dry-run): ingenting er endret.")
        elif self.set_name:
            out.append(f"Nytt datasett i bruk: {self.set_name}")
        else:
            out.append("Ingen endringer: datasettet i bruk er beholdt.")
        return out


def _n(value) -> str:
    return f"{int(value):,}".replace(",", "\u00a0")


def _signed(value) -> str:
    return ("+" if value > 0 else "−") + _n(abs(value))


def update(sources: list[str], home: Path, raw_dir: Path, *, dry_run: bool = False,
           ssb_base: str | None = None, klass_base: str | None = None,
           pause: float | None = None, today: date | None = None,
           compare: Callable[[Path, Path], list[str]] | None = None) -> Report:
    """Refresh `sources` (koder, befolkning) from KLASS and SSB into a new set in `home`,
    based on the set in `raw_dir`; switch to it unless `dry_run`. See the module docstring.
    `compare(old, new)`, if given, names the built-in proposals the new set changes;
    `pause` (seconds between SSB calls) overrides the one SSB's /config gives."""
    unknown = sorted(set(sources) - set(SOURCE_NAMES))
    if unknown:
        raise DataError(f"ukjent kilde {', '.join(unknown)}; kan oppdateres: "
                        f"{', '.join(SOURCE_NAMES)}, og ba med --fil (kart og NAV-tall "
                        "oppdateres ikke herfra)")
    sources = [s for s in SOURCE_NAMES if s in (sources or SOURCE_NAMES)]
    ssb_base, klass_base = ssb_base or ssb.base_url(), klass_base or klass.base_url()
    raw_dir = Path(raw_dir)
    report = Report(sources=sources, dry_run=dry_run)
    retrieved = datetime.now(timezone.utc).isoformat(timespec="seconds")
    provenance = {}
    old_codes = read_csv_codes(raw_dir / CODE_FILE, ["kommunenummer", "fylkesnummer",
                                                     "etterfolger_kommunenummer",
                                                     "etterfolger_vekt_csdata"])
    codes_table = old_codes
    ssb_years = ssb.table_years(ssb_base) if "befolkning" in sources else []
    if "koder" in sources:
        last = max(ssb_years) if ssb_years else (today or date.today()).year
        codes_table, notes, urls = _refresh_codes(old_codes, last, klass_base)
        report.code_notes = notes
        provenance[CODE_FILE] = {"url": klass_base, "query": urls, "retrieved": retrieved,
                                 "licence": klass.LICENCE, "source": klass.SOURCE}
    files = {CODE_FILE: codes_table} if "koder" in sources else {}
    if "befolkning" in sources:
        years = [y for y in ssb_years if y >= FIRST_YEAR]
        cells, wait = ssb.limits(ssb_base)
        kommune, fylke, queries = _refresh_population(codes_table, years, ssb_base, cells,
                                                      wait if pause is None else pause)
        old = read_csv_codes(raw_dir / KOMMUNE_FILE, ["kommunenummer", "fylkesnummer"])
        report.new_years = sorted(set(kommune["aar"]) - set(old["aar"]))
        report.revised = _revised(old, kommune)
        files[KOMMUNE_FILE], files[FYLKE_FILE] = kommune, fylke
        for name in (KOMMUNE_FILE, FYLKE_FILE):
            provenance[name] = {"url": f"{ssb_base}/tables/{ssb.TABLE}/data",
                                "query": queries, "retrieved": retrieved,
                                "licence": ssb.LICENCE, "source": ssb.SOURCE}
    return _switch(home, raw_dir, files, provenance, report, compare)


def update_ba(home: Path, raw_dir: Path, year: int, source: str, *, dry_run: bool = False,
              compare: Callable[[Path, Path], list[str]] | None = None) -> Report:
    """Replace the BA-region file of code year `year` (2020 or 2024) by the CSV at `source`
    (a path or an http(s) URL), with the same columns; checked like the shipped file (every
    kommune of the year once, codes valid) and switched in whole, or nothing changes."""
    name = BA_FILES.get(int(year))
    if name is None:
        raise DataError(f"BA-år {year}: kan bare erstatte {', '.join(map(str, BA_FILES))}")
    if str(source).startswith(("http://", "https://")):
        content = fetch.get_bytes("BA-regioner", str(source))
    else:
        try:
            content = Path(source).read_bytes()
        except OSError as exc:
            raise DataError(f"{source}: kan ikke leses ({exc.strerror or exc})") from exc
    try:
        new = pd.read_csv(io.BytesIO(content), dtype=str, encoding="utf-8")
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise RefusedError(f"{source}: ikke en CSV-fil i UTF-8 ({exc}); ingenting er endret") from exc
    old = pd.read_csv(Path(raw_dir) / name, dtype=str)
    if list(new.columns) != list(old.columns):
        raise RefusedError(f"{source}: kolonnene må være {', '.join(old.columns)}; ingenting er "
                           "endret")
    report = Report(sources=["ba"], dry_run=dry_run)
    before = old.set_index("kommunenummer")["ba_navn"]
    after = new.drop_duplicates("kommunenummer").set_index("kommunenummer")["ba_navn"]
    for code in sorted(set(before.index) | set(after.index)):
        a, b = before.get(code), after.get(code)
        if a != b:
            report.ba_notes.append(f"{code}: {a or '–'} → {b or '–'}")
    provenance = {name: {"url": str(source), "query": [], "licence": "oppgitt av brukeren",
                         "retrieved": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                         "source": "BA-regioner (TØI/NIBR), fil oppgitt til data update"}}
    return _switch(home, raw_dir, {name: content}, provenance, report, compare)


def _switch(home: Path, raw_dir: Path, files: dict, provenance: dict, report: Report,
            compare: Callable[[Path, Path], list[str]] | None) -> Report:
    """Write `files` (name → table or bytes) into a copy of `raw_dir` beside it, check it,
    and make it the active set unless the report is a dry run; on any fault remove the copy."""
    staging = datasets.stage(home, raw_dir)
    try:
        for name, content in files.items():
            if isinstance(content, bytes):
                (staging / name).write_bytes(content)
            else:
                content.to_csv(staging / name, index=False, lineterminator="\n")
        report.changed_files = [n for n in files
                                if datasets.sha256(staging / n) != datasets.sha256(raw_dir / n)]
        if not report.changed_files:
            return report
        known = datasets.provenance(raw_dir)
        name = datasets.staged_name(staging)
        known.update({n: {**provenance[n], "set": name} for n in report.changed_files})
        (staging / datasets.PROVENANCE).write_text(json.dumps(known, indent=1, ensure_ascii=False),
                                                   encoding="utf-8")
        verify(staging)
        if compare is not None:
            report.affected = compare(raw_dir, staging)
        if report.dry_run:
            return report
        report.set_name = datasets.activate(home, staging, report.changed_files,
                                            previous=datasets.set_name(raw_dir, home))
        return report
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _refresh_codes(table: pd.DataFrame, until: int, base: str):
    """The code list checked against KLASS for its last year and extended to `until`."""
    last = int(table["siste_aar_1jan"].max())
    now, url = klass.codes_at(base, klass.KOMMUNER, f"{last}-01-01")
    urls = [url]
    listed = set(table["kommunenummer"][table["siste_aar_1jan"] == last])
    if set(now) != listed:
        extra, gone = sorted(set(now) - listed), sorted(listed - set(now))
        raise RefusedError(f"KLASS og kodelisten er uenige om kommunene 1.1.{last} (bare i KLASS: "
                           f"{', '.join(extra[:5]) or '–'}; bare i kodelisten: "
                           f"{', '.join(gone[:5]) or '–'}); ingenting er endret")
    notes = []
    for year in range(last + 1, until + 1):
        kommuner, u1 = klass.codes_at(base, klass.KOMMUNER, f"{year}-01-01")
        fylker, u2 = klass.codes_at(base, klass.FYLKER, f"{year}-01-01")
        changes, u3 = klass.changes(base, klass.KOMMUNER, f"{year - 1}-01-02", f"{year}-01-02")
        urls += [u1, u2, u3]
        try:
            table, more = codelist.extend(table, year, kommuner, fylker, changes)
        except DataError as exc:
            raise RefusedError(f"{exc}; ingenting er endret") from exc
        notes += more
    return table, notes, urls


def _refresh_population(codes_table: pd.DataFrame, years: list[int], base: str, cells: int,
                        pause: float):
    """Kommune and fylke files for `years` from SSB, checked: every kommune of each year, the
    kommuner summing to SSB's national figure and to SSB's fylke figures."""
    last = int(codes_table["siste_aar_1jan"].max())
    beyond = [y for y in years if y > last]
    if beyond:
        raise RefusedError(f"SSB har folkemengde for {beyond[0]}, men kodelisten slutter i {last}:"
                           " oppdater kodene samme gang (`regionanalyse data update koder "
                           "befolkning`); ingenting er endret")
    kommune_rows, fylke_rows, queries = [], [], []
    for year in years:
        valid = codes_table[(codes_table["forste_aar_1jan"] <= year)
                            & (codes_table["siste_aar_1jan"] >= year)]
        fylker = sorted(set(valid["fylkesnummer"]))
        regions = ["0", *fylker, *valid["kommunenummer"]]
        table, sent = ssb.fetch_year(base, year, regions, cells, pause)
        queries += sent
        table = table.set_index("region")
        k = valid[["kommunenummer", "kommunenavn", "fylkesnummer", "fylkesnavn"]].join(
            table, on="kommunenummer")
        sums = k.groupby("fylkesnummer")[["folkemengde", *AGES]].sum()
        national = table.loc["0", "folkemengde"]
        if int(k["folkemengde"].sum()) != int(national):
            raise RefusedError(f"SSB {year}: kommunene summerer til {_n(k['folkemengde'].sum())}, "
                               f"men landstallet er {_n(national)}; ingenting er endret")
        for f in fylker:
            if not (sums.loc[f] == table.loc[f, ["folkemengde", *AGES]]).all():
                raise RefusedError(f"SSB {year}: kommunene i fylke {f} summerer ikke til SSBs "
                                   "fylkestall; ingenting er endret")
        kommune_rows.append(k.assign(aar=year).sort_values("kommunenummer"))
        names = valid.drop_duplicates("fylkesnummer").set_index("fylkesnummer")["fylkesnavn"]
        fylke_rows.append(pd.DataFrame({
            "aar": year, "fylkesnummer": fylker, "fylkesnavn": names.loc[fylker].to_numpy(),
            "antall_kommuner": valid.groupby("fylkesnummer").size().loc[fylker].to_numpy(),
            **{c: table.loc[fylker, c].to_numpy() for c in ["folkemengde", *AGES]}}))
    kommune = pd.concat(kommune_rows, ignore_index=True)[
        ["aar", "kommunenummer", "kommunenavn", "fylkesnummer", "folkemengde", *AGES]]
    return kommune, pd.concat(fylke_rows, ignore_index=True), queries


def _revised(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Kommune-years in both files whose population differs; a row of `old` missing from
    `new` refuses the update (no row may be lost)."""
    both = old.merge(new, on=["aar", "kommunenummer"], how="left", suffixes=("", "_ny"),
                     indicator=True)
    lost = both[both["_merge"] == "left_only"]
    if not lost.empty:
        r = lost.iloc[0]
        raise RefusedError(f"{len(lost)} kommune-år fra dagens data mangler i de nye, bl.a. "
                           f"{r['kommunenummer']} i {r['aar']}; ingenting er endret")
    changed = both[both["folkemengde"] != both["folkemengde_ny"]]
    return pd.DataFrame({"aar": changed["aar"], "kommunenummer": changed["kommunenummer"],
                         "kommunenavn": changed["kommunenavn"], "gammel": changed["folkemengde"],
                         "ny": changed["folkemengde_ny"]}).reset_index(drop=True)


def verify(folder: Path) -> None:
    """Load the set in `folder` with the package's own loaders in a separate process (they read
    the raw folder once, at import); a failure refuses the update."""
    env = {**os.environ, "REGIONANALYSE_RAW": str(folder),
           "REGIONANALYSE_PROCESSED": str(Path(folder) / ".verify-cache")}
    done = subprocess.run([sys.executable, "-m", "regionanalyse.sources.update.verify"],
                          capture_output=True, text=True, env=env, timeout=600)
    shutil.rmtree(Path(folder) / ".verify-cache", ignore_errors=True)
    if done.returncode != 0:
        message = (done.stderr.strip().splitlines() or ["ukjent feil"])[-1]
        raise RefusedError(f"de nye dataene består ikke kontrollene: {message}; ingenting er endret")
