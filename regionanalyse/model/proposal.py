"""Region proposals as data: the Proposal/Region model, YAML reading and writing."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..config import BUILTIN_PROPOSAL_DIR as BUILTIN_DIR
from ..errors import ProposalError


@dataclass(frozen=True)
class Region:
    """One region: a name, its member codes (fylker and/or kommuner) and an optional seat."""

    name: str
    members: tuple[str, ...]
    seat: str | None = None


@dataclass(frozen=True)
class Proposal:
    """A region proposal: which fylker/kommuner of `vintage` form which region."""

    id: str
    name: str
    vintage: int
    regions: tuple[Region, ...]
    source: str = ""
    note: str = ""
    origin: str = field(default="", compare=False)  # file it came from, for messages

    def region_names(self) -> list[str]:
        return [r.name for r in self.regions]

    def region(self, name: str) -> Region:
        """The region called `name`; a ProposalError listing the names if there is none."""
        for region in self.regions:
            if region.name == name:
                return region
        raise ProposalError(self.origin or self.id, [f"ingen region heter «{name}»; regionene er "
                                                     f"{', '.join(self.region_names())}"])

    def replace(self, **changes) -> "Proposal":
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        out = {"id": self.id, "name": self.name, "vintage": self.vintage, "source": self.source}
        if self.note:
            out["note"] = self.note
        out["regions"] = [{"name": r.name, **({"seat": r.seat} if r.seat else {}),
                           "members": list(r.members)} for r in self.regions]
        return out

    def to_yaml(self, path: str | Path | None = None) -> str:
        """YAML text of the proposal; also written to `path` when given."""
        text = yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text


def _code(value, where: str, origin: str) -> str:
    """Normalise a member code; YAML may have turned '03' into 3."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ProposalError(origin, [f"{where}: medlem «{value}» er ikke en fylkes- eller kommunekode"])
    if isinstance(value, int):
        return str(value).zfill(2 if value < 100 else 4)
    return value.strip()


def from_dict(data, origin: str) -> Proposal:
    """Build a Proposal from parsed YAML, with messages naming the file and the fault."""
    if not isinstance(data, dict):
        raise ProposalError(origin, ["filen er ikke et YAML-kart med id, name, vintage og regions"])
    faults = [f"mangler feltet «{k}»" for k in ("id", "name", "vintage", "regions") if k not in data]
    if faults:
        raise ProposalError(origin, faults)
    try:
        vintage = int(data["vintage"])
    except (TypeError, ValueError):
        raise ProposalError(origin, [f"vintage «{data['vintage']}» er ikke et årstall"]) from None
    raw_regions = data["regions"]
    if not isinstance(raw_regions, list) or not raw_regions:
        raise ProposalError(origin, ["«regions» må være en ikke-tom liste"])
    regions = []
    for i, item in enumerate(raw_regions, start=1):
        if not isinstance(item, dict) or not str(item.get("name") or "").strip():
            raise ProposalError(origin, [f"region nr. {i} mangler navn (name)"])
        name = str(item["name"]).strip()
        members = item.get("members") or []
        if not isinstance(members, list):
            raise ProposalError(origin, [f"region «{name}»: members må være en liste"])
        seat = item.get("seat")
        regions.append(Region(name=name,
                              members=tuple(_code(m, f"region «{name}»", origin) for m in members),
                              seat=str(seat).strip() if seat not in (None, "") else None))
    return Proposal(id=str(data["id"]), name=str(data["name"]), vintage=vintage,
                    regions=tuple(regions), source=str(data.get("source") or ""),
                    note=str(data.get("note") or ""), origin=origin)


def read_yaml(path: str | Path) -> Proposal:
    """Read a proposal file (not yet validated against the data)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProposalError(str(path), [f"kan ikke leses ({exc.strerror})"]) from exc
    except UnicodeDecodeError:
        raise ProposalError(str(path), ["er ikke UTF-8-tekst"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (linje {mark.line + 1})" if mark else ""
        raise ProposalError(str(path), [f"ugyldig YAML{where}: {getattr(exc, 'problem', exc)}"]) from None
    return from_dict(data, str(path))


def builtin_ids() -> list[str]:
    """Ids of the built-in proposals."""
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.yaml"))


def load(ref: str | Path | Proposal) -> Proposal:
    """A proposal from a built-in id, a YAML path, or a Proposal (returned as is)."""
    if isinstance(ref, Proposal):
        return ref
    ref_str = str(ref)
    if ref_str in builtin_ids():
        return read_yaml(BUILTIN_DIR / f"{ref_str}.yaml")
    path = Path(ref_str)
    if path.suffix.lower() in (".yaml", ".yml") or path.exists():
        return read_yaml(path)
    raise ProposalError(ref_str, [f"ukjent forslag; innebygde er {', '.join(builtin_ids())}, "
                                  "ellers oppgi stien til en YAML-fil"])
