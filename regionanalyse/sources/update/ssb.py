"""SSB's statistics API (PxWebApi v2), table 07459: population 1 January by region, age, year.

Requests follow SSB's PxWebApi v2 guide and its OpenAPI description: `GET {base}/config` for
the limits (`maxDataCells`, `maxCallsPerTimeWindow` per `timeWindow` seconds), `GET
{base}/tables/07459/metadata` (JSON-stat2) for the years, `POST
{base}/tables/07459/data?outputFormat=json-stat2` with a `selection` body of `variableCode` and
`valueCodes` (long code lists do not fit a GET URL). Sex (`Kjonn`) is left out, so SSB sums it;
ages are fetched single (`Alder` `*`) and summed into 0–15, 16–66 and 67+. Each call stays
under the cell limit, and calls are spaced to stay under the rate limit.
"""
from __future__ import annotations

import itertools
import os
import re
import time

import numpy as np
import pandas as pd

from ..fetch import get_json, shape_error

SOURCE = "SSB (PxWebApi v2, tabell 07459)"
TABLE = "07459"
CONTENTS = "Personer1"
N_AGES = 106                 # 0–104 and 105+; used to size requests
LICENCE = "CC BY 4.0 (Kilde: Statistisk sentralbyrå)"
AGE_GROUPS = {"alder_0_15": (0, 15), "alder_16_66": (16, 66), "alder_67_pluss": (67, 999)}


def base_url() -> str:
    return os.environ.get("REGIONANALYSE_SSB_URL", "https://data.ssb.no/api/pxwebapi/v2").rstrip("/")


def limits(base: str) -> tuple[int, float]:
    """Cells per call and seconds between calls, from the API's /config
    ($REGIONANALYSE_SSB_PAUSE overrides the pause)."""
    url = f"{base}/config"
    config = get_json(SOURCE, url)
    try:
        cells = int(config["maxDataCells"])
        pause = float(config["timeWindow"]) / max(1, int(config["maxCallsPerTimeWindow"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise shape_error(SOURCE, url, f"ventet maxDataCells, maxCallsPerTimeWindow og "
                                       f"timeWindow ({exc})") from exc
    if os.environ.get("REGIONANALYSE_SSB_PAUSE"):
        pause = float(os.environ["REGIONANALYSE_SSB_PAUSE"])
    return cells, pause


def table_years(base: str) -> list[int]:
    """The years (Tid) table 07459 has, from its metadata."""
    url = f"{base}/tables/{TABLE}/metadata?lang=no&outputFormat=json-stat2"
    meta = get_json(SOURCE, url)
    try:
        years = sorted(int(y) for y in _category_codes(meta["dimension"]["Tid"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise shape_error(SOURCE, url, f"metadata uten årstall i «Tid» ({exc})") from exc
    return years


def data_query(regions: list[str], years: list[int]) -> dict:
    """The POST body selecting `regions` × all single ages × `years`, persons."""
    return {"selection": [
        {"variableCode": "ContentsCode", "valueCodes": [CONTENTS]},
        {"variableCode": "Region", "valueCodes": list(regions)},
        {"variableCode": "Alder", "valueCodes": ["*"]},
        {"variableCode": "Tid", "valueCodes": [str(y) for y in years]},
    ]}


def region_chunks(regions: list[str], cells: int, n_years: int = 1) -> list[list[str]]:
    """`regions` cut so that each call asks for at most `cells` cells."""
    per = max(1, cells // (N_AGES * n_years))
    return [regions[i:i + per] for i in range(0, len(regions), per)]


def fetch_year(base: str, year: int, regions: list[str], cells: int,
               pause: float) -> tuple[pd.DataFrame, list[dict]]:
    """Population of `regions` on 1 January `year`, one row per region with the age groups;
    also the queries sent (for provenance)."""
    url = f"{base}/tables/{TABLE}/data?lang=no&outputFormat=json-stat2"
    frames, queries = [], []
    for chunk in region_chunks(regions, cells):
        body = data_query(chunk, [year])
        queries.append(body)
        frames.append(_age_groups(jsonstat_frame(get_json(SOURCE, url, body), url), url))
        time.sleep(pause)
    out = pd.concat(frames, ignore_index=True)
    missing = sorted(set(regions) - set(out["region"]))
    if missing:
        raise shape_error(SOURCE, url, f"{len(missing)} regioner mangler i svaret for {year}, "
                                       f"bl.a. {', '.join(missing[:5])}")
    return out, queries


def jsonstat_frame(ds: dict, url: str) -> pd.DataFrame:
    """A JSON-stat 2.0 dataset as a long table: one column per dimension (codes) and `value`."""
    try:
        ids, sizes, values = ds["id"], ds["size"], ds["value"]
        cats = [_category_codes(ds["dimension"][i]) for i in ids]
    except (KeyError, TypeError) as exc:
        raise shape_error(SOURCE, url, f"ikke et JSON-stat2-datasett ({exc})") from exc
    total = int(np.prod(sizes)) if sizes else 0
    if [len(c) for c in cats] != list(sizes):
        raise shape_error(SOURCE, url, "dimensjonenes størrelse stemmer ikke med kategoriene")
    if isinstance(values, dict):  # sparse form: position → value
        values = [values.get(str(i)) for i in range(total)]
    if len(values) != total:
        raise shape_error(SOURCE, url, f"{len(values)} verdier, ventet {total}")
    rows = list(itertools.product(*cats))
    frame = pd.DataFrame(rows, columns=ids) if rows else pd.DataFrame(columns=ids)
    frame["value"] = pd.array(values, dtype="Float64")
    return frame


def _category_codes(dimension: dict) -> list[str]:
    """A JSON-stat dimension's category codes in order (`index` is a list or code → position)."""
    index = dimension["category"]["index"]
    if isinstance(index, dict):
        return [code for code, _ in sorted(index.items(), key=lambda kv: kv[1])]
    return list(index)


def _age_groups(frame: pd.DataFrame, url: str) -> pd.DataFrame:
    """Sum single ages into the file's age groups per region and year."""
    for column in ("Region", "Alder", "Tid"):
        if column not in frame:
            raise shape_error(SOURCE, url, f"dimensjonen «{column}» mangler")
    if "ContentsCode" in frame and set(frame["ContentsCode"]) != {CONTENTS}:
        raise shape_error(SOURCE, url, f"statistikkvariabel {sorted(set(frame['ContentsCode']))}")
    if frame["value"].isna().any():
        row = frame[frame["value"].isna()].iloc[0]
        raise shape_error(SOURCE, url, f"tall mangler for region {row['Region']}, alder "
                                       f"{row['Alder']}, år {row['Tid']}")
    age = frame["Alder"].map(lambda a: int(re.match(r"\d+", str(a)).group())
                             if re.match(r"\d+", str(a)) else -1)
    if (age < 0).any():
        raise shape_error(SOURCE, url, f"ukjent alderskode {frame['Alder'][age < 0].iloc[0]}")
    out = frame.assign(age=age, aar=frame["Tid"].astype(int), region=frame["Region"])
    grouped = out.groupby(["region", "aar"])
    table = grouped["value"].sum().rename("folkemengde").to_frame()
    for column, (low, high) in AGE_GROUPS.items():
        part = out[(out["age"] >= low) & (out["age"] <= high)]
        table[column] = part.groupby(["region", "aar"])["value"].sum()
    return table.fillna(0).astype("int64").reset_index()
