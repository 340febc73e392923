"""present/fmt.py formats Norwegian numbers with babel (nb_NO); the strings are those the
f-string formatting wrote before (NBSP thousands, decimal comma, «12,3 %»)."""
import math
import random

import numpy as np
import pandas as pd
import pytest

from regionanalyse.present import fmt

NBSP = "\u00a0"


def before(value, decimals=0, missing=fmt.MISSING):
    """fmt.number as it was before babel (an f-string with its separators swapped)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return missing
    return f"{float(value):,.{decimals}f}".replace(",", NBSP).replace(".", ",")


def values():
    rng = random.Random(20)
    fixed = [0, 0.0, -0.0, 1, -1, 7, 1234567.8, -1234567.8, 884_400 / 240_088, 45.544294692090894,
             0.5, 1.5, 2.5, -0.5, -2.5, 0.05, 0.15, 0.25, 0.35, -0.05, 2.675, 12.345, 0.125, 999.5,
             -999.5, 999.95, 999_999.5, 1e9, 1e15, -0.04, -0.4, np.int64(5_310_000), np.float64(0.5),
             float("inf"), float("-inf")]
    return (fixed + [rng.uniform(-1e7, 1e7) for _ in range(3000)]
            + [round(rng.uniform(-1000, 1000), rng.randint(0, 3)) for _ in range(3000)]
            + [rng.randint(-10**9, 10**9) / 2 for _ in range(1000)] + [k / 1000 for k in range(-2000, 2000)])


@pytest.mark.parametrize("decimals", [0, 1, 2, 3])
def test_babel_writes_the_strings_the_f_string_wrote(decimals):
    differ = [(v, before(v, decimals), fmt.number(v, decimals)) for v in values()
              if before(v, decimals) != fmt.number(v, decimals)]
    assert not differ, differ[:5]


def test_examples_and_missing():
    assert fmt.number(1234567.8) == f"1{NBSP}234{NBSP}568"
    assert fmt.number(1234567.8, 1) == f"1{NBSP}234{NBSP}567,8"
    assert fmt.number(-1234.5, 1) == f"-1{NBSP}234,5"
    assert fmt.number(2.675, 2) == "2,67"  # the float is 2.67499…: rounded as Python rounds it
    assert fmt.number(0.5) == "0" and fmt.number(1.5) == "2"  # half to even, as before
    assert fmt.percent(12.34) == f"12,3{NBSP}%" and fmt.percent(-0.04, 0) == f"-0{NBSP}%"
    for missing in (None, pd.NA, float("nan"), np.nan):
        assert fmt.number(missing) == fmt.MISSING and fmt.percent(missing) == fmt.MISSING
    assert fmt.number(float("nan"), missing="–") == "–"
