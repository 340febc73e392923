"""Names that look the same but are different text: a subset of Unicode UTS #39 skeletons.

`skeleton(name)` follows UTS #39 («skeleton»: NFD, each character replaced by its prototype
from the confusables data, NFD again), after NFKD and case folding, for the characters a
region name can plausibly be spoofed with: Latin letters with an overlay stroke that Unicode
does not decompose (ø is o + U+0338 in the confusables data, so «Sør» and «So\u0338r» collide;
NFKD and removing combining marks would not do, since ø has no decomposition), the Cyrillic
and Greek letters that look Latin, dotless i, and the digit/letter pairs 0/o, 1/l, I/l, rn/m.
The full data (confusables.txt, ~6 000 entries) is not shipped: this table is taken from it
for those cases and documented here, and is what `validate` warns on.
"""
from __future__ import annotations

import unicodedata

_OVERLAY = "\u0338"  # the stroke overlays are one prototype here (short/long stroke and solidus)
PROTOTYPE = {
    # Latin letters with a stroke (no Unicode decomposition)
    "ø": "o" + _OVERLAY, "đ": "d" + _OVERLAY, "ł": "l" + _OVERLAY, "ħ": "h" + _OVERLAY,
    "ɨ": "i" + _OVERLAY, "ƶ": "z" + _OVERLAY, "ŧ": "t" + _OVERLAY, "ƀ": "b" + _OVERLAY,
    "\u0335": _OVERLAY, "\u0336": _OVERLAY, "\u0337": _OVERLAY,
    # Cyrillic that looks Latin (after case folding)
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "rn", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "һ": "h", "ԛ": "q",
    "ԝ": "w", "ү": "y", "ӏ": "l", "ь": "b",
    # Greek that looks Latin (after case folding)
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x", "γ": "y", "ζ": "z", "μ": "u",
    # Latin look-alikes
    "ı": "i", "ɡ": "g", "ɑ": "a", "I": "l", "1": "l", "|": "l", "0": "o", "m": "rn",
}


def skeleton(text: str) -> str:
    """The UTS #39-style skeleton (see the module docstring): equal for names that look alike."""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(PROTOTYPE.get(c, c) for c in t)
    t = unicodedata.normalize("NFD", t.casefold())
    t = "".join(PROTOTYPE.get(c, c) for c in t if unicodedata.category(c) != "Cf")
    return unicodedata.normalize("NFD", t)


def confusable_pairs(names: list[str]) -> list[tuple[str, str]]:
    """Pairs of different names with the same skeleton (first seen, the other)."""
    seen: dict[str, str] = {}
    pairs = []
    for name in names:
        key = skeleton(name)
        if key in seen and seen[key] != name:
            pairs.append((seen[key], name))
        else:
            seen.setdefault(key, name)
    return pairs
