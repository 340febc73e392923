"""SSB's table symbols for a missing value and their wording: the one place they are spelled."""
from __future__ import annotations

NOT_AVAILABLE = ".."  # the figure is not in the sources (or known only for a larger group)
CONFIDENTIAL = ":"  # suppressed (never used here: no figure is confidential)
NOT_APPLICABLE = "."  # no figure can be given (e.g. a region without kommuner that year)
NIL = "–"  # not computed: missing for at least one part

#: under a table that uses them («Tegn: .. = …»)
LEGEND = {NOT_AVAILABLE: "tallet finnes ikke i kildene for regionen (se fotnoten)",
          NOT_APPLICABLE: "ikke mulig å oppgi tall (se fotnoten)"}

#: in the data files' «Merknad» column, for a symbol without a footnote of its own
MEANING = {NOT_AVAILABLE: "tallet finnes ikke i kildene",
           NOT_APPLICABLE: "ikke aktuelt",
           CONFIDENTIAL: "kan ikke vises",
           NIL: "ikke beregnet (mangler for minst én del)"}
