"""The output folder of `regionanalyse alternatives`: its marker and its settings file.

A folder is the command's own when it holds the marker `.regionanalyse-alternativer` (written
when the folder is claimed) or a valid `innstillinger.json` (written by earlier versions); only
then does the command write into a folder that is not empty.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..errors import DataError
from ..statefile import read_json

MARKER = ".regionanalyse-alternativer"
SETTINGS = "innstillinger.json"
SETTING_TYPES = {"year": int, "level": str, "regions": int, "n": int, "seed": int,
                 "tolerance": (int, float), "keep_ba": bool, "forslag": str, "unike_planer": int}


def read_settings(folder: Path) -> dict:
    """innstillinger.json of an alternatives folder, checked; a DataError naming the file and
    the fault otherwise."""
    path = Path(folder) / SETTINGS
    data, problem = read_json(path, limit=100_000)
    if problem is None and data is None:
        problem = "finnes ikke (kjør regionanalyse alternatives først)"
    if problem is None and not isinstance(data, dict):
        problem = "er ikke et JSON-kart"
    if problem is None:
        for key, kind in SETTING_TYPES.items():
            value = data.get(key)
            if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
                problem = f"feltet «{key}» mangler eller har feil type"
                break
    if problem:
        raise DataError(f"{path}: {problem}")
    return data


def owned(folder: Path) -> bool:
    """True when `folder` was written by `alternatives` (see the module docstring)."""
    folder = Path(folder)
    if (folder / MARKER).is_file() and not (folder / MARKER).is_symlink():
        return True
    try:
        read_settings(folder)
    except DataError:
        return False
    return True


def symlinks(folder: Path) -> list[Path]:
    """Symbolic links anywhere in `folder` (not followed): the command writes through none."""
    found = []
    for root, dirs, files in os.walk(folder):
        found += [Path(root) / name for name in dirs + files if os.path.islink(os.path.join(root, name))]
    return found
