"""The editor's panel: figures per region, plan scores and warnings, from label arrays.

The incremental path: an edit changes the region index of some vintage kommuner; everything
here is a handful of numpy reductions over the ~430 kommuner (no merges, no dissolves, no
validation from scratch), and the one graph question (is a region in one piece?) is asked
again only for regions whose kommuner changed (`Contiguity`). Each figure has the definition
its home in `indicators` gives it (tested equal to `p.figures`, `p.score` and `validate`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ...ensemble.run import DECIMALS, percentile, shares
from ...ensemble.folder import read_settings
from ...errors import DataError
from ...indicators.scores import SCORE_COLUMNS, ba_per_region, score_labels
from ...model.proposal import quote
from ...territory.adjacency import disconnected_parts
from ...territory.seats import largest_units
from .basis import Basis

REGION_COLUMNS = ["region", "folkemengde", "avvik_pst", "antall_kommuner", "areal_km2",
                  "ba_regioner", "ba_delt", "bosatt_delt_ba", "sete", "sete_oppgitt",
                  "avstand_maks_km"]


@dataclass(frozen=True)
class Panel:
    """What the editor shows after an edit.

    regions: one row per region of the editor (empty ones too), columns REGION_COLUMNS:
    population 1 January of the year, deviation from the ideal size (total / regions with
    kommuner, %), kommuner of the year, area km² (one basis), BA-regions with kommuner in the
    region / split by its border / the region's own residents in them, the seat (the proposal's,
    else the most populous kommune: `sete_oppgitt` False) and the farthest kommune from it.
    scores: one row, the columns of `regionanalyse score`. warnings: as `validate(geometry=True)`
    gives them, plus empty regions; `flags`: per warning, (region index, short label) for the
    region list.
    """

    regions: pd.DataFrame
    scores: pd.DataFrame
    warnings: tuple[str, ...]
    flags: tuple[tuple[int, str], ...] = ()


def _sum(labels: np.ndarray, k: int, weights) -> np.ndarray:
    keep = labels >= 0
    return np.bincount(labels[keep], weights=np.broadcast_to(weights, labels.shape)[keep], minlength=k)


def region_figures(b: Basis, labels_y: np.ndarray, names: list[str], seats: np.ndarray,
                   official: np.ndarray, seat_names: list[str | None]) -> pd.DataFrame:
    """Figures per region from the region index of each kommune of the year (see Panel)."""
    k = len(names)
    pop = _sum(labels_y, k, np.nan_to_num(b.pop))
    count = _sum(labels_y, k, 1.0).astype(int)
    present = count > 0
    ideal = np.nan_to_num(b.pop).sum() / max(int(present.sum()), 1)
    ba = ba_per_region(b.ba, b.n_ba, np.nan_to_num(b.pop), labels_y, k)
    dist = np.full(k, np.nan)
    placed = labels_y >= 0
    unit_dist = b.ctx.dist_km[np.flatnonzero(placed), seats[labels_y[placed]]]
    np.fmax.at(dist, labels_y[placed], unit_dist.astype(float))
    seat_names = [(given if official[r] else b.ctx.names[s]) if present[r] else None
                  for r, (s, given) in enumerate(zip(seats, seat_names))]
    return pd.DataFrame({
        "region": names,
        "folkemengde": pd.array(np.where(present, pop, np.nan), dtype="Int64"),
        "avvik_pst": np.where(present, 100 * (pop - ideal) / ideal, np.nan),
        "antall_kommuner": count,
        "areal_km2": np.where(present, _sum(labels_y, k, b.area_km2), np.nan),
        "ba_regioner": ba["ba_regioner"],
        "ba_delt": ba["ba_delt"],
        "bosatt_delt_ba": ba["bosatt_delt_ba"],
        "sete": seat_names,
        "sete_oppgitt": official & present,
        "avstand_maks_km": dist,
    }, columns=REGION_COLUMNS)


def seat_units(b: Basis, labels_y: np.ndarray, k: int, official: np.ndarray) -> np.ndarray:
    """Seat per region as a kommune of the year: the official one where given (≥ 0), else the
    region's most populous kommune (the comparison rule, `largest_units`)."""
    most = largest_units(labels_y[None, :], b.ctx.pop, k)[0]
    return np.where(official >= 0, official, most)


def plan_scores(b: Basis, labels_y: np.ndarray, official: np.ndarray, plan_id: str) -> pd.DataFrame:
    """The `score` row of the plan: regions are renumbered over those with kommuner, as
    `scores.proposal_labels` numbers them."""
    used = np.unique(labels_y[labels_y >= 0])
    renumber = np.full(len(official), -1)
    renumber[used] = np.arange(len(used))
    row = score_labels(b.ctx, renumber[labels_y][None, :], official[used][None, :])
    row.insert(0, "aar", b.year)
    row.insert(0, "forslag", plan_id)
    return row


@dataclass(frozen=True)
class Alternatives:
    """An ensemble's scores (as `alternatives` stores them: rounded to DECIMALS), sorted once
    per column, for the shares below/equal/above the drawing in O(log N) per edit."""

    year: int
    regions: int               # K of the ensemble
    method: str                # "eksakt" or "utvalg"
    level: str                 # units: "fylke" or "kommune"
    n: int
    sorted_scores: dict        # score column → sorted values

    @classmethod
    def of(cls, ensemble) -> "Alternatives":
        """From an Ensemble (`regionanalyse.ensemble.run.run`)."""
        req = ensemble.request
        return cls(int(req.year), int(req.regions), ensemble.method, req.level, len(ensemble.scores),
                   {c: np.sort(ensemble.scores[c].to_numpy(dtype=float)) for c in SCORE_COLUMNS})

    @classmethod
    def read(cls, folder) -> "Alternatives":
        """From the output folder of `regionanalyse alternatives` (innstillinger.json and
        ensemble.csv); a DataError naming the file when one is missing or malformed."""
        folder = Path(folder)
        settings = read_settings(folder)
        path = folder / "ensemble.csv"
        try:
            scores = pd.read_csv(path, usecols=SCORE_COLUMNS, dtype={c: float for c in SCORE_COLUMNS})
        except (OSError, ValueError) as exc:
            raise DataError(f"{path}: kan ikke leses som ensemblets mål ({exc})") from None
        if scores.empty or scores.isna().any().any():
            raise DataError(f"{path}: ingen planer, eller mål som mangler")
        return cls(int(settings["year"]), int(settings["regions"]), str(settings.get("metode", "utvalg")),
                   str(settings["level"]), len(scores),
                   {c: np.sort(scores[c].to_numpy(dtype=float)) for c in SCORE_COLUMNS})

    def shares(self, own: pd.Series) -> dict[str, dict[str, float]] | None:
        """Per score, as forslag.csv: percent of plans below, equal to and above the drawing's
        value rounded to DECIMALS (`andel_lavere`, `andel_lik`, `andel_hoyere`) and
        `persentil` (below + half the ties). `own` must use the alternatives' seat rule (each
        region's most populous kommune). None when the drawing has another number of regions
        than the ensemble (not like with like)."""
        if int(own["regioner"]) != self.regions:
            return None
        out = {}
        for col, values in self.sorted_scores.items():
            lower, tie, higher = shares(values, round(float(own[col]), DECIMALS), presorted=True)
            out[col] = {"andel_lavere": lower, "andel_lik": tie, "andel_hoyere": higher,
                        "persentil": percentile(lower, tie)}
        return out


class Contiguity:
    """Detached parts per region, asked again only when the region's kommuner change."""

    def __init__(self, b: Basis):
        self.basis = b
        self._memo: dict[frozenset, list[list[str]]] = {}

    def parts(self, members: np.ndarray) -> list[list[str]]:
        key = frozenset(members.tolist())
        if key not in self._memo:
            codes = [self.basis.codes[i] for i in sorted(key)]
            graph = self.basis.graph
            self._memo[key] = [[graph.nodes[c]["navn"] for c in part]
                               for part in disconnected_parts(graph, codes)]
        return self._memo[key]


def warnings(b: Basis, contiguity: Contiguity, labels: np.ndarray, names: list[str],
             seats: list[str | None], seat_codes: list[str | None]) -> tuple[tuple[str, ...], tuple]:
    """Warnings in the order and words of `validate(geometry=True)`, then empty regions; and
    per warning (region index, short label)."""
    out, flags = [], []
    for r, (name, seat, code) in enumerate(zip(names, seats, seat_codes)):
        if seat is not None and code is not None and labels[b.index[code]] != r and (labels == r).any():
            out.append(f"region «{name}»: setet {seat} ligger utenfor regionen")
            flags.append((r, "setet ligger utenfor"))
    for r, name in enumerate(names):
        parts = contiguity.parts(np.flatnonzero(labels == r))
        if parts:
            listed = "; ".join(", ".join(p) for p in parts)
            out.append(f"region «{name}» er ikke sammenhengende: atskilt fra resten: {listed}")
            flags.append((r, "ikke sammenhengende"))
    for r, name in enumerate(names):
        if not (labels == r).any():
            out.append(f"region «{quote(name)}» er tom: den er ikke med i forslaget før den får en kommune")
            flags.append((r, "tom"))
    return tuple(out), tuple(flags)
