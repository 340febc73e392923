"""Sections of the appendix comparing two or more proposals."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from ..indicators.proposals import balance, flows, side_by_side
from ..indicators.keyfigures import offices_match, per_office_symbol
from ..present import cells, fmt, maps
from ..present.fmt import md_text
from ..present.html import figure_out
from ..present.sections import Section, Sections, figure, markdown, paragraph, table
from ..model import Proposal, load
from ..indicators import areas
from ..indicators import symbols as ssb
from ..sources import geometry, labour, nav, population
from ..territory.validate import validate
from .base import ProposalReport, appendix


@appendix
def build(params: dict) -> Sections:
    """The appendix comparing proposals: `params` as the notebook's (proposals, year,
    arsverk_file)."""
    report = ComparisonReport(params["proposals"], params["year"], params.get("arsverk_file"))
    return Sections([report.intro(), *report.maps(), *report.changes(), report.side_by_side(),
                     report.balance(), report.sources_section()])


class ComparisonReport:
    """Sections of the appendix comparing two or more proposals, counted in one year."""

    def __init__(self, proposals: list[str | Proposal], year: int, arsverk_file: str | None = None):
        self.proposals = [load(p) for p in proposals]
        for p in self.proposals:
            validate(p)
        self.year = int(year)
        self.arsverk_file = arsverk_file

    def intro(self) -> Section:
        lines = [f"Forslagene sammenlignes i kommuneinndelingen per 1. januar {self.year}, med "
                 f"folkemengde for samme dato.", ""]
        lines += [f"{i}. **{md_text(p.name)}** ({md_text(p.id)}, {len(p.regions)} regioner, kodeår "
                  f"{p.vintage}). Kilde: {md_text(p.source) if p.source else 'ikke oppgitt'}."
                  for i, p in enumerate(self.proposals, 1)]
        return markdown("intro", "\n".join(lines))

    def maps(self) -> list[Section]:
        """One map per proposal, all with the same extent and size, so on the same scale."""
        bounds = geometry.kommune_polygons(2024).total_bounds
        extent = (bounds[0] - 20_000, bounds[1] - 20_000, bounds[2] + 20_000, bounds[3] + 20_000)
        colors = maps.comparison_colors(self.proposals)  # one colour per region on every map
        out = []
        for i, p in enumerate(self.proposals, 1):
            fig, ax = plt.subplots(figsize=(6.4, 7.6))  # the first fits page 1 under the intro
            maps.overview_map(p, self.year, ax=ax, colors=colors, extent=extent)
            out.append(figure("maps", figure_out(fig, f"Figur {i}. {p.name} (samme målestokk i alle kartene)",
                                  geometry.source_line(geometry.kommune_layer_year(p.vintage), "kommune"), heading=f"1.{i} Kart: {p.name}" if i > 1 else f"1. Kart over forslagene – {p.name}",
                                  alt=maps.overview_map_alt(p, same_colours_note=True),
                                  max_height_mm=135)))  # the first fits page 1 under the intro (3 proposals too)
        return out

    def changes(self) -> list[Section]:
        """For each consecutive pair: the kommuner that change region company."""
        out = []
        for n, (a, b) in enumerate(zip(self.proposals, self.proposals[1:]), 1):
            moves = flows(a, b, self.year)
            moved = moves[~moves["hovedstrom"]]
            count = int(moved["antall_kommuner"].sum())
            if count == 0:
                change = ("Ingen kommuner skilles fra regionen de hørte til: hver region i det "
                          "første forslaget går i sin helhet inn i én region i det andre.")
            else:
                change = (f"{fmt.number(count)} {'kommune' if count == 1 else 'kommuner'} med "
                          f"{fmt.number(moved['folkemengde'].sum())} innbyggere havner i en annen "
                          "region enn hoveddelen av regionen de kom fra.")
            summary = (f"Fra «{a.name}» til «{b.name}»: {len(a.regions)} → {len(b.regions)} "
                       f"regioner. {change}")
            frame = pd.DataFrame({
                "Fra": moves["fra"], "Til": moves["til"],
                "Kommuner (antall)": moves["antall_kommuner"].map(cells.number),
                "Folkemengde (personer)": moves["folkemengde"].map(cells.number),
                "Kommunene": [", ".join(k[:8]) + (f" og {len(k) - 8} til" if len(k) > 8 else "")
                              for k in moves["kommuner"]],
                "Endring": moves["hovedstrom"].map({True: "hoveddel", False: "flyttes"}),
            })
            out.append(paragraph("changes", summary))
            out.append(table("changes", frame, f"Tabell {n}. Fra {a.name} til {b.name}: hvor kommunene går",
                             f"{population.SOURCE} {self.year}; forslagene som oppgitt",
                             ["«hoveddel»: den delen av en region der flest bor; «flyttes»: "
                              "kommuner som skilles fra hoveddelen."]))
        return out

    def side_by_side(self) -> Section:
        figures = side_by_side(self.proposals, self.year, self.arsverk_file)
        frame = pd.DataFrame({
            "Forslag": figures["forslag_id"], "Region": figures["region"],
            "Folkemengde (personer)": figures["folkemengde"].map(cells.number),
            "Andel av folkemengden i landet": figures["andel_landet_pst"].map(cells.percent),
            "Areal (km²)": figures["areal_km2"].map(cells.number),
            "NAV-kontor 2016 (antall)": figures["navkontor"].map(cells.number),
            "Innbyggere per NAV-kontor (2016)": figures["innbyggere_per_navkontor"].map(
                lambda v: cells.number(v, missing=per_office_symbol(self.year))),
        })
        # the symbols named as the cells print them (indicators/symbols.py)
        notes = [f"«{ssb.NOT_AVAILABLE}» NAV-kontor er kjent bare per region i NAVs 2016-forslag; en "
                 "region som ikke er en sammenslåing av slike regioner, kan ikke få tall."]
        if not offices_match(self.year):
            notes.append(f"«{per_office_symbol(self.year)}» Innbyggere per NAV-kontor er ikke beregnet: kontortallene gjelder "
                         f"{nav.OFFICES_YEAR}, folkemengden {self.year}.")
        return table("side_by_side", frame, f"Tabell {len(self.proposals)}. Nøkkeltall per region, "
                     f"folkemengde 1. januar {self.year}",
                     f"{population.SOURCE} {self.year}; {nav.OFFICES_SOURCE}; {areas.SOURCE}",
                     notes, main=True)

    def balance(self) -> Section:
        figures = balance(self.proposals, self.year, self.arsverk_file)
        frame = pd.DataFrame({
            "Forslag": figures["forslag"],
            "Regioner (antall)": figures["regioner"].map(cells.number),
            "Største/minste folkemengde (forhold)": figures["storst_minst"].map(lambda v: cells.number(v, 1)),
            "Variasjonskoeffisient folkemengde": figures["variasjon_folkemengde_pst"].map(cells.percent),
            "Innbyggere per NAV-kontor (min–maks)": [
                cells.text(f"{fmt.number(lo)}–{fmt.number(hi)}") if n == total and not fmt.is_missing(lo)
                else (cells.missing(ssb.NOT_APPLICABLE) if not offices_match(self.year)
                      else cells.text(f"kjent for {n} av {total} regioner"))
                for lo, hi, n, total in zip(figures["innb_per_navkontor_min"],
                                            figures["innb_per_navkontor_maks"],
                                            figures["regioner_med_kjent_navkontor"], figures["regioner"])],
            "BA-regioner delt (antall)": figures["ba_delt"].map(cells.number),
            "Bosatt i delte BA-regioner (personer)": figures["bosatt_delt_ba"].map(cells.number),
        })
        pop_year = int(figures["aar"].iloc[0])
        ba_year = labour.ba_year(pop_year)
        return table("balance", frame, "Tabell {}. Balanse og felles arbeidsmarked, 1. januar {}".format(
                     len(self.proposals) + 1, pop_year),
                     f"{population.SOURCE} {pop_year}; {labour.BA_SOURCE}; {nav.OFFICES_SOURCE}",
                          [f"Bosatte i BA-regioner: folkemengde 1. januar {pop_year}, SSBs "
                           f"BA-inndeling 2020" + (" omkodet til 2024-kommuner" if ba_year == 2024
                                                    else "") + ". Alle som bor i en BA-region "
                           "som en regiongrense deler, telles én gang.",
                           "Innbyggere per NAV-kontor vises bare når tallet er kjent for alle "
                           "regionene i forslaget."])

    def sources_section(self) -> Section:
        text = ProposalReport(self.proposals[0], self.year, self.arsverk_file).sources_section().markdown
        # the maps use each proposal's own kommune layer: name every file used
        lines = [line for line in text.splitlines() if not line.startswith("- Kart:")]
        files = dict.fromkeys(geometry.KOMMUNE_FILES[geometry.kommune_layer_year(p.vintage)]
                              for p in self.proposals)
        lines.append(f"- Kart: {geometry.SOURCE}; kommunelag {', '.join(files)} (hvert forslag "
                     "tegnes i kommuneinndelingen for sitt kodeår).")
        return markdown("sources", "\n".join(lines))
