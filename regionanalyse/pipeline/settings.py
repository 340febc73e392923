"""What a build is asked to do: command-line options over regionanalyse.toml over defaults."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..config import CONFIG_FILE, DEFAULT_OUT, DEFAULT_PROPOSAL, DEFAULT_YEAR
from ..errors import UsageError
from ..model import builtin_ids
from ..model.proposal import quote
from .executors import DEFAULT_EXECUTOR, check as check_executor

FORMATS = ("html", "pdf")
CONFIG_KEYS = {"proposals", "comparisons", "year", "formats", "out", "jobs"}
# the hearing comparisons built by --all: (proposals, year)
DEFAULT_COMPARISONS = ((("fylker-2016", "nav-2016-11", "nav-2019-12"), 2019),
                       (("fylker-2020", "fylker-2024"), 2024))


@dataclass(frozen=True)
class BuildSettings:
    """Everything `regionanalyse build` / `compare` needs, resolved and checked."""

    proposals: tuple[str, ...]
    comparisons: tuple[tuple[tuple[str, ...], int], ...]
    year: int
    formats: tuple[str, ...]
    out: Path
    jobs: int
    arsverk: str | None = None
    executor: str = DEFAULT_EXECUTOR
    out_label: str = "--out"  # where `out` came from, for messages


MAX_JOBS = 64


def read_config(path: Path) -> dict:
    """Settings from regionanalyse.toml (all optional): proposals, comparisons, year, formats,
    out, jobs. Strict: a wrong type, an unknown key or a file that is not UTF-8 TOML is an
    error naming the file and the key."""
    if not path.exists() and not path.is_symlink():
        return {}
    if not path.is_file():
        raise UsageError(f"{path}: er ikke en vanlig fil")
    try:
        raw = path.read_bytes()[:1_000_001]
        text = raw.decode("utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: kan ikke leses ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise UsageError(f"{path}: er ikke UTF-8-tekst (linje {line}); lagre filen som UTF-8") from None
    if len(raw) > 1_000_000:
        raise UsageError(f"{path}: er over 1 MB")
    try:
        config = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: ugyldig TOML ({quote(str(exc))})") from None
    unknown = sorted(set(config) - CONFIG_KEYS)
    if unknown:
        raise UsageError(f"{path}: ukjent innstilling {', '.join(quote(k) for k in unknown)}; kjente er "
                         f"{', '.join(sorted(CONFIG_KEYS))}")

    def fault(key: str, wanted: str) -> UsageError:
        value = config[key]
        return UsageError(f"{path}: {key} = {quote(repr(value))} har feil type; skal være {wanted}")

    def is_int(v) -> bool:
        return isinstance(v, int) and not isinstance(v, bool)

    def str_list(v) -> bool:
        return isinstance(v, list) and all(isinstance(x, str) for x in v)

    checks = {"year": (is_int, "et årstall (heltall)"), "jobs": (is_int, "et heltall ≥ 1"),
              "out": (lambda v: isinstance(v, str) and v.strip() != "", "en mappe (tekst)"),
              "formats": (lambda v: str_list(v) and v, 'en liste som ["html", "pdf"]'),
              "proposals": (str_list, "en liste med id-er eller YAML-stier"),
              "comparisons": (lambda v: isinstance(v, list) and all(str_list(c) and len(c) >= 2 for c in v),
                              'en liste av lister med minst to forslag, f.eks. [["a", "b"]]')}
    for key, (ok, wanted) in checks.items():
        if key in config and not ok(config[key]):
            raise fault(key, wanted)
    return config


def parse_formats(text: str, label: str = "--to") -> tuple[str, ...]:
    """'html,pdf' → ('html', 'pdf'), with a clear error for anything else."""
    formats = tuple(f.strip() for f in text.split(",") if f.strip())
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        shown = ", ".join(quote(f, 30) for f in unknown) or "(tomt)"
        raise UsageError(f"{label}: ukjent format {shown}; bruk html og/eller pdf")
    return formats


def check_year(year: int, label: str = "--year") -> int:
    """A year with population figures (before any kernel starts)."""
    from ..sources.population import YEARS

    if year not in YEARS:
        raise UsageError(f"{label} {year}: folkemengde finnes for {YEARS[0]}–{YEARS[-1]}")
    return year


def check_jobs(jobs: int, label: str = "--jobs") -> int:
    if not 1 <= jobs <= MAX_JOBS:
        raise UsageError(f"{label} {jobs}: antall jobber må være 1–{MAX_JOBS}")
    return jobs


MAX_PLANS = 100_000  # ~20 minutes of kommune-level plans on two cores


def check_plans(n: int, label: str = "--n") -> int:
    """The number of plans `alternatives` draws: 1–MAX_PLANS."""
    if not 1 <= n <= MAX_PLANS:
        raise UsageError(f"{label} {n}: antall planer må være 1–{MAX_PLANS:,}".replace(",", " "))
    return n


def check_regions(k: int | None, label: str = "--regions") -> int | None:
    """A number of regions (None = as the proposal): at least 2; the upper bound (the number of
    units) is checked with the data."""
    if k is not None and k < 2:
        raise UsageError(f"{label} {k}: antall regioner må være minst 2 (utelat {label} for "
                         "forslagets eget antall)")
    return k


def resolve(*, proposals=(), compare: bool = False, build_all: bool = False, year=None, to=None,
            jobs=None, out=None, arsverk=None, executor: str | None = None,
            config_path: Path = Path(CONFIG_FILE)) -> BuildSettings:
    """Combine command-line options (None = not given) with regionanalyse.toml and defaults;
    every value is checked here, before anything is built."""
    config = read_config(config_path)
    where = str(config_path)
    # every value in the file is checked, also those an option overrides
    config_year = check_year(config["year"], f"{where}: year =") if "year" in config else DEFAULT_YEAR
    config_formats = (parse_formats(",".join(config["formats"]), f"{where}: formats")
                      if "formats" in config else FORMATS)
    config_jobs = check_jobs(config["jobs"], f"{where}: jobs =") if "jobs" in config else None
    year = check_year(year) if year is not None else config_year
    refs = tuple(str(p) for p in proposals)
    comparisons: tuple = ()
    if compare:
        if len(refs) < 2:
            raise UsageError("compare: en sammenligning trenger minst to forslag")
        comparisons, refs = ((refs, year),), ()
    elif build_all:
        refs = tuple(builtin_ids()) + tuple(str(p) for p in config.get("proposals", []))
        comparisons = DEFAULT_COMPARISONS + tuple((tuple(str(p) for p in c), year)
                                                  for c in config.get("comparisons", []))
    elif not refs:
        refs = (DEFAULT_PROPOSAL,)
    formats = parse_formats(to) if to is not None else config_formats
    if jobs is not None:
        jobs = check_jobs(jobs)
    else:
        jobs = config_jobs or min(os.cpu_count() or 1, MAX_JOBS)
    out_path = Path(out) if out is not None else Path(config.get("out") or DEFAULT_OUT)
    out_label = "--out" if out is not None else (f"{where}: out =" if "out" in config else "utmappen")
    executor = check_executor(executor) if executor is not None else DEFAULT_EXECUTOR
    return BuildSettings(refs, comparisons, year, formats, out_path, jobs, arsverk, executor, out_label)
