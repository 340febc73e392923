"""The analyst's façade: load a proposal and ask it for figures, maps, comparisons and edits.

    >>> import regionanalyse as ra
    >>> p = ra.proposal("nav-2016-11")
    >>> p.figures(2016)             # one row per region
    >>> q = p.move("0219", to="Oslo")

Each method is a one-line delegation to the module that does the work.
"""
from __future__ import annotations

import dataclasses
import html
from dataclasses import dataclass, fields

from .config import DEFAULT_YEAR
from .indicators import proposals as _proposals
from .indicators import scores as _scores
from .indicators.keyfigures import key_figures
from .present import maps
from .model import proposal as model
from .model.proposal import builtin_ids, load
from .territory import edit
from .territory.validate import validate


@dataclass(frozen=True)
class Proposal(model.Proposal):
    """A validated proposal with conveniences for notebooks; edits return new proposals."""

    def figures(self, year: int = DEFAULT_YEAR, arsverk_file=None):
        """Key figures per region (the numbers of `regionanalyse table`)."""
        return key_figures(self, year, arsverk_file).table

    def map(self, year: int = DEFAULT_YEAR, region: str | None = None):
        """Static map of all regions, or of one region (matplotlib axes)."""
        return maps.region_map(self, region, year) if region else maps.overview_map(self, year)

    def compare(self, other: model.Proposal, year: int = DEFAULT_YEAR):
        """Where each region's kommuner go under `other` (flows; `hovedstrom` False = moved)."""
        return _proposals.flows(self, other, year)

    def score(self, year: int = DEFAULT_YEAR):
        """One row of plan scores (the columns of `regionanalyse score`): balance, compactness,
        split BA-regions, distance to the seat, most kommuner in one region."""
        return _scores.score(self, year)

    def move(self, code: str, to: str) -> "Proposal":
        """Move a fylke or kommune code to region `to`, e.g. p.move("0219", to="Oslo")."""
        return edit.move(self, code, to)

    def merge(self, names: list[str], new_name: str, seat: str | None = None) -> "Proposal":
        """Merge the named regions into one called `new_name`."""
        return edit.merge(self, names, new_name, seat)

    def split(self, name: str, members: list[str], new_name: str, seat: str | None = None) -> "Proposal":
        """Split some member codes of region `name` out into a new region."""
        return edit.split(self, name, members, new_name, seat)

    def rename(self, old: str, new: str) -> "Proposal":
        """Rename a region."""
        return edit.rename(self, old, new)

    def carried_forward(self, year: int, placements: dict | None = None, majority: bool = False):
        """The proposal carried forward to the kommune structure of `year`: `.changes` (what
        moved), `.straddling` (kommuner with land in several regions, people per region) and
        `.proposal` (None until every straddling kommune is placed, by `placements`
        {kommunenummer: region} or `majority`)."""
        from .territory.carry import carry_forward

        result = carry_forward(self, year, placements, majority)
        if result.proposal is None:
            return result
        return dataclasses.replace(result, proposal=_as_api(result.proposal))

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td>{html.escape(r.name)}</td><td>{html.escape(', '.join(r.members))}</td>"
                       f"<td>{html.escape(r.seat or '')}</td></tr>" for r in self.regions)
        return (f"<p><strong>{html.escape(self.name)}</strong> ({html.escape(self.id)}, kodeår "
                f"{self.vintage}, {len(self.regions)} regioner)</p><table><tr><th>Region</th>"
                f"<th>Medlemmer</th><th>Sete</th></tr>{rows}</table>")


def proposal(ref) -> Proposal:
    """Load and validate a proposal: a built-in id (see `proposals()`), a YAML path or a Proposal."""
    loaded = load(ref)
    validate(loaded)
    return Proposal(**{f.name: getattr(loaded, f.name) for f in fields(model.Proposal)})


def adjacency(year: int, level: str = "kommune"):
    """Neighbour graph (networkx) of kommuner or fylker valid in `year`; rules in
    `regionanalyse.territory.adjacency` (land borders; bridges, tunnels and ferries listed in
    data/raw/sjoforbindelser.csv)."""
    from .territory.adjacency import adjacency as _adjacency

    return _adjacency(year, level)


def proposals() -> list[str]:
    """Ids of the built-in proposals."""
    return builtin_ids()


def editor(ref, year: int = DEFAULT_YEAR, units: str = "kommune"):
    """Draw a proposal (an id, a YAML path or a Proposal) on the map in JupyterLab: a widget
    with the figures, scores and warnings after every edit; `.proposal` (a Proposal, so
    `.figures(year)` and `.score(year)` work), `.save(path)`, the edits, `.undo()`.
    `units="fylke"`: the map shows the fylker and a click paints a whole fylke."""
    from .present.editor.widget import editor as _editor

    return _editor(proposal(ref), year, wrap=_as_api, units=units)


def _as_api(plain: model.Proposal) -> Proposal:
    return Proposal(**{f.name: getattr(plain, f.name) for f in fields(model.Proposal)})
