"""Every path and default in one place: environment variable > regionanalyse.toml > built-in.

The raw data and notebooks live in the project checkout (`data/raw`, `notebooks/`); a package
installed elsewhere finds them through REGIONANALYSE_HOME or REGIONANALYSE_RAW.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _project_root() -> Path:
    """The checkout holding data/raw: $REGIONANALYSE_HOME, else the package's parent folder."""
    home = os.environ.get("REGIONANALYSE_HOME")
    return Path(home).resolve() if home else PACKAGE_DIR.parent


PROJECT_ROOT = _project_root()
RAW_DIR = Path(os.environ.get("REGIONANALYSE_RAW", PROJECT_ROOT / "data" / "raw"))
PROCESSED_DIR = Path(os.environ.get("REGIONANALYSE_PROCESSED", PROJECT_ROOT / "data" / "processed"))
NOTEBOOK_DIR = Path(os.environ.get("REGIONANALYSE_NOTEBOOKS", PROJECT_ROOT / "notebooks"))
BUILTIN_PROPOSAL_DIR = PACKAGE_DIR / "model" / "builtin"
LEAFLET_DIR = PACKAGE_DIR / "assets" / "leaflet"
CONFIG_FILE = "regionanalyse.toml"  # read from the working directory
DEFAULT_OUT = Path("reports")       # relative to the working directory
DEFAULT_YEAR = 2016
DEFAULT_PROPOSAL = "nav-2016-11"
