"""Sections of the appendix for one region (Vedlegg 1…n)."""
from __future__ import annotations

import html

import matplotlib.pyplot as plt
import pandas as pd

from ..indicators.distances import seat_distances
from ..indicators.history import population_history
from ..indicators.keyfigures import national_figures, office_year_reason, per_office_symbol
from ..indicators.kommuner import kommune_table
from ..indicators.ba_cohesion import ba_cohesion
from ..indicators.peers import peer_ranks
from ..indicators import symbols as ssb
from ..present import cells, fmt, maps, tables
from ..present.html import figure_out, interactive_block
from ..present.sections import Section, Sections, figure, markdown, table
from ..present.interactive import interactive_map
from ..sources import geometry, labour, nav, population
from ..territory.seats import seat_kommune
from .base import KEY_ROWS, ProposalReport, appendix


# Shown figures whose note explains them (what is counted elsewhere, an approximate border, a
# derived target), so the key table carries the note as a footnote.
NOTED_VALUES = ("folkemengde", "areal_km2", "navkontor_malbilde")


@appendix
def build(params: dict) -> Sections:
    """The appendix for one region: `params` as the notebook's (proposal, region, year,
    arsverk_file)."""
    report = RegionReport(params["proposal"], params["region"], params["year"],
                          params.get("arsverk_file"))
    return Sections([report.intro(), report.key_table(), report.map(),
                     report.interactive_map(), report.kommune_table(), report.history(),
                     report.peers(), *report.cohesion(),
                     report.sources_section()])


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

    def key_table(self) -> Section:
        row, reasons = self.row, self._reasons()
        symbols = self._symbols()
        national = national_figures(self.year)
        foot = tables.Footnotes()
        seat = (cells.text(row["sete"]) if not fmt.is_missing(row["sete"])
                else cells.missing(symbols.get("sete", ssb.NOT_APPLICABLE)))
        names = {"Sete": (foot.cell(seat, reasons.get("sete")), cells.Cell())}
        for c in KEY_ROWS:
            label = tables.DISPLAY[c][0]
            if fmt.is_missing(row[c]):
                mine = foot.missing(symbols.get(c) or ssb.NOT_AVAILABLE,
                                    reasons.get(c) or "tallet mangler i kildene")
            else:
                mine = foot.cell(tables.value_cell(c, row[c]),
                                 reasons.get(c) if c in NOTED_VALUES else None)
            if fmt.is_missing(national[c]):
                nat = foot.missing(per_office_symbol(self.year) if c == "innbyggere_per_navkontor"
                                   else ssb.NOT_AVAILABLE, self._national_reason(c))
            else:
                nat = tables.value_cell(c, national[c])
            names[label] = (mine, nat)
        for age, label in zip(population.AGE_COLUMNS, ("0–15 år", "16–66 år", "67 år og eldre")):
            mine = (foot.missing(ssb.NOT_APPLICABLE, reasons.get("folkemengde"))
                    if fmt.is_missing(row["folkemengde"])
                    else cells.percent(100 * row[age] / row["folkemengde"]))
            names[f"Andel {label}"] = (mine, cells.percent(100 * national[age] / national["folkemengde"]))
        frame = pd.DataFrame({"Nøkkeltall": list(names),
                              self.region: [v[0] for v in names.values()],
                              "Hele landet": [v[1] for v in names.values()]})
        src = self.figures.sources
        source = "; ".join(dict.fromkeys([src["folkemengde"], src["areal_km2"], src["navkontor"],
                                          labour.AKU_SOURCE]))
        # the member list is a sentence above the table: in a cell it widened the table past a page
        dated = "" if self.proposal.vintage == self.year else f" ({self.proposal.vintage}-inndelingen)"
        members = (f'<p class="medlemmer"><strong>Fylker og kommuner i regionen{dated}:</strong> '
                   f"{html.escape(str(row['members_navn']))}.</p>")
        return table("key_table", frame, f"Tabell 1. Nøkkeltall for {self.region} og hele landet, "
                     f"folkemengde 1. januar {self.year}, NAV-kontor {nav.OFFICES_YEAR}",
                     source, foot.lines(), lead=members)

    def _empty_text(self) -> str:
        """For a region with no kommune in the year: why, as a sentence (Markdown-escaped)."""
        reason = self._reasons().get("folkemengde", "")
        return fmt.md_text(reason[:1].upper() + reason[1:] + ".")

    def _national_reason(self, column: str) -> str:
        if column == "innbyggere_per_navkontor":
            return office_year_reason(self.year)
        if column == "sysselsatte_1000":
            return "landstallet fra AKU er ikke hentet inn"
        return self._reasons().get(column, "tallet finnes ikke i kildene")

    def _symbols(self) -> dict[str, str]:
        notes = self.figures.notes
        mine = notes[(notes["region"] == self.region) & (notes["tegn"] != "")]
        return mine.drop_duplicates("figur").set_index("figur")["tegn"].to_dict()

    def map(self) -> Section:
        fig, ax = plt.subplots(figsize=(7.2, 7.6))
        maps.region_map(self.proposal, self.region, self.year, ax=ax)
        ba = ba_cohesion(self.proposal, self.year)
        split = ba[ba["delt"] & ba["regioner"].map(lambda r: self.region in r)]
        alt = maps.region_map_alt(self.proposal, self.region, self.year,
                                  int(self.row["antall_kommuner"]), list(split["ba_navn"]))
        layer = geometry.kommune_layer_year(self.proposal.vintage)
        dated = "" if layer == self.year else f" (kommunegrenser {layer})"
        return figure("map", figure_out(
            fig, f"Figur 1. {self.region} med kommuner{dated}; resten av landet i grått",
            geometry.source_line(geometry.kommune_layer_year(self.proposal.vintage), "kommune")
            + "; SSB (BA-regioner)", heading="2. Kart", alt=alt))

    def interactive_map(self) -> Section:
        return figure("interactive_map", interactive_block(
            interactive_map(self.proposal, self.region, self.year),
            title=f"Interaktivt kart over {self.region} med kommuner",
            text_alternative="Tabell 2 gir de samme opplysningene om hver kommune som tekst."))

    def kommune_table(self) -> Section:
        kommuner = kommune_table(self.proposal, self.region, self.year)
        if kommuner.empty:
            return markdown("kommune_table", self._empty_text())
        frame = pd.DataFrame({
            "Kommune": kommuner["kommunenavn"] + " (" + kommuner["kommunenummer"] + ")",
            "Folkemengde (personer)": kommuner["folkemengde"].map(cells.number),
            "0–15 år": kommuner["alder_0_15_pst"].map(cells.percent),
            "16–66 år": kommuner["alder_16_66_pst"].map(cells.percent),
            "67 år og eldre": kommuner["alder_67_pluss_pst"].map(cells.percent),
        })
        total = {"Kommune": f"Sum {len(kommuner)} kommuner",
                 "Folkemengde (personer)": cells.number(kommuner["folkemengde"].sum())}
        for col, key in (("0–15 år", "alder_0_15"), ("16–66 år", "alder_16_66"),
                         ("67 år og eldre", "alder_67_pluss")):
            total[col] = cells.percent(100 * self.row[key] / self.row["folkemengde"])
        if len(kommuner) > 1:  # a one-kommune region needs no sum row
            frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
        notes = [n for n in kommuner["merknad"] if n]
        return table("kommune_table", frame, f"Tabell 2. Kommunene i {self.region}, 1. januar {self.year}",
                     f"{population.SOURCE} {self.year}", notes, main=True)

    @maps.plain_text  # the region's name in the legend is data, never mathtext
    def history(self) -> Section:
        hist = population_history(self.proposal, self.region)
        fig, ax = plt.subplots(figsize=(7.2, 3.6))
        for name, style in ((self.region, "-"), ("Norge", "--")):
            part = hist[hist["region"] == name]
            ax.plot(part["aar"], part["indeks"], style, linewidth=2,
                    label="Hele landet" if name == "Norge" else name)
        approx = hist[(hist["region"] == self.region) & hist["brudd"]]
        if not approx.empty:
            ax.scatter(approx["aar"], approx["indeks"], color="#d7301f", zorder=3, s=18,
                       label="Tilnærmet avgrensning (kommuner delt mellom regioner)")
        ax.set_ylabel("Indeks (2005 = 100)")
        ax.set_xlabel("År (1. januar)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        span = f"{population.YEARS[0]}–{population.YEARS[-1]}"
        caption = (f"Figur 2. Folkemengde 1. januar {span} for {self.region} og hele landet, "
                   "kjedet indeks 2005 = 100")
        note = ("Veksten hvert år er regnet på de samme kommunene begge år, så en kommune som "
                "skifter region ved en sammenslåing, vises ikke som vekst eller nedgang.")
        if not approx.empty:
            note += (" I markerte år ligger en eller flere kommuner delvis i en annen region; de "
                     "er talt med der flest av innbyggerne hørte til.")
        block = figure_out(fig, caption, population.SOURCE, heading=f"4. Befolkningsutvikling {span}",
                           alt=history_alt(hist, self.region), note=note)
        return figure("history", block, history_sheet(hist), "Figur 2. Befolkningsutvikling",
                      population.SOURCE)

    def peers(self) -> Section:
        ranks = peer_ranks(self.figures, self.region)
        ranks = ranks[ranks["av"] > 0]  # a figure no region has (e.g. per office outside 2016)
        symbols = self._symbols()  # the same symbol as in table 1
        frame = pd.DataFrame({
            "Nøkkeltall": ranks["Nøkkeltall"],
            "Regionen": [tables.value_cell(f, v) if not fmt.is_missing(v)
                         else cells.missing(symbols.get(f, ssb.NOT_AVAILABLE))
                         for f, v in zip(ranks["figur"], ranks["verdi"])],
            "Rang (1 = størst)": [cells.missing(symbols.get(f, ssb.NOT_AVAILABLE)) if fmt.is_missing(r) else
                                  cells.text((f"{r}–{r + tied}" if tied else f"{r}")
                                             + (f" av {n}" if n == total else f" av {n} med kjent tall")
                                             + (" (lik verdi)" if tied else ""))
                                  for f, r, tied, n, total in zip(ranks["figur"], ranks["rang"], ranks["delt"],
                                                                  ranks["av"], ranks["regioner"])],
            "Median for regionene": [tables.value_cell(f, v) if not fmt.is_missing(v)
                                     else cells.missing(ssb.NOT_AVAILABLE)
                                     for f, v in zip(ranks["figur"], ranks["median"])],
        })
        return table("peers", frame, f"Tabell 3. {self.region} blant regionene i forslaget, folkemengde "
                     f"1. januar {self.year}, NAV-kontor {nav.OFFICES_YEAR}",
                          "; ".join(dict.fromkeys(self.figures.sources[c] for c in
                                                  ("folkemengde", "areal_km2", "navkontor"))),
                          ["Medianen vises bare der tallet er kjent for alle regionene (ellers «..»)."]
                          if (ranks["av"] < ranks["regioner"]).any() else [])

    def cohesion(self) -> list[Section]:
        ba = ba_cohesion(self.proposal, self.year)
        mine = ba[ba["regioner"].map(lambda r: self.region in r)].copy()
        if mine.empty:  # no kommune of the year is counted in the region
            return [markdown("cohesion", self._empty_text() + " Regionen har derfor ingen bo- og "
                         "arbeidsmarkedsregioner eller avstander dette året.")]
        mine["egne"] = mine["bosatt_per_region"].map(lambda p: p.get(self.region, 0))
        mine = mine.sort_values(["delt", "egne"], ascending=[False, False])
        frame = pd.DataFrame({
            "BA-region": mine["ba_navn"] + " (" + mine["ba_nr"].astype(str) + ")",
            f"Bosatt i {self.region} (personer)": mine["egne"].map(cells.number),
            "Bosatt i andre regioner (personer)": (mine["folkemengde"] - mine["egne"]).map(cells.number),
            "Andre regioner": mine["regioner"].map(
                lambda rs: ", ".join(r for r in rs if r != self.region) or "–"),
            "Delt av grensen": mine["delt"].map({True: "ja", False: "nei"}),
        })
        code_year = int(mine["ba_klassifisering"].iloc[0])
        classification = ("SSBs inndeling i bo- og arbeidsmarkedsregioner fra 2020"
                          + (", omkodet til 2024-kommuner" if code_year == 2024 else
                             (f", ført over til kommuneinndelingen {self.year}"
                              if self.year != 2020 else "")))
        split = mine[mine["delt"]]
        ba_table = table("cohesion", frame, f"Tabell 4. Bo- og arbeidsmarkedsregioner (BA) med kommuner i "
                         f"{self.region}, folkemengde 1. januar {self.year}",
                         f"{labour.BA_SOURCE}; {population.SOURCE} {self.year}",
                         [f"Inndeling: {classification}. Folkemengde 1. januar {self.year}."])
        n, k = len(mine), len(split)
        own = int(split["egne"].sum())
        if n == 1:
            said = f"{fmt.md_text(self.region)} ligger i én BA-region, {fmt.md_text(mine['ba_navn'].iloc[0])}"
            said += (", som regiongrensen deler" if k else ", som ligger helt i regionen") + "."
        else:
            said = f"{fmt.number(n)} BA-regioner har kommuner i {fmt.md_text(self.region)}; "
            said += ("ingen av dem deles av regiongrensen." if k == 0 else
                     f"**{'én' if k == 1 else fmt.number(k)}** av dem deles av regiongrensen.")
        if k:
            where_ba = ("I BA-regionen" if n == 1 else "I den delte BA-regionen" if k == 1
                        else "I de delte BA-regionene")
            said += (f" {where_ba} bor {fmt.number(own)} av regionens innbyggere "
                     f"({fmt.percent(100 * own / self.row['folkemengde'])}) og "
                     f"{fmt.number(int(split['folkemengde'].sum()) - own)} innbyggere i andre "
                     f"regioner (1. januar {self.year}).")
        said += f" Inndelingen er {classification}."
        if int(self.row["antall_kommuner"]) <= 1:
            said += (" Regionen består av én kommune, så avstander fra setet til regionens "
                     "kommuner er ikke aktuelle.")
            return [markdown("cohesion", said), ba_table]
        dist = seat_distances(self.proposal, self.region)
        seat_code, seat_name, official = seat_kommune(self.proposal, self.region)
        dist = dist[dist["kommunenummer"] != seat_code]
        far = dist.iloc[0]
        dist_frame = pd.DataFrame({"Kommune": dist["kommunenavn"],
                                   "Avstand (km, luftlinje)": dist["avstand_km"].map(cells.number)})
        where = (f"setet {seat_name}" if official else
                 f"{seat_name}, regionens mest folkerike kommune (forslaget oppgir ikke sete)")
        shown = "de 15 lengste" if len(dist) > 15 else "alle kommunene"
        lost = [n[:1].upper() + n[1:] + "." for n in self._reasons().get("folkemengde", "").split("; ")
                if n.startswith("ikke med")]
        dated = ([] if self.proposal.vintage == self.year else
                 [f"Kommunene i forslagets {self.proposal.vintage}-inndeling."] + lost)
        dist_table = table("cohesion", dist_frame.head(15), f"Tabell 5. Avstand fra {where} – {shown}",
                           "Beregnet fra kommunepolygoner, © Kartverket (CC BY 4.0)", dated)
        said += (f" Lengst fra {fmt.md_text(where)} ligger **{fmt.md_text(far['kommunenavn'])}**, "
                 f"{fmt.number(far['avstand_km'])} km i luftlinje.")
        return [markdown("cohesion", said), ba_table, dist_table]


def history_alt(hist: pd.DataFrame, region: str) -> str:
    """Alt text of the history chart: the change over the period, against Norway's."""
    def change(name):  # over the years the index is known (see population_history)
        part = hist[(hist["region"] == name) & hist["indeks"].notna()].sort_values("aar")
        first, last = part.iloc[0], part.iloc[-1]
        return int(first["aar"]), int(last["aar"]), 100 * (last["indeks"] / first["indeks"] - 1)

    start, end, mine = change(region)
    norway = change("Norge")[2] if end == hist["aar"].max() else \
        100 * (hist.loc[(hist["region"] == "Norge") & (hist["aar"] == end), "indeks"].iloc[0] / 100 - 1)
    verb = "økte" if mine >= 0 else "falt"
    return (f"Linjediagram: folkemengden i {region} {verb} {fmt.percent(abs(mine), 0)} fra {start} "
            f"til {end}, mot {'en økning' if norway >= 0 else 'en nedgang'} på "
            f"{fmt.percent(abs(norway), 0)} i hele landet.")


def history_sheet(hist: pd.DataFrame) -> pd.DataFrame:
    """The history chart's numbers for the XLSX: rounded as a reader would print them."""
    notes = []
    for brudd, index in zip(hist["brudd"], hist["indeks"]):
        parts = []
        if pd.isna(index):
            parts.append("kan ikke følges: regionens område er talt i en annen region etter en "
                         "kommunesammenslåing")
        elif brudd:
            parts += ["tilnærmet avgrensning (kommuner delt mellom regioner er talt der flest bodde)",
                      "brudd i serien (kodeendring); indeksen er kjedet"]
        notes.append("; ".join(parts) or None)
    return pd.DataFrame({
        "År (1. januar)": hist["aar"].astype(int),
        "Region": hist["region"],
        "Folkemengde (personer)": hist["folkemengde"].astype("Int64"),
        "Indeks (2005 = 100)": hist["indeks"].astype(float).round(1),
        "Merknad": notes,
    })
