"""The editor without a browser: a proposal being drawn, its edits, undo/redo and its panel.

    >>> ed = EditorModel(proposal, 2016)
    >>> ed.assign("0219", "Oslo"); ed.panel.regions; ed.undo()
    >>> ed.proposal            # an ordinary Proposal at every moment
    >>> ed.save("mitt_forslag.yaml")

Edits change the members as `territory.edit` does (a kommune moved out of a region listed by
fylke expands that fylke), so the same edits through the editor and through `p.move` give the
same proposal; unlike `p.move`, an edit is not validated from scratch (nothing an edit can do
needs it) and a region may be empty while it is being drawn (it is then left out of
`proposal` and named in the warnings).
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...config import DEFAULT_YEAR
from ...errors import ProposalError
from ...memo import memo
from ...model import Proposal, Region
from ...model.proposal import ID_PATTERN, MAX_NAME, MAX_TEXT, name_key, quote, text_faults
from ...sources import codes as code_lists
from ...sources import succession
from ...territory.seats import find_seat
from ...territory.validate import validate
from .basis import Basis, basis, year_labels
from .panel import Alternatives, Contiguity, Panel, plan_scores, region_figures, seat_units, warnings


UNITS = ("kommune", "fylke")


@memo(8)
def fylke_names(vintage: int) -> dict[str, str]:
    fylker = code_lists.fylke_codes(vintage)
    return dict(zip(fylker["fylkesnummer"].astype(str), fylker["fylkesnavn"].astype(str)))


@dataclass(frozen=True)
class Slot:
    """A region while it is drawn: `key` stays the same through renames (for the change note)."""

    key: int
    name: str
    members: tuple[str, ...]
    seat: str | None = None


class EditorModel:
    """A proposal being edited, with its panel recomputed after every edit."""

    def __init__(self, proposal: Proposal, year: int = DEFAULT_YEAR, units: str = "kommune"):
        validate(proposal)
        if units not in UNITS:
            raise ProposalError(proposal.id, [f"units må være «kommune» eller «fylke», ikke «{quote(str(units))}»"])
        self.start = proposal
        self.year = int(year)
        self.units = units
        self.basis: Basis = basis(proposal.vintage, self.year)
        self._contiguity = Contiguity(self.basis)
        self._seat_codes: dict[str, str | None] = {}
        self._slots = tuple(Slot(i, r.name, r.members, r.seat) for i, r in enumerate(proposal.regions))
        self._next_key = len(self._slots)
        self._undo: list[tuple[Slot, ...]] = []
        self._redo: list[tuple[Slot, ...]] = []
        self.alternatives: Alternatives | None = None
        self._refresh()
        if units == "fylke":
            split = self._split_fylker()
            if split:
                raise ProposalError(proposal.id, [f"forslaget deler fylker ({', '.join(split)}): det kan "
                                                  "bare tegnes med kommuner (units=\"kommune\")"])

    def use_ensemble(self, ensemble) -> "EditorModel":
        """Show, after every edit, where the drawing falls among the plans of `ensemble`: an
        Ensemble (`regionanalyse.ensemble.run.run`) or the output folder of
        `regionanalyse alternatives`, for the same year. The shares below/equal/above and the
        percentile of each score are the alternatives appendix's (forslag.csv): the drawing
        scored with each region's most populous kommune as seat, values rounded to 6 decimals."""
        alt = Alternatives.of(ensemble) if hasattr(ensemble, "request") else Alternatives.read(ensemble)
        if alt.year != self.year:
            raise ProposalError(self.start.id, [f"ensemblet gjelder {alt.year}, editoren {self.year}"])
        self.alternatives = alt
        self._refresh()
        return self

    # --- what the editor holds -------------------------------------------------------------
    @property
    def regions(self) -> list[str]:
        """Region names in order, empty regions included."""
        return [s.name for s in self._slots]

    @property
    def slots(self) -> tuple[Slot, ...]:
        """The regions as drawn (empty ones too), each with a key that survives renames."""
        return self._slots

    @property
    def labels(self) -> np.ndarray:
        """Region index (into `regions`) of every vintage kommune (`basis.codes`)."""
        return self._labels.copy()

    @property
    def proposal(self) -> Proposal:
        """The drawing as an ordinary Proposal (regions without kommuner left out)."""
        if self._proposal is None:
            base = self.start
            self._proposal = Proposal(
                id=_derived_id(base.id), name=_derived_name(base.name), vintage=base.vintage,
                regions=tuple(Region(s.name, s.members, s.seat) for s in self._slots if s.members),
                source=base.source, note=base.note)
        return self._proposal

    def region_of(self, code: str) -> str | None:
        """The region a vintage kommune is drawn in."""
        r = self._labels[self._unit(code)]
        return self._slots[r].name if r >= 0 else None

    # --- edits ---------------------------------------------------------------------------------
    def assign(self, code: str, region: str) -> "EditorModel":
        """Put a kommune (or a whole fylke) of the vintage into `region`; as `p.move`."""
        return self.assign_many([code], region)

    def assign_many(self, codes: list[str], region: str) -> "EditorModel":
        """Put several kommuner (or fylker) into `region` as one edit (one undo step). With
        fylke units a kommune stands for its whole fylke."""
        target = self._slot(region)
        slots = self._slots
        if self.units == "fylke":
            codes = list(dict.fromkeys(self._fylke_of(c) for c in codes))
        for code in codes:
            if not self.basis.kommuner_of(code):
                raise ProposalError(self.start.id, [f"«{quote(code)}» er ikke en fylkes- eller "
                                                    f"kommunekode i {self.start.vintage}-inndelingen"])
            slots = self._moved(slots, code, target.key)
        return self._commit(slots)

    def _moved(self, slots: tuple[Slot, ...], code: str, key: int) -> tuple[Slot, ...]:
        """`slots` with `code` moved into the slot `key` (members as `territory.edit.move`)."""
        region_of = {m: s.key for s in slots for m in s.members}
        if region_of.get(code) == key or (len(code) == 4 and region_of.get(code[:2]) == key):
            return slots
        out = []
        for slot in slots:
            members = [m for m in slot.members if m != code]
            if len(code) == 4 and code[:2] in members and slot.key != key:
                members.remove(code[:2])
                members += [k for k in self.basis.codes[self.basis.fylke == code[:2]] if k != code]
            if len(code) == 2:  # a whole fylke: its kommuner listed one by one go too
                members = [m for m in members if m[:2] != code or len(m) == 2]
            if slot.key == key:
                members.append(code)
            out.append(dataclasses.replace(slot, members=tuple(members)))
        return tuple(out)

    def add_region(self, name: str, seat: str | None = None) -> "EditorModel":
        """A new, empty region at the end of the list."""
        name = self._check_name(name.strip() if isinstance(name, str) else name)
        slot = Slot(self._next_key, name, (), None)
        self._next_key += 1
        self._commit(self._slots + (slot,))
        return self.set_seat(name, seat) if seat else self

    def rename(self, old: str, new: str) -> "EditorModel":
        """Rename a region."""
        key = self._slot(old).key
        new = self._check_name(new.strip() if isinstance(new, str) else new, ignore=key)
        return self._commit(tuple(dataclasses.replace(s, name=new) if s.key == key else s
                                  for s in self._slots))

    def remove_region(self, name: str, to: str | None = None) -> "EditorModel":
        """Remove a region; its kommuner go to region `to` (needed unless it is empty)."""
        slot = self._slot(name)
        if slot.members and to is None:
            raise ProposalError(self.start.id, [f"region «{quote(name)}» har kommuner: oppgi hvilken "
                                                "region de skal til (to=…)"])
        target = self._slot(to).key if to is not None else None
        if target == slot.key:
            raise ProposalError(self.start.id, [f"kommunene i «{quote(name)}» kan ikke flyttes til "
                                                "regionen selv"])
        return self._commit(tuple(dataclasses.replace(s, members=s.members + slot.members)
                                  if s.key == target else s for s in self._slots if s.key != slot.key))

    def set_seat(self, region: str, seat: str | None) -> "EditorModel":
        """Set (or with None clear) the seat: a kommune name or code of the vintage."""
        key = self._slot(region).key
        if seat is not None:
            hit = find_seat(self.start, str(seat).strip())
            if hit is None:
                raise ProposalError(self.start.id, [f"ukjent sete «{quote(seat)}» (ingen kommune med det "
                                                    f"navnet eller nummeret i {self.start.vintage})"])
            seat = _seat_text(self.basis, hit["kommunenummer"])
        return self._commit(tuple(dataclasses.replace(s, seat=seat) if s.key == key else s
                                  for s in self._slots))

    def undo(self) -> "EditorModel":
        """Go back one edit (nothing to undo: no change)."""
        if self._undo:
            self._redo.append(self._slots)
            self._slots = self._undo.pop()
            self._refresh()
        return self

    def redo(self) -> "EditorModel":
        """Do again the edit last undone."""
        if self._redo:
            self._undo.append(self._slots)
            self._slots = self._redo.pop()
            self._refresh()
        return self

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    # --- saving ----------------------------------------------------------------------------
    def changes(self) -> list[str]:
        """What was changed from the starting proposal, one sentence each (Norwegian)."""
        return _changes(self.basis, self.start, self._slots)

    def save(self, path, id: str | None = None, name: str | None = None) -> Proposal:
        """Write the drawing as a proposal file that validates: the id from `id` or the file
        name, the starting proposal's source line and a note listing what was changed."""
        path = Path(path)
        pid = id if id is not None else path.stem.lower().replace(" ", "-")
        if not ID_PATTERN.fullmatch(pid):
            pid = _derived_id(self.start.id)
        note = _note(self.start, self.changes())
        out = dataclasses.replace(self.proposal, id=pid, name=name or self.proposal.name,
                                  note=note, source=_source(self.start))
        validate(out)
        out.to_yaml(path)
        return out

    # --- internals -------------------------------------------------------------------------
    def _commit(self, slots: tuple[Slot, ...]) -> "EditorModel":
        if slots != self._slots:
            self._undo.append(self._slots)
            self._redo.clear()
            self._slots = slots
            self._refresh()
        return self

    def _refresh(self) -> None:
        """Labels and panel of the current slots: the incremental path (see panel.py)."""
        b = self.basis
        labels = np.full(len(b.codes), -1, dtype=np.int64)
        for r, slot in enumerate(self._slots):
            for code in slot.members:
                labels[b.kommuner_of(code)] = r
        self._labels = labels
        self._proposal = None
        k = len(self._slots)
        labels_y = year_labels(b, labels, k)
        seat_codes = [self._seat_code(s.seat) if s.seat else None for s in self._slots]
        official = np.array([_year_unit(b.vintage, b.year, c) if c else -1 for c in seat_codes],
                            dtype=np.int64)
        seats = seat_units(b, labels_y, k, official)
        names = self.regions
        seat_names = [b.names[b.index[c]] if c else None for c in seat_codes]
        texts, flags = warnings(b, self._contiguity, labels, names, [s.seat for s in self._slots],
                                seat_codes)
        self.panel = Panel(
            regions=region_figures(b, labels_y, names, seats, official >= 0, seat_names),
            scores=plan_scores(b, labels_y, official, self.proposal.id), warnings=texts, flags=flags)
        self.shares, self.unlike = None, None
        alt = self.alternatives
        if alt is not None:
            if alt.level == "fylke" and self._splits_year_fylker(labels_y):
                self.unlike = "tegningen deler fylker, ensemblet har bare hele fylker"
            else:
                # one seat rule on both sides, as `alternatives`: each region's most populous kommune
                own = plan_scores(b, labels_y, np.full(k, -1, dtype=np.int64), self.proposal.id)
                self.shares = alt.shares(own.iloc[0])
                if self.shares is None:
                    self.unlike = (f"ensemblet har {alt.regions} regioner, tegningen "
                                   f"{int(own['regioner'].iloc[0])}")

    @property
    def percentiles(self) -> dict[str, float] | None:
        """Per score, the drawing's percentile among the alternatives (None: no ensemble, or
        not like with like: see `unlike`)."""
        return None if self.shares is None else {c: v["persentil"] for c, v in self.shares.items()}

    def _splits_year_fylker(self, labels_y: np.ndarray) -> bool:
        """Whether some fylke of the year has kommuner in two regions."""
        fylke = np.array([c[:2] for c in self.basis.ctx.codes])
        placed = labels_y >= 0
        pairs = np.unique(np.stack([np.unique(fylke, return_inverse=True)[1][placed], labels_y[placed]]), axis=1)
        return len(np.unique(pairs[0])) < pairs.shape[1]

    def _seat_code(self, seat: str) -> str | None:
        """The vintage kommune a seat names (find_seat, once per seat text: it is slow)."""
        if seat not in self._seat_codes:
            hit = find_seat(self.start, seat)
            self._seat_codes[seat] = None if hit is None else hit["kommunenummer"]
        return self._seat_codes[seat]

    def _fylke_of(self, code: str) -> str:
        """The fylke a vintage kommune code lies in (a fylke code, or an unknown code, as given)."""
        return str(self.basis.fylke[self.basis.index[code]]) if code in self.basis.index else code

    def _split_fylker(self) -> list[str]:
        """Names of the vintage fylker whose kommuner are not all drawn in one region."""
        b, out = self.basis, []
        for code in dict.fromkeys(b.fylke.tolist()):
            if len(set(self._labels[b.fylke == code].tolist())) > 1:
                out.append(fylke_names(b.vintage).get(code, code))
        return out

    def _slot(self, name: str) -> Slot:
        for slot in self._slots:
            if slot.name == name:
                return slot
        raise ProposalError(self.start.id, [f"ingen region heter «{quote(name)}»; regionene er "
                                            f"{', '.join(self.regions)}"])

    def _unit(self, code: str) -> int:
        if code not in self.basis.index:
            raise ProposalError(self.start.id, [f"«{quote(code)}» er ikke en kommunekode i "
                                                f"{self.start.vintage}-inndelingen"])
        return self.basis.index[code]

    def _check_name(self, name, ignore: int | None = None) -> str:
        """A region name the proposal may hold: text, no control characters, at most 120
        characters, not the same as another region's as people read it."""
        if not isinstance(name, str) or not name:
            raise ProposalError(self.start.id, ["en region må ha et navn"])
        probe = Proposal(id="x", name="x", vintage=self.start.vintage,
                         regions=(Region(name, ("x",)),))
        faults = text_faults(probe)
        faults += [f"regionnavnet «{quote(name)}» leses likt som «{quote(s.name)}»"
                   for s in self._slots if s.key != ignore and name_key(s.name) == name_key(name)]
        if faults:
            raise ProposalError(self.start.id, faults)
        return name


def _derived_id(base: str) -> str:
    return f"{base.removesuffix('-endret')[:57]}-endret"


def _derived_name(base: str) -> str:
    name = f"{base} (tegnet i editoren)" if not base.endswith("(tegnet i editoren)") else base
    return name if len(name) <= MAX_NAME else name[:MAX_NAME - 1] + "…"


def _source(start: Proposal) -> str:
    today = _dt.date.today().isoformat()
    text = f"Tegnet i regionanalyse-editoren {today} med utgangspunkt i {start.id}"
    return f"{text} ({start.source})" if start.source else text


def _note(start: Proposal, changes: list[str]) -> str:
    """What was changed, then the starting proposal's own note (the first to be cut short)."""
    text = f"Endret fra {start.id}: " + "; ".join(changes) + "." if changes else f"Uendret fra {start.id}."
    if start.note:
        text += f" Merknad i {start.id}: {start.note}"
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


def _seat_text(b: Basis, code: str) -> str:
    """A seat as the proposal files write it: the kommune's name, its code when the name is
    shared by another kommune of the vintage (Våler, Herøy, …)."""
    name = b.names[b.index[code]]
    return name if (b.names == name).sum() == 1 else code


@memo(1024)
def _year_unit(vintage: int, year: int, code: str) -> int:
    """A vintage seat as a unit of the year's score context (as `scores.proposal_labels`)."""
    b = basis(vintage, year)
    cross = succession.crosswalk(vintage, year)
    to = cross[cross["code_from"] == code].sort_values("weight", ascending=False)
    index = b.ctx.index()
    return index[to["code_to"].iloc[0]] if len(to) and to["code_to"].iloc[0] in index else -1


def _changes(b: Basis, start: Proposal, slots: tuple[Slot, ...]) -> list[str]:
    """Renamed, added and removed regions, moved kommuner (grouped by from → to), seats."""
    before = {i: r for i, r in enumerate(start.regions)}
    now = {s.key: s for s in slots}
    out = [f"«{before[k].name}» omdøpt til «{s.name}»" for k, s in now.items()
           if k in before and before[k].name != s.name]
    out += [f"region «{s.name}» lagt til" for k, s in now.items() if k not in before]
    out += [f"region «{r.name}» fjernet" for k, r in before.items() if k not in now]

    def owner(regions) -> dict[str, int]:
        return {b.codes[u]: key for key, members in regions for m in members for u in b.kommuner_of(m)}

    was = owner((k, r.members) for k, r in before.items())
    becomes = owner((s.key, s.members) for s in slots)
    moves: dict[tuple, list[str]] = {}
    for code in b.codes:
        if was.get(code) != becomes.get(code):
            moves.setdefault((was.get(code), becomes.get(code)), []).append(code)

    def label(key) -> str:
        return now[key].name if key in now else before[key].name if key in before else "ingen region"

    for (a, c), codes_ in moves.items():
        listed = ", ".join(f"{b.names[b.index[k]]} ({k})" for k in codes_)
        out.append(f"{listed} flyttet fra {label(a)} til {label(c)}")
    for k, s in now.items():
        if k in before and (before[k].seat or None) != s.seat:
            out.append(f"sete for «{s.name}»: {s.seat or 'ikke oppgitt'} (før: {before[k].seat or 'ikke oppgitt'})")
    return out
