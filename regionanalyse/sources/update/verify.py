"""Load a raw data set with the package's own checks (run by `refresh.verify` in a separate
process with REGIONANALYSE_RAW pointing at the staged set). Exit 0 when every check passes;
else the last line on stderr says which file and why."""
from __future__ import annotations

import sys

from ...errors import DataError


def main() -> int:
    from .. import codes, labour, nav, population, succession

    try:
        population.kommune_population(population.YEARS[0])  # all years: codes valid, complete
        for year in population.YEARS:
            population.fylke_population(year)
            codes.kommune_codes(year)
            if year > population.YEARS[0]:
                succession.crosswalk(year - 1, year)
        succession.reestablished()
        for year in labour.BA_FILES:
            labour.ba_regions(year)
        nav.office_counts()
    except DataError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
