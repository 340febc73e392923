"""Every path and default in one place: environment variable > regionanalyse.toml > built-in.

The raw data and notebooks live in the project checkout (`data/raw`, `notebooks/`); an installed
wheel carries copies of both under <prefix>/share/regionanalyse and caches in ~/.cache.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

PACKAGE_DIR = Path(__file__).resolve().parent


def _home() -> tuple[Path, bool]:
    """Where data/raw and notebooks/ are, and whether it is a checkout (not an installed wheel).

    $REGIONANALYSE_HOME, else the checkout the package sits in, else the copies a wheel
    installs under <prefix>/share/regionanalyse.
    """
    if os.environ.get("REGIONANALYSE_HOME"):
        return Path(os.environ["REGIONANALYSE_HOME"]).resolve(), True
    checkout = PACKAGE_DIR.parent
    installed = Path(sys.prefix) / "share" / "regionanalyse"
    if not (checkout / "data" / "raw").is_dir() and installed.is_dir():
        return installed, False
    return checkout, True


PROJECT_ROOT, IS_CHECKOUT = _home()
# the platform's user cache folder: $XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches on
# macOS, %LOCALAPPDATA%\regionanalyse\Cache on Windows
_CACHE_HOME = Path(platformdirs.user_cache_dir("regionanalyse", appauthor=False))
SHIPPED_RAW_DIR = PROJECT_ROOT / "data" / "raw"


def _data_home() -> Path:
    """Where refreshed data sets live (`regionanalyse data update`): $REGIONANALYSE_DATA, else
    the platform's user data folder. Never inside the package; see sources/datasets.py."""
    if os.environ.get("REGIONANALYSE_DATA"):
        return Path(os.environ["REGIONANALYSE_DATA"]).expanduser().resolve()
    # $XDG_DATA_HOME or ~/.local/share on Linux, ~/Library/Application Support on macOS,
    # %LOCALAPPDATA% on Windows; each + /regionanalyse
    return Path(platformdirs.user_data_dir("regionanalyse", appauthor=False))


def active_set(home: Path) -> Path | None:
    """The refreshed data set `home/current` names, or None (then the shipped snapshot is used)."""
    try:
        name = (home / "current").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    path = home / "sets" / name
    return path if name and "/" not in name and path.is_dir() else None


def data_home() -> Path:
    """The data folder now (`_data_home`, read at each call)."""
    return _data_home()


def raw_dir() -> Path:
    """The raw data now: $REGIONANALYSE_RAW, else the active refreshed set, else the shipped
    snapshot. Read at each call, so that a test, or a data update in a long-lived process, that
    changes it is seen by the loaders, the build's hash and the memos (sources/cache.data_in_use)."""
    if os.environ.get("REGIONANALYSE_RAW"):
        return Path(os.environ["REGIONANALYSE_RAW"])
    return active_set(data_home()) or SHIPPED_RAW_DIR


def processed_dir() -> Path:
    """The processed-data cache now: $REGIONANALYSE_PROCESSED, else data/processed of a
    checkout, else the user's cache (read at each call)."""
    if os.environ.get("REGIONANALYSE_PROCESSED"):
        return Path(os.environ["REGIONANALYSE_PROCESSED"])
    return PROJECT_ROOT / "data" / "processed" if IS_CHECKOUT else _CACHE_HOME


# Read at import, by design: where the package and its checkout are (REGIONANALYSE_HOME), the
# notebooks, the axe runner, the defaults below. The folders a run reads data from and caches
# in are read at each call (raw_dir, processed_dir, data_home); these names keep their value at
# import for scripts and tests that only read them.
DATA_HOME = data_home()
RAW_DIR = raw_dir()
PROCESSED_DIR = processed_dir()
NOTEBOOK_DIR = Path(os.environ.get("REGIONANALYSE_NOTEBOOKS", PROJECT_ROOT / "notebooks"))
BUILTIN_PROPOSAL_DIR = PACKAGE_DIR / "model" / "builtin"
LEAFLET_DIR = PACKAGE_DIR / "assets" / "leaflet"
#: The axe-core runner (REGIONANALYSE_AXE=1): a development tool beside the tests, so only a
#: checkout has one unless $REGIONANALYSE_AXE_SCRIPT names it (a wheel carries no tests/).
AXE_SCRIPT = (Path(os.environ["REGIONANALYSE_AXE_SCRIPT"]) if os.environ.get("REGIONANALYSE_AXE_SCRIPT")
              else PROJECT_ROOT / "tests" / "browser" / "axe.mjs" if IS_CHECKOUT else None)
CONFIG_FILE = "regionanalyse.toml"  # read from the working directory
DEFAULT_OUT = Path("reports")       # relative to the working directory
DEFAULT_YEAR = 2016
DEFAULT_PROPOSAL = "nav-2016-11"
