"""Sections of the appendix for one region (Vedlegg 1…n)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, Markdown

from ..indicators.distances import seat_distances
from ..indicators.history import population_history
from ..indicators.kommuner import kommune_table
from ..indicators.labour import ba_cohesion
from ..indicators.peers import peer_ranks
from ..present import fmt, maps, tables
from ..present.html import figure_out, interactive_block, table_html
from ..present.interactive import interactive_map
from ..sources import geometry, labour, population
from ..territory.seats import seat_kommune
from .base import KEY_ROWS, ProposalReport, footnoted


class RegionReport(ProposalReport):
    """Sections of the appendix for one region."""

    def __init__(self, proposal, region: str, year: int, arsverk_file: str | None = None):
        super().__init__(proposal, year, arsverk_file)
        self.region = self.proposal.region(region).name

    @property
    def row(self) -> pd.Series:
        return self.figures.table.set_index("region").loc[self.region]

    def _reasons(self) -> dict[str, str]:
        notes = self.figures.notes
        mine = notes[notes["region"] == self.region]
        return mine.groupby("figur")["merknad"].agg("; ".join).to_dict()

    def key_table(self) -> HTML:
        row, reasons = self.row, self._reasons()
        seat = row["sete"] if not fmt.is_missing(row["sete"]) else fmt.MISSING
        values = {"Fylker/kommuner": row["members_navn"], "Sete": seat}
        values |= {tables.DISPLAY[c][0]: tables.format_cell(c, row[c]) for c in KEY_ROWS}
        for age, label in zip(population.AGE_COLUMNS, ("0–15 år", "16–66 år", "67 år og eldre")):
            values[f"Andel {label}"] = fmt.percent(100 * row[age] / row["folkemengde"])
        by_label = {tables.DISPLAY[c][0]: reasons[c] for c in KEY_ROWS if c in reasons
                    and (fmt.is_missing(row[c]) or c == "navkontor_malbilde")}
        if "sete" in reasons:
            by_label["Sete"] = reasons["sete"]
        values, notes = footnoted(values, by_label)
        frame = pd.DataFrame({"Nøkkeltall": list(values), "Verdi": list(values.values())})
        src = self.figures.sources
        source = "; ".join(dict.fromkeys([src["folkemengde"], src["areal_km2"], src["navkontor"],
                                          labour.AKU_SOURCE]))
        return table_html(frame, f"Tabell 1. Nøkkeltall for {self.region}", source, notes)

    def map(self) -> HTML:
        fig, ax = plt.subplots(figsize=(7.2, 7.6))
        maps.region_map(self.proposal, self.region, self.year, ax=ax)
        return figure_out(fig, f"Figur 1. {self.region} med kommuner; resten av landet i grått",
                          geometry.SOURCE + "; SSB (BA-regioner)", heading="2. Kart")

    def interactive_map(self):
        return interactive_block(interactive_map(self.proposal, self.region, self.year))

    def kommune_table(self) -> HTML:
        table = kommune_table(self.proposal, self.region, self.year)
        self.keep("Kommuner", table, main=True)
        frame = pd.DataFrame({
            "Kommune": table["kommunenavn"] + " (" + table["kommunenummer"] + ")",
            "Folkemengde (personer)": table["folkemengde"].map(fmt.number),
            "0–15 år": table["alder_0_15_pst"].map(fmt.percent),
            "16–66 år": table["alder_16_66_pst"].map(fmt.percent),
            "67 år og eldre": table["alder_67_pluss_pst"].map(fmt.percent),
        })
        total = {"Kommune": f"Sum {len(table)} kommuner",
                 "Folkemengde (personer)": fmt.number(table["folkemengde"].sum())}
        for col, key in (("0–15 år", "alder_0_15"), ("16–66 år", "alder_16_66"),
                         ("67 år og eldre", "alder_67_pluss")):
            total[col] = fmt.percent(100 * self.row[key] / self.row["folkemengde"])
        frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
        notes = [n for n in table["note"] if n]
        return table_html(frame, f"Tabell 2. Kommunene i {self.region}, 1. januar {self.year}",
                          f"{population.SOURCE} {self.year}", notes)

    def history(self) -> HTML:
        hist = population_history(self.proposal, self.region)
        fig, ax = plt.subplots(figsize=(7.2, 3.6))
        for name, style in ((self.region, "-"), ("Norge", "--")):
            part = hist[hist["region"] == name]
            ax.plot(part["aar"], part["indeks"], style, label=name, linewidth=2)
        approx = hist[(hist["region"] == self.region) & ~hist["exact"]]
        if not approx.empty:
            ax.scatter(approx["aar"], approx["indeks"], color="#d7301f", zorder=3, s=18,
                       label="År med tilnærmet avgrensning (kodeendringer)")
        ax.set_ylabel("Indeks (2005 = 100)")
        ax.set_xlabel("År (1. januar)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        caption = f"Figur 2. Folkemengde 2005–2026 for {self.region} og Norge, indeks 2005 = 100"
        if not approx.empty:
            caption += (". I markerte år er en eller flere kommuner dannet av eller delt mellom "
                        "regioner; de er talt med der flest bodde")
        return figure_out(fig, caption, population.SOURCE, heading="4. Befolkningsutvikling 2005–2026")

    def peers(self) -> HTML:
        ranks = peer_ranks(self.figures, self.region)
        frame = pd.DataFrame({
            "Nøkkeltall": ranks["Nøkkeltall"],
            "Regionen": [tables.format_cell(f, v) for f, v in zip(ranks["figur"], ranks["verdi"])],
            "Rang (1 = størst)": [fmt.MISSING if fmt.is_missing(r) else f"{r} av {n}"
                                  for r, n in zip(ranks["rang"], ranks["av"])],
            "Median for regionene": [tables.format_cell(f, v) for f, v in zip(ranks["figur"], ranks["median"])],
        })
        return table_html(frame, f"Tabell 3. {self.region} blant regionene i forslaget",
                          "; ".join(dict.fromkeys(self.figures.sources[c] for c in
                                                  ("folkemengde", "areal_km2", "navkontor"))))

    def cohesion(self) -> tuple[HTML, HTML, Markdown]:
        ba = ba_cohesion(self.proposal, self.year)
        mine = ba[ba["regions"].map(lambda r: self.region in r)]
        frame = pd.DataFrame({
            "BA-region": mine["ba_navn"] + " (" + mine["ba_nr"].astype(str) + ")",
            "Folkemengde (personer)": mine["folkemengde"].map(fmt.number),
            "Ligger i": mine["regions"].map(", ".join),
            "Delt av grensen": mine["split"].map({True: "ja", False: "nei"}),
        }).sort_values("Delt av grensen", ascending=False)
        pop_year = int(mine["pop_year"].iloc[0])
        split = mine[mine["split"]]
        table = table_html(frame, f"Tabell 4. Bo- og arbeidsmarkedsregioner (BA) i {self.region}",
                           f"{labour.BA_SOURCE}; {population.SOURCE} {pop_year}",
                           [f"Folkemengde 1. januar {pop_year} i {labour.ba_year(self.year)}-kommuner."])
        dist = seat_distances(self.proposal, self.region)
        seat_code, seat_name, official = seat_kommune(self.proposal, self.region)
        far = dist.iloc[0]
        dist_frame = pd.DataFrame({"Kommune": dist["kommunenavn"],
                                   "Avstand (km, luftlinje)": dist["avstand_km"].map(fmt.number)})
        where = (f"setet {seat_name}" if official else
                 f"{seat_name}, regionens mest folkerike kommune (forslaget oppgir ikke sete)")
        dist_table = table_html(dist_frame.head(15), f"Tabell 5. Avstand fra {where} – de 15 lengste",
                                "Beregnet fra kommunepolygoner, © Kartverket (CC BY 4.0)")
        text = (f"{len(mine)} BA-regioner har kommuner i {self.region}; **{len(split)}** av dem deles av "
                f"regiongrensen, med til sammen {fmt.number(split['folkemengde'].sum())} innbyggere "
                f"(1. januar {pop_year}). Lengst fra {where} ligger **{far['kommunenavn']}**, "
                f"{fmt.number(far['avstand_km'])} km i luftlinje.")
        return Markdown(text), table, dist_table
