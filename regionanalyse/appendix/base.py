"""What every appendix of a proposal shares: the proposal, its key figures, sources, footnotes."""
from __future__ import annotations

import json
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cached_property, wraps


from ..indicators.keyfigures import KeyFigures, key_figures
from ..model import Proposal, load
from ..present.fmt import md_text
from ..present.sections import Section, markdown
from ..indicators import areas
from ..indicators import symbols as ssb
from ..sources import geometry, labour, nav
from ..territory.validate import validate

# the Sections built in the current job, by (module, parameters); None outside a job
_JOB: ContextVar[dict | None] = ContextVar("appendix_job", default=None)


@contextmanager
def one_build_per_job():
    """Within the block, an appendix's build function called again with the same parameters
    returns the same Sections: the notebook (run inline in this process) and the data files
    the worker writes share one build. Nothing built survives the block, failed or not."""
    token = _JOB.set({})
    try:
        yield
    finally:
        _JOB.reset(token)


def appendix(build):
    """Decorator for an appendix module's `build(params) -> Sections` (see one_build_per_job)."""
    @wraps(build)
    def once(params: dict):
        built = _JOB.get()
        if built is None:
            return build(params)
        key = (build.__module__, json.dumps(params, sort_keys=True))
        if key not in built:
            built[key] = build(params)
        return built[key]
    return once


KEY_ROWS = ["folkemengde", "andel_landet_pst", "antall_kommuner", "areal_km2", "tetthet_per_km2",
            "navkontor", "navkontor_malbilde", "innbyggere_per_navkontor", "arsverk",
            "arsverk_per_10000", "sysselsatte_1000"]
OVERVIEW_COLUMNS = ["folkemengde", "andel_landet_pst", "antall_kommuner", "areal_km2",
                    "navkontor", "navkontor_malbilde", "innbyggere_per_navkontor", "arsverk"]


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

    def intro(self) -> Section:
        p = self.proposal
        # text from the proposal is data: md_text makes it inert (no markup, links or math)
        text = (f"**Forslag:** {md_text(p.name)}  \n**Kilde for inndelingen:** "
                f"{md_text(p.source) if p.source else 'ikke oppgitt'}  \n"
                f"**Kommuneinndeling i forslaget:** {p.vintage}. **Folkemengde:** 1. januar {self.year}.")
        if p.note:
            text += f"  \n**Merknad:** {md_text(p.note)}"
        return markdown("intro", text)

    def sources_section(self) -> Section:
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
            f"- Tegn i tabellene (som hos SSB): «{ssb.NOT_AVAILABLE}» tallet finnes ikke i kildene for "
            f"regionen (også når det bare er kjent for en større gruppe fylker), «{ssb.NOT_APPLICABLE}» "
            "ikke mulig å oppgi tall (for "
            "eksempel en region uten kommuner det året). Årsaken står i en fotnote under tabellen. "
            "Manglende tall er aldri satt til 0 eller anslått.",
            f"- Kart: {geometry.source_line(geometry.kommune_layer_year(self.proposal.vintage), 'kommune')}.",
        ]
        return markdown("sources", "\n".join(lines))
