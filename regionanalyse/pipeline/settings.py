"""What a build is asked to do: command-line options over regionanalyse.toml over defaults."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..config import CONFIG_FILE, DEFAULT_OUT, DEFAULT_PROPOSAL, DEFAULT_YEAR
from ..errors import UsageError
from ..model import builtin_ids

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
    executor: str = "warm"


def read_config(path: Path) -> dict:
    """Settings from regionanalyse.toml (all optional): proposals, comparisons, year, formats,
    out, jobs."""
    if not path.exists():
        return {}
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: ugyldig TOML ({exc})") from None
    unknown = sorted(set(config) - CONFIG_KEYS)
    if unknown:
        raise UsageError(f"{path}: ukjent innstilling {', '.join(unknown)}; kjente er "
                         f"{', '.join(sorted(CONFIG_KEYS))}")
    return config


def parse_formats(text: str) -> tuple[str, ...]:
    """'html,pdf' → ('html', 'pdf'), with a clear error for anything else."""
    formats = tuple(f.strip() for f in text.split(",") if f.strip())
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UsageError(f"--to: ukjent format {', '.join(unknown) or '(tomt)'}; bruk html og/eller pdf")
    return formats


def resolve(*, proposals=(), compare: bool = False, build_all: bool = False, year=None, to=None,
            jobs=None, out=None, arsverk=None, executor: str = "warm",
            config_path: Path = Path(CONFIG_FILE)) -> BuildSettings:
    """Combine command-line options (None = not given) with regionanalyse.toml and defaults."""
    config = read_config(config_path)
    year = year or int(config.get("year", DEFAULT_YEAR))
    refs = tuple(str(p) for p in proposals)
    comparisons: tuple = ()
    if compare:
        comparisons, refs = ((refs, year),), ()
    elif build_all:
        refs = tuple(builtin_ids()) + tuple(str(p) for p in config.get("proposals", []))
        comparisons = DEFAULT_COMPARISONS + tuple((tuple(str(p) for p in c), year)
                                                  for c in config.get("comparisons", []))
    elif not refs:
        refs = (DEFAULT_PROPOSAL,)
    formats = parse_formats(to or ",".join(config.get("formats", FORMATS)))
    jobs = jobs or int(config.get("jobs", 0)) or os.cpu_count() or 1
    return BuildSettings(refs, comparisons, year, formats, Path(out or config.get("out") or DEFAULT_OUT),
                         jobs, arsverk, executor)
