"""Region proposals as data: the Proposal/Region model, YAML reading and writing."""
from __future__ import annotations

import dataclasses
import os
import re
import stat
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..config import BUILTIN_PROPOSAL_DIR as BUILTIN_DIR
from ..errors import ProposalError

# Limits for a proposal file from anyone (README «Sikkerhet»)
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 6           # a proposal nests 4 deep (map → regions → region → members)
MAX_NAME = 120          # proposal and region names, seats
MAX_TEXT = 2000         # source, note
MAX_FAULTS = 20         # lines in one message
TOP_KEYS = ("id", "name", "vintage", "source", "note", "regions")
REGION_KEYS = ("name", "members", "seat")
_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_INT_TAG = "tag:yaml.org,2002:int"
QUOTE_HINT = 'skriv koder og id-er i anførselstegn, f.eks. members: ["0301", "03"]'


class _StrictYAMLError(Exception):
    """A repeated key or a number YAML 1.1 would change; the message names key and line."""


class _StrictLoader(_BASE_LOADER):
    """The safe loader, stricter: a key given twice in one map is refused (the last would win,
    so a reader sees another value than the one built), and so is every number YAML 1.1 would
    silently convert (0301 is octal 193, 0x3 is 3, 2_024 is 2024, 1:20 is 80)."""

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            line = key_node.start_mark.line + 1
            if key in seen:
                raise _StrictYAMLError(f"feltet «{quote(key, 40)}» står to ganger i samme kart "
                                       f"(linje {seen[key]} og {line}); bare én verdi er tillatt")
            seen[key] = line
            items = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            for item in items:
                if (isinstance(item, yaml.ScalarNode) and item.tag == _INT_TAG and not item.style
                        and not _PLAIN_INT.fullmatch(item.value)):
                    raise _StrictYAMLError(
                        f"{quote(key, 40)}: «{quote(item.value, 40)}» (linje {item.start_mark.line + 1}) "
                        f"er et tall YAML ville gjort om (oktal, heksadesimal eller med _); {QUOTE_HINT}, "
                        "og skriv årstall med bare sifre (2024)")
        return super().construct_mapping(node, deep=deep)


def quote(value, limit: int = 80) -> str:
    """A user value for a message: control and invisible format characters shown as escapes
    (\\u200b), at most `limit` characters."""
    text = value if isinstance(value, str) else repr(value)
    text = "".join(c if unicodedata.category(c) not in ("Cc", "Cf", "Cs") and not _noncharacter(c)
                   else f"\\u{ord(c):04x}" for c in text[:limit + 1])
    return text if len(text) <= limit else text[:limit - 1] + "…"


def name_key(text: str) -> str:
    """A name as people read it: NFKC, case folded, format characters (zero-width, soft hyphen)
    removed, so «Nord», «NORD», «No\u200brd» and «Ｎｏｒｄ» are the same name."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return unicodedata.normalize("NFKC", "".join(c for c in text if unicodedata.category(c) != "Cf"))


BIDI = set("\u061c\u200e\u200f") | set(map(chr, range(0x202A, 0x202F))) | set(map(chr, range(0x2066, 0x206A)))


def _noncharacter(c: str) -> bool:
    cp = ord(c)
    return 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE


def _text_faults(value, label: str, limit: int, multiline: bool = False) -> list[str]:
    """Faults of a text field: control characters, text-direction controls (the text would be
    shown in another order than it is stored), noncharacters and unpaired surrogates, length.
    A name (not `multiline`) may hold no invisible format character at all (zero-width, soft
    hyphen …) and no leading or trailing whitespace."""
    faults = []
    allowed = "\n\t" if multiline else ""
    if any(unicodedata.category(c) == "Cc" and c not in allowed for c in value):
        faults.append(f"{label} «{quote(value)}» inneholder kontrolltegn (linjeskift, tabulator e.l.)")
    if any(c in BIDI for c in value):
        faults.append(f"{label} «{quote(value)}» inneholder tegn som snur skriveretningen (bidi, "
                      "f.eks. U+202E); teksten ville vist noe annet enn det som står")
    elif not multiline and any(unicodedata.category(c) == "Cf" for c in value):
        faults.append(f"{label} «{quote(value)}» inneholder usynlige formateringstegn "
                      "(f.eks. nullbreddetegn eller myk bindestrek)")
    if any(_noncharacter(c) or unicodedata.category(c) == "Cs" for c in value):
        faults.append(f"{label} «{quote(value)}» inneholder tegn som ikke er tekst (f.eks. U+FFFF)")
    if not multiline and value != value.strip():
        faults.append(f"{label} «{quote(value)}» begynner eller slutter med mellomrom eller tabulator")
    if len(value) > limit:
        faults.append(f"{label} «{quote(value)}» er {len(value)} tegn; høyst {limit} er tillatt")
    return faults


def text_faults(proposal: "Proposal") -> list[str]:
    """Faults in the proposal's own text, found without any data: the id (it becomes a folder
    name), names as people read them, a code repeated within one region. Linear in members."""
    faults = []
    if not isinstance(proposal.id, str) or not ID_PATTERN.fullmatch(proposal.id):
        faults.append(f"id «{quote(proposal.id)}» er ikke tillatt: bruk små bokstaver a–z, sifre og "
                      ". _ - (først en bokstav eller et siffer, høyst 64 tegn), f.eks. «mitt-forslag»")
    faults += _text_faults(proposal.name, "name", MAX_NAME)
    faults += _text_faults(proposal.source, "source", MAX_TEXT, multiline=True)
    faults += _text_faults(proposal.note, "note", MAX_TEXT, multiline=True)
    seen: dict[str, str] = {}
    for region in proposal.regions:
        if not region.name.strip():
            faults.append("en region mangler navn (name)")
            continue
        faults += _text_faults(region.name, "regionnavnet", MAX_NAME)
        if region.seat is not None:
            faults += _text_faults(region.seat, f"region «{quote(region.name)}»: seat", MAX_NAME)
        key = name_key(region.name)
        if key in seen:
            first = seen[key]
            same = "er brukt mer enn én gang" if first == region.name else \
                f"leses likt som «{quote(first)}» (store/små bokstaver, Unicode-varianter eller usynlige tegn)"
            faults.append(f"regionnavnet «{quote(region.name)}» {same}")
        else:
            seen[key] = region.name
        if not region.members:
            faults.append(f"region «{quote(region.name)}» er tom (ingen members)")
        repeated = [code for code, n in Counter(region.members).items() if n > 1]
        for code in repeated[:5]:
            faults.append(f"region «{quote(region.name)}»: koden «{quote(code)}» står mer enn én gang")
        if len(repeated) > 5:
            faults.append(f"region «{quote(region.name)}»: {len(repeated) - 5} koder til står mer enn én gang")
    return _capped(faults)


def _capped(faults: list[str]) -> list[str]:
    if len(faults) > MAX_FAULTS:
        return faults[:MAX_FAULTS] + [f"… og {len(faults) - MAX_FAULTS} feil til"]
    return faults


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
        raise ProposalError(self.origin or self.id, [f"ingen region heter «{quote(name)}»; regionene er "
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


def _code(value, where: str, faults: list[str]) -> str:
    """A member code: text. A number is refused (YAML reads 0301 as octal and drops the 0 of
    03), with a message that says to quote it."""
    if isinstance(value, int) and not isinstance(value, bool):
        faults.append(f"{where}: medlem {value} er et tall, ikke en kode; {QUOTE_HINT}")
        return ""
    if not isinstance(value, str):
        faults.append(f"{where}: medlem «{quote(value)}» er ikke en fylkes- eller kommunekode (tekst som «03»)")
        return ""
    return value.strip()


def _typed(data: dict, key: str, kind, label: str, faults: list[str], default=None):
    """data[key] if it has the right type (bool is never an int), else a fault and `default`."""
    value = data.get(key, default)
    if value is None or value is default:
        return value
    wrong = isinstance(value, bool) or not isinstance(value, kind)
    if wrong:
        wanted = {str: "tekst", int: "et heltall", list: "en liste"}.get(kind, "en annen type")
        faults.append(f"{label} «{quote(value)}» har feil type ({type(value).__name__}); "
                      f"skal være {wanted}")
        return default
    return value


def _unknown_keys(data: dict, known: tuple[str, ...], where: str) -> list[str]:
    unknown = [k for k in data if k not in known]
    return [f"{where}ukjent felt «{quote(k)}»; kjente felt er {', '.join(known)}" for k in unknown]


def from_dict(data, origin: str) -> Proposal:
    """Build a Proposal from parsed YAML, with messages naming the file and the fault.

    Strict: wrong types and unknown keys are errors that name the key; the proposal's own text
    is checked as well (text_faults)."""
    if not isinstance(data, dict):
        raise ProposalError(origin, ["filen er ikke et YAML-kart med id, name, vintage og regions"])
    faults = [f"mangler feltet «{k}»" for k in ("id", "name", "vintage", "regions") if k not in data]
    faults += _unknown_keys(data, TOP_KEYS, "")
    if faults:
        raise ProposalError(origin, _capped(faults))
    pid = data["id"]
    if not isinstance(pid, str):
        hint = f"; {QUOTE_HINT}" if isinstance(pid, int) and not isinstance(pid, bool) else ""
        faults.append(f"id «{quote(pid)}» har feil type ({type(pid).__name__}); skal være tekst{hint}")
        pid = ""
    name = _typed(data, "name", str, "name", faults, "")
    vintage = data["vintage"]
    if isinstance(vintage, bool) or not isinstance(vintage, int):
        faults.append(f"vintage «{quote(vintage)}» er ikke et årstall (et heltall som 2016)")
        vintage = 0
    source = _typed(data, "source", str, "source", faults, "") or ""
    note = _typed(data, "note", str, "note", faults, "") or ""
    raw_regions = data["regions"]
    if not isinstance(raw_regions, list) or not raw_regions:
        raise ProposalError(origin, _capped(faults + ["«regions» må være en ikke-tom liste"]))
    regions = []
    for i, item in enumerate(raw_regions, start=1):
        if not isinstance(item, dict):
            faults.append(f"region nr. {i} er ikke et kart med name og members")
            continue
        faults += _unknown_keys(item, REGION_KEYS, f"region nr. {i}: ")
        rname = item.get("name")
        if not isinstance(rname, str) or not rname.strip():
            faults.append(f"region nr. {i}: name «{quote(rname)}» mangler eller er ikke tekst"
                          if rname not in (None, "") else f"region nr. {i} mangler navn (name)")
            continue
        where = f"region «{quote(rname)}»"
        members = item.get("members")
        if members is None:
            members = []
        if not isinstance(members, list):
            faults.append(f"{where}: members må være en liste")
            members = []
        seat = item.get("seat")
        if isinstance(seat, int) and not isinstance(seat, bool):
            faults.append(f"{where}: seat {seat} er et tall, ikke en kode; {QUOTE_HINT}")
            seat = None
        elif not isinstance(seat, (str, type(None))):
            faults.append(f"{where}: seat «{quote(seat)}» har feil type ({type(seat).__name__}); "
                          "skal være et kommunenavn eller -nummer")
            seat = None
        regions.append(Region(name=rname, members=tuple(_code(m, where, faults) for m in members),
                              seat=seat.strip() if isinstance(seat, str) and seat.strip() else None))
    if faults:
        raise ProposalError(origin, _capped(faults))
    proposal = Proposal(id=str(pid), name=name, vintage=vintage, regions=tuple(regions),
                        source=source.strip(), note=note.strip(), origin=origin)
    faults = text_faults(proposal)
    if faults:
        raise ProposalError(origin, faults)
    return proposal


def _check_events(text: str, origin: str) -> None:
    """Refuse YAML anchors/aliases (alias bombs) and deep nesting before anything is built."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_BASE_LOADER):
            if isinstance(event, yaml.AliasEvent):
                raise ProposalError(origin, [f"YAML-alias (*{quote(event.anchor, 40)}) er ikke tillatt "
                                             "i et forslag; skriv verdien ut"])
            if getattr(event, "anchor", None):
                raise ProposalError(origin, [f"YAML-anker (&{quote(event.anchor, 40)}) er ikke tillatt "
                                             "i et forslag (alias); skriv verdien ut"])
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    line = event.start_mark.line + 1 if event.start_mark else "?"
                    raise ProposalError(origin, [f"for dyp nesting (over {MAX_DEPTH} nivåer, linje {line})"])
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return  # reported with its line by the loader below


def read_yaml(path: str | Path) -> Proposal:
    """Read a proposal file (not yet validated against the data).

    Bounded: a regular file of at most 1 MB, UTF-8, no anchors or aliases, shallow nesting."""
    path = Path(path)
    origin = str(path)
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            kind = "en mappe" if stat.S_ISDIR(st.st_mode) else "ikke en vanlig fil"
            raise ProposalError(origin, [f"er {kind}; oppgi en YAML-fil"])
        if st.st_size > MAX_FILE_BYTES:
            raise ProposalError(origin, [f"er {st.st_size / 1e6:.1f} MB; et forslag kan være høyst "
                                         f"{MAX_FILE_BYTES / 1e6:.0f} MB"])
        with open(path, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ProposalError(origin, ["finnes ikke"]) from None
    except OSError as exc:
        raise ProposalError(origin, [f"kan ikke leses ({exc.strerror})"]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ProposalError(origin, [f"er over {MAX_FILE_BYTES / 1e6:.0f} MB"])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ProposalError(origin, [f"er ikke UTF-8-tekst (linje {line}); lagre filen som UTF-8"]) from None
    if "\x00" in text:
        raise ProposalError(origin, ["inneholder NUL-tegn; er det en YAML-fil?"])
    _check_events(text, origin)
    try:
        data = yaml.load(text, Loader=_StrictLoader)
    except _StrictYAMLError as exc:
        raise ProposalError(origin, [str(exc)]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (linje {mark.line + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ProposalError(origin, [f"ugyldig YAML{where}: {quote(problem)}"]) from None
    except RecursionError:
        raise ProposalError(origin, ["for dyp nesting"]) from None
    return from_dict(data, origin)


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
