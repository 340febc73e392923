"""What every appendix of a proposal shares: the proposal, its key figures, sources, footnotes."""
from __future__ import annotations

from functools import cached_property

import pandas as pd
from IPython.display import HTML, Markdown

from ..indicators.keyfigures import KeyFigures, key_figures
from ..model import Proposal, load
from ..present import datafiles
from ..present.fmt import md_text
from ..present.html import table_html
from ..indicators import areas
from ..sources import geometry, labour, nav
from ..territory.validate import validate

KEY_ROWS = ["folkemengde", "andel_landet_pst", "antall_kommuner", "areal_km2", "tetthet_per_km2",
            "navkontor", "navkontor_malbilde", "innbyggere_per_navkontor", "arsverk",
            "arsverk_per_10000", "sysselsatte_1000"]
OVERVIEW_COLUMNS = ["folkemengde", "andel_landet_pst", "antall_kommuner", "areal_km2",
                    "navkontor", "navkontor_malbilde", "innbyggere_per_navkontor", "arsverk"]


class StagedTables:
    """The tables an appendix shows, kept by its report so that the build writes the CSV and
    XLSX from exactly what the notebook displayed (computed once, in the kernel).

    Each report owns its `book` (present.datafiles.TableBook): a table shown through
    `table_html` goes into it, `main_table_next` marks the next one as the CSV, and
    `export_tables` hands the book to the build. Helper reports (e.g. for a section) have
    books of their own, which are not exported.
    """

    @cached_property
    def book(self) -> datafiles.TableBook:
        return datafiles.TableBook()

    def table_html(self, frame: pd.DataFrame, caption: str, source: str, notes=()) -> HTML:
        """present.html.table_html, with the table as printed kept for the data files."""
        self.book.add(frame, caption, source, notes)
        return table_html(frame, caption, source, notes)

    def main_table_next(self) -> None:
        """The table shown next is the appendix's main table (written as its CSV)."""
        self.book.main_next()

    def keep_series(self, name: str, frame: pd.DataFrame, source: str) -> None:
        """A figure's data (numbers, Norwegian headings with units) as its own sheet."""
        self.book.add_series(name, frame, source)

    def export_tables(self, path: str | None) -> None:
        """Write this appendix's tables for the build (a no-op when run outside a build)."""
        if path:
            pd.to_pickle(datafiles.collect(self.book), path)


class ProposalReport:
    """Shared state for the appendices of one proposal and year."""

    def __init__(self, proposal: str | Proposal, year: int, arsverk_file: str | None = None):
        self.proposal = load(proposal)
        validate(self.proposal)
        self.year = int(year)
        self.arsverk_file = arsverk_file

    @cached_property
    def figures(self) -> KeyFigures:
        return key_figures(self.proposal, self.year, arsverk_file=self.arsverk_file)

    def intro(self) -> Markdown:
        p = self.proposal
        # text from the proposal is data: md_text makes it inert (no markup, links or math)
        text = (f"**Forslag:** {md_text(p.name)}  \n**Kilde for inndelingen:** "
                f"{md_text(p.source) if p.source else 'ikke oppgitt'}  \n"
                f"**Kommuneinndeling i forslaget:** {p.vintage}. **Folkemengde:** 1. januar {self.year}.")
        if p.note:
            text += f"  \n**Merknad:** {md_text(p.note)}"
        return Markdown(text)

    def sources_section(self) -> Markdown:
        s = self.figures.sources
        lines = [
            f"- Folkemengde og aldersgrupper: {s['folkemengde']}. Tallene gjelder 1. januar, ikke "
            "mars 2016 som i NAVs tabell 1 (kvartalstall per fylke er ikke funnet).",
            f"- Areal: {s['areal_km2']}. Samme område har samme areal i alle år og forslag. "
            f"{areas.SSB_DEVIATION_NOTE}",
            f"- NAV-kontor: {s['navkontor']}. Tallene er oppgitt per region i NAVs forslag (sett av "
            "fylker); en region får tall bare når den er nøyaktig en sammenslåing av slike sett.",
            f"- Årsverk: {nav.ARSVERK_MISSING if self.figures.table['arsverk'].isna().all() else md_text(s['arsverk'])}.",
            f"- Sysselsatte: {labour.AKU_SOURCE}; utvalgsundersøkelse med stor usikkerhet per fylke.",
            f"- Bo- og arbeidsmarkedsregioner: {labour.BA_SOURCE}; "
            + ("omkodet til 2024-kommuner" if labour.ba_year(self.year) == 2024 else
               f"ført over til kommuneinndelingen {self.year} gjennom kodeendringene")
            + f". Folkemengden i BA-regionene gjelder 1. januar {self.year}. «Bosatt i delte "
            "BA-regioner» er regionens egne innbyggere i BA-regioner som regiongrensen deler. "
            "Tre kommuner står med ugyldige koder i kildefilen (Rindal, Jevnaker, Lunner) og er "
            "ført til riktig kode.",
            "- Befolkningsutvikling: kjedet indeks (2005 = 100). Veksten fra ett år til det neste "
            "er regnet på de samme kommunene begge år. En kommune som skifter region ved en "
            "sammenslåing, vises derfor ikke som vekst i den ene regionen og nedgang i den andre. "
            "I markerte år ligger en kommune delvis i en annen region; den er da talt med der "
            "flest av innbyggerne hørte til, og grensen er tilnærmet.",
            "- Avstander er luftlinje mellom et punkt inne i hver kommune (beregnet i kartprojeksjonen "
            "UTM sone 33).",
            "- Tegn i tabellene (som hos SSB): «..» tallet finnes ikke i kildene for regionen (også "
            "når det bare er kjent for en større gruppe fylker), «.» ikke mulig å oppgi tall (for "
            "eksempel en region uten kommuner det året). Årsaken står i en fotnote under tabellen. "
            "Manglende tall er aldri satt til 0 eller anslått.",
            f"- Kart: {geometry.source_line(geometry.kommune_layer_year(self.proposal.vintage), 'kommune')}.",
        ]
        return Markdown("\n".join(lines))
