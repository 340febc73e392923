"""The processed-data cache (sources/cache.py): keyed on everything a table can be computed
from, keys kept side by side (two versions sharing a cache do not thrash), and a cache that
cannot be written says so once and the numbers are still computed."""
import logging

import pandas as pd

from regionanalyse.config import PACKAGE_DIR
from regionanalyse.sources import cache


def _counting(values):
    calls = []

    def make(value):
        def build():
            calls.append(value)
            return pd.DataFrame({"x": [value]})
        return build
    return calls, {v: make(v) for v in values}


def test_keys_are_kept_side_by_side_and_bounded(tmp_path, monkeypatch):
    """Two versions of a loader alternating on one cache each find their own file; each
    table keeps its newest KEEP_PER_NAME keys and never touches another table's files."""
    monkeypatch.setenv("REGIONANALYSE_PROCESSED", str(tmp_path))
    raw = tmp_path / "raw.csv"
    raw.write_text("a\n1\n", encoding="utf-8")
    other = tmp_path / "annen-0123456789abcdef.parquet"
    pd.DataFrame({"y": [1]}).to_parquet(other)
    calls, builds = _counting([1, 2, 3, 4])
    keys = {build: f"{v}" * 16 for v, build in builds.items()}  # as two versions of a loader
    monkeypatch.setattr(cache, "cache_key", lambda build, sources, depends=(): keys[build])

    def get(v):
        return cache.cached("tabell", [raw], builds[v])["x"].item()

    assert [get(1), get(2), get(1), get(2)] == [1, 2, 1, 2]
    assert calls == [1, 2]  # the second round is served from the cache
    for v in (3, 4):
        get(v)
    kept = sorted(p.name for p in tmp_path.glob("tabell-*.parquet"))
    assert len(kept) == cache.KEEP_PER_NAME and "tabell-1111111111111111.parquet" not in kept
    assert other.exists()


def test_a_key_covers_every_raw_data_file_and_the_code_below(tmp_path, monkeypatch):
    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    (raw_dir / "koder.csv").write_text("a\n1\n", encoding="utf-8")
    monkeypatch.setenv("REGIONANALYSE_RAW", str(raw_dir))

    def build():
        return pd.DataFrame({"x": [1]})

    before = cache.cache_key(build)
    (raw_dir / "koder.csv").write_text("a\n2\n", encoding="utf-8")  # not named by the loader
    assert cache.cache_key(build) != before
    files = {p.relative_to(PACKAGE_DIR).as_posix() for p in cache._code_files("regionanalyse.indicators.areas")}
    assert {"sources/codes.py", "territory/membership.py", "indicators/areas.py", "config.py"} <= files
    assert not any(f.startswith(("present/", "appendix/", "pipeline/")) for f in files)


def test_an_unwritable_cache_says_so_once_and_still_computes(tmp_path, monkeypatch, caplog):
    blocker = tmp_path / "fil"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("REGIONANALYSE_PROCESSED", str(blocker / "processed"))  # cannot be created
    cache._warn_uncached.cache_clear()
    raw = tmp_path / "raw.csv"
    raw.write_text("a\n1\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="regionanalyse.cache"):
        for value in (1, 2):
            frame = cache.cached(f"t{value}", [raw], lambda v=value: pd.DataFrame({"x": [v]}))
            assert frame["x"].item() == value
    warnings = [r.getMessage() for r in caplog.records if r.name == "regionanalyse.cache"]
    assert len(warnings) == 1 and str(blocker / "processed") in warnings[0]
    cache._warn_uncached.cache_clear()
