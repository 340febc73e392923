"""Sections of the appendix for the proposal as a whole (Vedlegg 0)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from ..indicators.keyfigures import offices_match
from ..indicators.scores import variation_pct
from ..present import cells, fmt, maps, tables
from ..present.html import figure_out, interactive_block
from ..present.interactive import interactive_map
from ..present.sections import Section, Sections, figure, markdown, table
from ..sources import codes, geometry, labour, nav, population
from ..territory import membership
from .base import OVERVIEW_COLUMNS, ProposalReport, appendix


@appendix
def build(params: dict) -> Sections:
    """The appendix for the proposal as a whole: `params` as the notebook's (proposal, year,
    arsverk_file)."""
    report = OverviewReport(params["proposal"], params["year"], params.get("arsverk_file"))
    return Sections([report.intro(), report.map(), report.interactive_map(),
                     report.table(), report.balance(), report.against_fylker(), report.criteria(),
                     report.sources_section()])


class OverviewReport(ProposalReport):
    """Sections of the appendix for the proposal as a whole."""

    def map(self) -> Section:
        fig, ax = plt.subplots(figsize=(6.4, 7.6))  # fits page 1 under the intro
        maps.overview_map(self.proposal, self.year, ax=ax)
        return figure("map", figure_out(
            fig, f"Figur 1. Regionene i forslaget «{self.proposal.name}»",
            geometry.source_line(geometry.kommune_layer_year(self.proposal.vintage), "kommune"),
            heading="1. Regionene", alt=maps.overview_map_alt(self.proposal)))

    def interactive_map(self) -> Section:
        return figure("interactive_map", interactive_block(
            interactive_map(self.proposal, None, self.year),
            title=f"Interaktivt kart over regionene i forslaget «{self.proposal.name}»",
            text_alternative="Tabell 1 gir regionene med nøkkeltall som tekst."))

    def table(self) -> Section:
        frame, notes = tables.display_table_notes(self.figures, OVERVIEW_COLUMNS)
        return table("table", frame, f"Tabell 1. Regionene med nøkkeltall, folkemengde 1. januar "
                     f"{self.year}, NAV-kontor 2016",
                     "; ".join(dict.fromkeys(self.figures.sources[c] for c in
                                             ("folkemengde", "areal_km2", "navkontor"))),
                     notes, main=True)

    def balance(self) -> Section:
        t = self.figures.table
        big, small = t.loc[t["folkemengde"].idxmax()], t.loc[t["folkemengde"].idxmin()]
        lines = [f"- Største region etter folkemengde: **{fmt.md_text(big['region'])}** "
                 f"({fmt.number(big['folkemengde'])} innbyggere); minste: **{fmt.md_text(small['region'])}** "
                 f"({fmt.number(small['folkemengde'])}). Den største har "
                 f"**{fmt.number(big['folkemengde'] / small['folkemengde'], 1)}** ganger så mange "
                 "innbyggere som den minste.",
                 f"- Antall regioner: **{len(t)}**. Det er så mange enheter regionledelsen i NAV "
                 "skal styre og følge opp direkte (NAVs delrapport kaller det kontroll- og "
                 "styringsspenn)."]
        per_office = t["innbyggere_per_navkontor"].dropna()
        if len(per_office) == len(t) and len(t) > 1:
            lines.append(f"- Innbyggere per NAV-kontor (kontor og folkemengde 2016): fra "
                         f"{fmt.number(per_office.min())} til {fmt.number(per_office.max())}; "
                         f"variasjonskoeffisient "
                         f"{fmt.percent(variation_pct(per_office))}.")
        elif not offices_match(self.year):
            lines.append(f"- Innbyggere per NAV-kontor: ikke beregnet, fordi kontortallene gjelder "
                         f"{nav.OFFICES_YEAR} og folkemengden {self.year}.")
        else:
            lines.append(f"- Innbyggere per NAV-kontor: kjent for {len(per_office)} av {len(t)} "
                         "regioner; spredningen vises bare når tallet er kjent for alle (se "
                         "tabell 1).")
        return markdown("balance", "\n".join(lines))

    def against_fylker(self) -> Section:
        comp = membership.fylke_composition(self.proposal, 2016)
        order = {name: i for i, name in enumerate(self.proposal.region_names())}  # as in tabell 1
        comp = comp.sort_values("region", key=lambda s: s.map(order)).reset_index(drop=True)
        names = codes.fylke_codes(2016).set_index("fylkesnummer")["fylkesnavn"]
        frame = pd.DataFrame({
            "Region": comp["region"],
            "Fylker 2016": comp["fylker"].map(lambda s: ", ".join(names[f] for f in sorted(s))),
            "Antall fylker": comp["fylker"].map(len),
            "Hele fylker": comp["hele"].map({True: "ja", False: "nei (deler fylke)"}),
        })
        return table("against_fylker", frame, "Tabell 2. Forslaget mot de 19 fylkene i 2016",
                     f"SSB, kommune- og fylkesinndeling 2016; forslaget ({self.proposal.source})",
                     [f"{len(self.proposal.regions)} regioner mot 19 fylker i 2016."])

    def criteria(self) -> Section:
        t = self.figures.table
        shown, notes = tables.display_table_notes(self.figures, ["innbyggere_per_navkontor"], total=False)
        frame = pd.DataFrame({
            "Region": t["region"],
            f"Antall partnerskap (kommuner {self.year})": t["antall_kommuner"].map(cells.number),
            "Nærhet: innbyggere per NAV-kontor (2016)": shown[tables.DISPLAY["innbyggere_per_navkontor"][0]],
            f"Felles arbeidsmarked: egne innbyggere i delte BA-regioner ({self.year})":
                t["bosatt_delt_ba"].map(cells.number),
            "Areal (km²)": t["areal_km2"].map(cells.number),
        })
        if not offices_match(self.year):  # a column of «.» only: said once in a note instead
            frame = frame.drop(columns="Nærhet: innbyggere per NAV-kontor (2016)")
            notes = [f"Nærhet (innbyggere per NAV-kontor) vises bare for {nav.OFFICES_YEAR}, året "
                     f"NAV-kontortallene gjelder; folkemengden her er fra {self.year}."]
        ba_year = int(t["ba_klassifisering"].iloc[0])
        return table(
            "criteria", frame, "Tabell 3. Vurderingskriterier fra NAVs delrapport 2 og indikatorene som måler "
                   f"dem, 1. januar {self.year}",
            "; ".join([f"{population.SOURCE} {self.year}", labour.BA_SOURCE, nav.OFFICES_SOURCE]),
            notes + [f"Felles arbeidsmarked: regionens egne innbyggere 1. januar {self.year} som bor i "
                     f"en BA-region som regiongrensen deler (SSBs BA-inndeling 2020"
                     + (", omkodet til 2024-kommuner" if ba_year == 2024 else "") + ").",
             "Kriterier (NAV 2016, tabell 2 og risikoavsnittet): økt brukerorientering (felles "
             "arbeidsmarked), effektiv bruk av ressursene, kontroll- og styringsspenn (antall regioner), "
             "nærhet til NAV-kontor, antall partnerskap (én per kommune). Indikatorene belyser "
             "kriteriene; de er ikke NAVs egne vurderinger."])
