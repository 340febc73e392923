"""Issue 9: every code in every raw file is checked on load; no row is lost."""
from __future__ import annotations

import shutil

import geopandas as gpd
import pandas as pd
import pytest

from regionanalyse.config import RAW_DIR
from regionanalyse.errors import DataError
from regionanalyse.sources import codes, geometry, integrity, labour, nav, population, succession
from regionanalyse.territory import adjacency


def _raw_rows(name: str) -> int:
    if name.endswith(".geojson"):
        return len(gpd.read_file(RAW_DIR / name))
    return len(pd.read_csv(RAW_DIR / name, dtype=str))


def test_every_raw_file_loads_with_every_row():
    """Each raw data file the package reads comes through its loader with all rows."""
    loaded = {
        population.KOMMUNE_FILE: len(population._kommune_table()),
        population.FYLKE_FILE: sum(len(population.fylke_population(y)) for y in population.YEARS),
        codes.CODE_FILE: len(codes.code_list()),
        succession.REESTABLISHED_FILE: len(succession.reestablished()),
        labour.AKU_FILE: len(labour.employment()),
        nav.OFFICES_FILE: len(nav.office_counts()),
        nav.UNITS_2019_FILE: len(nav.units_2019()),
        nav.ARSVERK_FILE: len(nav.arsverk(RAW_DIR / nav.ARSVERK_FILE)),
        **{name: len(labour.ba_regions(y)) for y, name in labour.BA_FILES.items()},
        **{name: len(geometry.kommune_polygons(y)) for y, name in geometry.KOMMUNE_FILES.items()},
        **{name: len(geometry.fylke_polygons(y)) for y, name in geometry.FYLKE_FILES.items()},
        adjacency.CROSSINGS_FILE: sum(len(adjacency.crossings(y)) for y in geometry.KOMMUNE_FILES),
    }
    for name, n in loaded.items():
        assert n == _raw_rows(name), name
    # every data file in data/raw is covered (the two cross-check tables by the test below)
    data_files = {p.name for p in RAW_DIR.iterdir() if p.suffix in (".csv", ".geojson")}
    assert data_files - set(loaded) == {"kommune2016_til_fylke_2018_2019_2020_2024.csv",
                                        "areal_fylke_19.csv"}


def test_cross_check_tables_have_valid_codes():
    """The two files kept only for cross-checks also hold codes valid in their years."""
    path = RAW_DIR / "kommune2016_til_fylke_2018_2019_2020_2024.csv"
    table = pd.read_csv(path, dtype=str)
    for year in (2016, 2018, 2019, 2020, 2024):
        split = table[f"kommunenummer_{year}"].str.split(";").explode()
        frame = pd.DataFrame({"kommunenummer": split.values})
        integrity.check_kommune_codes(frame.drop_duplicates().reset_index(drop=True), path, year)
        integrity.check_fylke_codes(table[f"fylke_{year}"], path, year)
    integrity.check_fylke_codes(pd.read_csv(RAW_DIR / "areal_fylke_19.csv", dtype=str)["fylkesnummer"],
                                RAW_DIR / "areal_fylke_19.csv", 2016)


def test_ba_files_keep_rindal_jevnaker_lunner_recoded():
    for year, rindal, jevnaker, lunner in ((2020, "5061", "3053", "3054"),
                                           (2024, "5061", "3236", "3234")):
        ba = labour.ba_regions(year).set_index("kommunenummer")
        assert set(ba.index) == set(codes.kommune_codes(year)["kommunenummer"])
        assert ba.loc[rindal, "ba_navn"] == "Surnadal" and ba.loc[rindal, "fylkesnummer"] == "50"
        assert ba.loc[jevnaker, "ba_navn"] == "Ringerike"
        assert ba.loc[lunner, "ba_navn"] == "Oslo/Bærum"
        assert not ba.index.isin(["1567", "3444", "3445"]).any()


@pytest.fixture
def raw_copy(tmp_path, monkeypatch):
    """A copy of data/raw the test may corrupt; loaders are pointed at it."""
    target = tmp_path / "raw"
    shutil.copytree(RAW_DIR, target)
    from regionanalyse.sources import cache
    monkeypatch.setenv("REGIONANALYSE_RAW", str(target))
    labour._ba_regions.cache_clear()
    yield target
    labour._ba_regions.cache_clear()


def test_unknown_code_fails_naming_file_line_and_code(raw_copy):
    path = raw_copy / labour.BA_FILES[2020]
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4].replace(lines[4].split(",")[0], "1199", 1)  # no such kommune
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"ba_regioner_2020_kommuner\.csv, linje 5: kommunenummer «1199»"):
        labour.ba_regions(2020)


def test_code_of_another_year_fails(raw_copy):
    path = raw_copy / labour.BA_FILES[2024]
    text = path.read_text(encoding="utf-8").replace("\n1103,Stavanger,11,", "\n1102,Sandnes,11,", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"linje 4: kommunenummer 1102 \(Sandnes\) gjelder 2005–2019, ikke 2024"):
        labour.ba_regions(2024)



def test_cached_checked_table_is_keyed_on_the_code_list(raw_copy):
    """The code check is part of building the cached BA table, so the cache is keyed on the
    code list as well: with the BA file unchanged but the code list saying Stavanger (1103)
    ended in 2019, loading the 2020 BA file fails instead of serving the table checked before."""
    labour.ba_regions(2020)  # the good table is cached
    path = raw_copy / codes.CODE_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n1103,Stavanger,11,Rogaland,2005,2026,", "\n1103,Stavanger,11,Rogaland,2005,2019,", 1),
                    encoding="utf-8")
    for function in (codes.code_list, codes._kommune_codes, codes.succession):
        function.cache_clear()
    labour._ba_regions.cache_clear()
    try:
        with pytest.raises(DataError, match="kommunenummer 1103 \\(Stavanger\\) gjelder 2005–2019, ikke 2020"):
            labour.ba_regions(2020)
    finally:
        for function in (codes.code_list, codes._kommune_codes, codes.succession):
            function.cache_clear()
