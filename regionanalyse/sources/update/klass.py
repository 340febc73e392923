"""KLASS (SSB's classifications API): kommuner (131) and fylker (104) valid at a date, changes.

Endpoints as in KLASS's API guide (data.ssb.no/api/klass/v1/api-guide.html), JSON with
`Accept: application/json`: `classifications/{id}/codesAt?date=YYYY-MM-DD` answers
`{"codes": [{"code", "name", ...}]}`; `classifications/{id}/changes?from=&to=` answers
`{"codeChanges": [{"oldCode", "oldName", "newCode", "newName", "changeOccurred", ...}]}`
(`to` exclusive; no oldCode = a new code, no newCode = a code that ceased).
"""
from __future__ import annotations

import os

from ..fetch import get_json, shape_error

SOURCE = "KLASS (SSB klassifikasjoner)"
KOMMUNER, FYLKER = 131, 104
LICENCE = "CC BY 4.0 (Kilde: Statistisk sentralbyrå)"
# Codes in the classifications that are not kommuner/fylker of SSB's population table:
# 21xx/22xx Svalbard and Jan Mayen, 99xx «Uoppgitt».
NOT_MAINLAND = ("21", "22", "99")


def base_url() -> str:
    return os.environ.get("REGIONANALYSE_KLASS_URL", "https://data.ssb.no/api/klass/v1").rstrip("/")


def codes_at(base: str, classification: int, date: str) -> tuple[dict[str, str], str]:
    """Code → name valid on `date` (mainland only), and the URL asked."""
    url = f"{base}/classifications/{classification}/codesAt?date={date}"
    answer = get_json(SOURCE, url)
    try:
        items = [(str(c["code"]), str(c["name"])) for c in answer["codes"]]
    except (KeyError, TypeError) as exc:
        raise shape_error(SOURCE, url, f"ventet «codes» med «code» og «name» ({exc})") from exc
    if not items:
        raise shape_error(SOURCE, url, "ingen koder")
    return {c: n for c, n in items if c[:2] not in NOT_MAINLAND}, url


def changes(base: str, classification: int, start: str, end: str) -> tuple[list[dict], str]:
    """Code changes from `start` to `end` (exclusive), and the URL asked."""
    url = f"{base}/classifications/{classification}/changes?from={start}&to={end}"
    answer = get_json(SOURCE, url)
    try:
        items = [{k: c.get(k) for k in ("oldCode", "oldName", "newCode", "newName",
                                         "changeOccurred")} for c in answer["codeChanges"]]
    except (KeyError, TypeError, AttributeError) as exc:
        raise shape_error(SOURCE, url, f"ventet «codeChanges» ({exc})") from exc
    return items, url
