"""A local stand-in for SSB's PxWebApi v2 (table 07459) and KLASS, on 127.0.0.1 only.

Answers are shaped as the documented ones: JSON-stat 2.0 datasets (https://json-stat.org/format/,
as PxWebApi v2's `outputFormat=json-stat2` returns them: `id`, `size`, `dimension.*.category.
index/label`, `value` in row-major order) for `/tables/07459/metadata` and POST
`/tables/07459/data` with a `selection` body of `variableCode`/`valueCodes` (SSB's PxWebApi v2
guide; the OpenAPI description's VariableSelection), `/config` with `maxDataCells`,
`maxCallsPerTimeWindow`, `timeWindow` (its ConfigResponse); KLASS's (API guide:
https://data.ssb.no/api/klass/v1/api-guide.html)
`/classifications/{id}/codesAt` (`{"codes": [{"code", "name", ...}]}`) and `/changes`
(`{"codeChanges": [{"oldCode", "oldName", "newCode", "newName", "changeOccurred", ...}]}`,
field names as in KLASS's CodeChangeItem). Errors are JSON with a `title`, as SSB's.

The figures come from a raw data folder (`truth`): single ages are not in the files, so each
age group's count is placed on its first age (0, 16, 67) and the other ages are 0 — the sums
the client forms are the file's. `fault` makes the server misbehave.
"""
from __future__ import annotations

import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd

AGES = [f"{a:03d}" for a in range(105)] + ["105+"]
GROUP_AGE = {"alder_0_15": "000", "alder_16_66": "016", "alder_67_pluss": "067"}
KOMMUNE_FILE = "befolkning_kommune_1jan_2005_2026_ssb07459.csv"
CODE_FILE = "kommuner_2005_2026_kodeliste.csv"


class Truth:
    """The data the fake APIs serve, read from a raw folder."""

    def __init__(self, folder: Path):
        self.kommune = pd.read_csv(folder / KOMMUNE_FILE, dtype={"kommunenummer": str,
                                                                 "fylkesnummer": str})
        self.codes = pd.read_csv(folder / CODE_FILE, dtype=str)
        for c in ("forste_aar_1jan", "siste_aar_1jan"):
            self.codes[c] = self.codes[c].astype(int)
        groups = list(GROUP_AGE)
        fylke = self.kommune.groupby(["aar", "fylkesnummer"], as_index=False)[groups].sum()
        land = self.kommune.groupby("aar", as_index=False)[groups].sum().assign(region="0")
        table = pd.concat([
            self.kommune.rename(columns={"kommunenummer": "region"})[["aar", "region", *groups]],
            fylke.rename(columns={"fylkesnummer": "region"}), land], ignore_index=True)
        self.regions = {(r, int(y)): dict(zip(groups, v)) for r, y, *v in
                        table[["region", "aar", *groups]].itertuples(index=False)}
        self.region_codes = {r for r, _ in self.regions}
        self.national_offset = 0

    def years(self) -> list[int]:
        return sorted(set(self.kommune["aar"]))

    def value(self, region: str, age: str, year: int):
        groups = self.regions.get((region, year))
        if groups is None:
            return None
        for group, first in GROUP_AGE.items():
            if age == first:
                extra = self.national_offset if (region == "0" and group == "alder_16_66") else 0
                return int(groups[group]) + extra
        return 0

    def valid(self, year: int) -> pd.DataFrame:
        c = self.codes
        return c[(c["forste_aar_1jan"] <= year) & (c["siste_aar_1jan"] >= year)]


def _dimension(label: str, codes: list[str]) -> dict:
    return {"label": label, "category": {"index": {c: i for i, c in enumerate(codes)},
                                         "label": {c: c for c in codes}}}


def dataset(truth: Truth, regions: list[str], years: list[int]) -> dict:
    """A JSON-stat2 dataset for ContentsCode × Region × Alder × Tid (row-major values)."""
    values = [truth.value(r, a, y) for r in regions for a in AGES for y in years]
    return {"version": "2.0", "class": "dataset",
            "label": "07459: Befolkning, etter region, alder, statistikkvariabel og år",
            "source": "Statistisk sentralbyrå", "updated": "2027-02-20T07:00:00Z",
            "id": ["ContentsCode", "Region", "Alder", "Tid"],
            "size": [1, len(regions), len(AGES), len(years)],
            "dimension": {"ContentsCode": _dimension("statistikkvariabel", ["Personer1"]),
                          "Region": _dimension("region", regions),
                          "Alder": _dimension("alder", AGES),
                          "Tid": _dimension("år", [str(y) for y in years])},
            "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]},
            "value": values}


class Handler(BaseHTTPRequestHandler):
    server: "FakeAPI"

    def log_message(self, *args):  # quiet
        pass

    def _send(self, status: int, payload, headers: dict | None = None, cut: bool = False):
        body = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2] if cut else body)
        self.server.bytes_sent += len(body) // 2 if cut else len(body)
        if cut:
            self.wfile.flush()
            self.close_connection = True

    def _fault(self) -> bool:
        """Misbehave as `server.fault` says; True when the answer has been sent."""
        fault = self.server.fault
        self.server.calls += 1
        if fault == "429" or (fault == "429-once" and self.server.calls == 1):
            self._send(429, {"title": "Too many requests"}, {"Retry-After": "0"})
            return True
        if fault == "503":
            self._send(503, {"title": "Service unavailable"})
            return True
        if fault == "timeout":
            time.sleep(3)
        if fault == "shape":
            self._send(200, {"data": []})
            return True
        if fault == "half":
            self._send(200, {"codes": [{"code": "0301", "name": "Oslo"}] * 50}, cut=True)
            return True
        return False

    def do_GET(self):
        if self._fault():
            return
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        truth = self.server.truth
        if url.path == "/ssb/config":  # field names as in PxWebApi v2's ConfigResponse
            return self._send(200, {"apiVersion": "2.0.0", "languages": [{"id": "no", "label":
                                    "Norsk"}], "defaultLanguage": "no",
                                    "maxDataCells": self.server.max_cells,
                                    "maxCallsPerTimeWindow": 30, "timeWindow": 60,
                                    "license": "https://creativecommons.org/licenses/by/4.0/"})
        if url.path == "/ssb/tables/07459/metadata":
            meta = dataset(truth, [], truth.years())
            meta["value"] = []
            return self._send(200, meta)
        found = re.fullmatch(r"/klass/classifications/(\d+)/(codesAt|changes)", url.path)
        if not found:
            return self._send(404, {"title": "Not found"})
        classification, what = int(found[1]), found[2]
        if what == "codesAt":
            year = int(query["date"][:4])
            valid = truth.valid(year)
            if classification == 131:
                items = [{"code": c, "parentCode": None, "level": "1", "name": n}
                         for c, n in zip(valid["kommunenummer"], valid["kommunenavn"])]
                items.append({"code": "9999", "parentCode": None, "level": "1",
                              "name": "Uoppgitt"})
            else:
                f = valid.drop_duplicates("fylkesnummer")
                items = [{"code": c, "parentCode": None, "level": "1", "name": n}
                         for c, n in zip(f["fylkesnummer"], f["fylkesnavn"])]
            return self._send(200, {"codes": items})
        start, end = int(query["from"][:4]) + 1, int(query["to"][:4])
        changes = []
        for year in range(start, end + 1):
            ended = truth.codes[truth.codes["siste_aar_1jan"] == year - 1]
            for row in ended.itertuples(index=False):
                for new in str(row.etterfolger_kommunenummer).split(";"):
                    if new and new != "nan":
                        changes.append({"oldCode": row.kommunenummer, "oldName": row.kommunenavn,
                                        "oldShortName": None, "newCode": new, "newName": None,
                                        "newShortName": None, "changeOccurred": f"{year}-01-01"})
        self._send(200, {"codeChanges": changes})

    def do_POST(self):
        if self._fault():
            return
        self.server.posts += 1
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        if urlparse(self.path).path != "/ssb/tables/07459/data":
            return self._send(404, {"title": "Not found"})
        select = {s["variableCode"]: s["valueCodes"] for s in body.get("selection", [])}
        truth = self.server.truth
        regions, years = select.get("Region", []), [int(y) for y in select.get("Tid", [])]
        if not regions or not years or select.get("Alder") != ["*"]:
            return self._send(400, {"title": "Bad request"})
        cells = len(regions) * len(AGES) * len(years)
        if cells > self.server.max_cells:
            return self._send(400, {"title": "Too many cells selected"})
        unknown = [r for r in regions if r not in truth.region_codes]
        if unknown:
            return self._send(400, {"title": f"Unknown value code {unknown[0]}"})
        self._send(200, dataset(truth, regions, years))


class FakeAPI(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, truth: Truth):
        super().__init__(("127.0.0.1", 0), Handler)
        self.truth, self.fault, self.calls = truth, None, 0
        self.max_cells = 20_000  # SSB: 800 000; smaller here, so requests must be split
        self.posts = 0
        self.bytes_sent = 0  # response bodies, for the cost of an update

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> "FakeAPI":
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self


MERGED = ["1811", "1812"]


def constructed_truth(shipped: Path, folder: Path) -> Path:
    """The shipped raw data plus a constructed year 2027 (each 2026 kommune + 7 persons aged
    16–66, and a merger: 1811 Bindal and 1812 Sømna become 1899 «Sør-Helgeland») and one
    revised figure (Oslo 1.1.2016 + 10), written to `folder`."""
    import shutil

    for path in shipped.iterdir():
        shutil.copy2(path, folder / path.name)
    codes = pd.read_csv(folder / CODE_FILE, dtype=str)
    codes.loc[codes["siste_aar_1jan"] == "2026", "siste_aar_1jan"] = "2027"
    merged = codes["kommunenummer"].isin(MERGED)
    codes.loc[merged, ["siste_aar_1jan", "etterfolger_kommunenummer"]] = ["2026", "1899"]
    codes = pd.concat([codes, pd.DataFrame([{
        "kommunenummer": "1899", "kommunenavn": "Sør-Helgeland", "fylkesnummer": "18",
        "fylkesnavn": "Nordland", "forste_aar_1jan": "2027", "siste_aar_1jan": "2027"}])])
    codes.to_csv(folder / CODE_FILE, index=False)
    pop = pd.read_csv(folder / KOMMUNE_FILE, dtype={"kommunenummer": str, "fylkesnummer": str})
    new = pop[pop["aar"] == 2026].assign(aar=2027)
    new[["folkemengde", "alder_16_66"]] += 7
    parts = new[new["kommunenummer"].isin(MERGED)]
    one = parts.iloc[[0]].assign(kommunenummer="1899", kommunenavn="Sør-Helgeland")
    for column in ["folkemengde", "alder_0_15", "alder_16_66", "alder_67_pluss"]:
        one[column] = parts[column].sum()
    new = pd.concat([new[~new["kommunenummer"].isin(MERGED)], one])
    oslo = (pop["aar"] == 2016) & (pop["kommunenummer"] == "0301")
    pop.loc[oslo, ["folkemengde", "alder_16_66"]] += 10
    pd.concat([pop, new]).to_csv(folder / KOMMUNE_FILE, index=False)
    return folder


def closed_port_url() -> str:
    """A loopback URL nobody listens on (no network)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"
