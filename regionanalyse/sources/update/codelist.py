"""Extend the kommune code list by a year from KLASS: continuing codes, new codes, successors.

Rows already in the list keep their code, name, fylke and first year; a code valid in the
last year and still valid gets its last year moved on; a code that ceased gets its successors
from KLASS's changes; a new code gets a new row. A split successor's share of the people is
not a column: `succession.split_shares` computes it from the population file.
"""
from __future__ import annotations

import pandas as pd

from ...errors import DataError


def extend(table: pd.DataFrame, year: int, kommuner: dict[str, str], fylker: dict[str, str],
           changes: list[dict]) -> tuple[pd.DataFrame, list[str]]:
    """The code list `table` extended to 1 January `year`; also lines for the change report.

    `kommuner`/`fylker`: code → name valid on 1 January `year` (KLASS); `changes`: KLASS's
    code changes during the year before."""
    table = table.copy()
    last = year - 1
    if int(table["siste_aar_1jan"].max()) != last:
        raise DataError(f"kodelisten slutter i {int(table['siste_aar_1jan'].max())}, ikke {last}")
    by_code = table.set_index("kommunenummer")
    valid_before = set(by_code.index[by_code["siste_aar_1jan"] == last])
    notes = []
    for code, name in sorted(kommuner.items()):
        if code[:2] not in fylker:
            raise DataError(f"KLASS {year}: kommune {code} {name} har ukjent fylke {code[:2]}")
        if code in valid_before:
            old_name = by_code.at[code, "kommunenavn"]
            if name != old_name:
                notes.append(f"{code} heter «{name}» i KLASS {year} (kodelisten: «{old_name}»; "
                             "navnet i kodelisten er beholdt)")
        elif code in by_code.index:
            raise DataError(f"KLASS {year}: kommunenummer {code} ({name}) ble brukt "
                            f"{by_code.at[code, 'forste_aar_1jan']}–"
                            f"{by_code.at[code, 'siste_aar_1jan']} og tas i bruk igjen; "
                            "kodelisten har én rad per nummer")
    table.loc[table["kommunenummer"].isin(valid_before & set(kommuner)), "siste_aar_1jan"] = year
    ceased = sorted(valid_before - set(kommuner))
    successors = {}
    for change in changes:
        old, new = change.get("oldCode"), change.get("newCode")
        if old and new and old != new:
            successors.setdefault(old, []).append(new)
    for code in ceased:
        after = sorted(set(successors.get(code, [])) & set(kommuner))
        if not after:
            raise DataError(f"KLASS {year}: kommune {code} ({by_code.at[code, 'kommunenavn']}) "
                            "finnes ikke lenger, og endringene gir ingen etterfølger")
        table.loc[table["kommunenummer"] == code, "etterfolger_kommunenummer"] = ";".join(after)
        notes.append(f"{code} {by_code.at[code, 'kommunenavn']} opphørte; etterfølger "
                     f"{', '.join(after)}")
    for code in sorted(valid_before & set(kommuner)):
        moved = sorted(set(successors.get(code, [])) - {code})
        if moved:
            notes.append(f"{code} {by_code.at[code, 'kommunenavn']} fortsetter, men ga område "
                         f"til {', '.join(moved)} (grenseendring; arealet følger ikke)")
    fylke_names = dict(zip(table["fylkesnummer"], table["fylkesnavn"]))
    new_rows = [{"kommunenummer": code, "kommunenavn": name, "fylkesnummer": code[:2],
                 "fylkesnavn": fylke_names.get(code[:2], fylker[code[:2]]),
                 "forste_aar_1jan": year, "siste_aar_1jan": year,
                 "etterfolger_kommunenummer": pd.NA, "etterfolger_vekt_csdata": pd.NA}
                for code, name in sorted(kommuner.items()) if code not in by_code.index]
    for row in new_rows:
        notes.append(f"ny kommune {row['kommunenummer']} {row['kommunenavn']} fra {year}")
    if new_rows:
        table = pd.concat([table, pd.DataFrame(new_rows)], ignore_index=True)
    table = table.sort_values("kommunenummer", ignore_index=True)
    return table.astype({"forste_aar_1jan": "int64", "siste_aar_1jan": "int64"}), notes
