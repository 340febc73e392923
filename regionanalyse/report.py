"""Report sections as display objects: what the appendix notebooks show, cell by cell."""
from __future__ import annotations

import base64
import html
import io
from functools import cached_property

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, Markdown

from . import fmt, maps, regional, tables
from .data import labour, nav, population
from .figures import KeyFigures, key_figures
from .proposals import Proposal, load, validate

KEY_ROWS = ["folkemengde", "andel_landet_pst", "antall_kommuner", "areal_km2", "tetthet_per_km2",
            "navkontor", "navkontor_malbilde", "innbyggere_per_navkontor", "arsverk",
            "arsverk_per_10000", "sysselsatte_1000"]
OVERVIEW_COLUMNS = ["folkemengde", "andel_landet_pst", "antall_kommuner", "areal_km2",
                    "navkontor", "navkontor_malbilde", "innbyggere_per_navkontor", "arsverk"]


def table_html(frame: pd.DataFrame, caption: str, source: str, notes: list[str] = ()) -> HTML:
    """A captioned HTML table with numbered notes and a «Kilde:» line."""
    body = frame.to_html(index=False, escape=True, border=0, classes="vedlegg-tabell", na_rep=fmt.MISSING)
    parts = [f'<p class="tabelltittel"><strong>{html.escape(caption)}</strong></p>', body]
    parts += [f'<p class="fotnote">{html.escape(n)}</p>' for n in notes]
    parts.append(f'<p class="kilde">Kilde: {html.escape(source)}</p>')
    return HTML("\n".join(parts))


def figure_out(fig, caption: str, source: str, heading: str | None = None) -> HTML:
    """A matplotlib figure as one unbreakable block: optional heading, image, caption, source."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode()
    head = f"<h2>{html.escape(heading)}</h2>" if heading else ""
    return HTML(f'<div class="figurblokk">{head}<img alt="{html.escape(caption)}" '
                f'src="data:image/png;base64,{data}" style="max-width:100%;max-height:170mm">'
                f'<p class="figurtekst"><strong>{html.escape(caption)}</strong><br>'
                f'Kilde: {html.escape(source)}</p></div>')


def interactive_block(fmap) -> HTML:
    """A folium map in a self-contained iframe, below the static map (HTML only)."""
    page = html.escape(maps.standalone_html(fmap), quote=True)
    return HTML("<h3>Interaktivt kart</h3><p>Flytt og zoom; pek på en kommune for navn, region og "
                "folkemengde. Kartgrunnlag: © Kartverket (CC BY 4.0); kartbibliotek: Leaflet.</p>"
                f'<iframe srcdoc="{page}" style="width:100%;height:560px;border:1px solid #ccc">'
                "</iframe>")


def _footnoted(values: dict[str, str], reasons: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Mark missing values with ¹, ², … and return the note lines."""
    marks = "¹²³⁴⁵⁶⁷⁸⁹"
    notes: list[str] = []
    out = {}
    for key, text in values.items():
        reason = reasons.get(key)
        if reason:
            if reason not in notes:
                notes.append(reason)
            text = f"{text} {marks[notes.index(reason) % len(marks)]}"
        out[key] = text
    return out, [f"{marks[i % len(marks)]} {n}" for i, n in enumerate(notes)]


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
        text = (f"**Forslag:** {p.name}  \n**Kilde for inndelingen:** {p.source or 'ikke oppgitt'}  \n"
                f"**Kodeår (inndeling):** {p.vintage}. **Folkemengde:** 1. januar {self.year}.")
        if p.note:
            text += f"  \n**Merknad:** {p.note}"
        return Markdown(text)

    def sources_section(self) -> Markdown:
        s = self.figures.sources
        lines = [
            f"- Folkemengde og aldersgrupper: {s['folkemengde']}. Tallene gjelder 1. januar, ikke "
            "mars 2016 som i NAVs tabell 1 (kvartalstall per fylke er ikke funnet).",
            f"- Areal: {s['areal_km2']}. Polygonareal avviker inntil om lag 1 % fra SSBs offisielle areal.",
            f"- NAV-kontor: {s['navkontor']}. Tallene er oppgitt per region i NAVs forslag (sett av "
            "fylker); en region får tall bare når den er nøyaktig en sammenslåing av slike sett.",
            f"- Årsverk: {nav.ARSVERK_MISSING if self.figures.table['arsverk'].isna().all() else s['arsverk']}.",
            f"- Sysselsatte: {labour.AKU_SOURCE}; utvalgsundersøkelse med stor usikkerhet per fylke.",
            f"- Bo- og arbeidsmarkedsregioner: {labour.BA_SOURCE}.",
            "- Avstander er luftlinje mellom kommunenes representative punkter (EPSG:25833).",
            "- «ikke oppgitt» betyr at tallet mangler i kildene; det er aldri satt til 0 eller anslått.",
        ]
        return Markdown("\n".join(lines))


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
        values, notes = _footnoted(values, by_label)
        frame = pd.DataFrame({"Nøkkeltall": list(values), "Verdi": list(values.values())})
        src = self.figures.sources
        source = "; ".join(dict.fromkeys([src["folkemengde"], src["areal_km2"], src["navkontor"],
                                          labour.AKU_SOURCE]))
        return table_html(frame, f"Tabell 1. Nøkkeltall for {self.region}", source, notes)

    def map(self) -> HTML:
        fig, ax = plt.subplots(figsize=(7.2, 7.6))
        maps.region_map(self.proposal, self.region, self.year, ax=ax)
        return figure_out(fig, f"Figur 1. {self.region} med kommuner; resten av landet i grått",
                          maps.regional.geometry.SOURCE + "; SSB (BA-regioner)", heading="2. Kart")

    def interactive_map(self):
        return interactive_block(maps.interactive_map(self.proposal, self.region, self.year))

    def kommune_table(self) -> HTML:
        table = regional.kommune_table(self.proposal, self.region, self.year)
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
        hist = regional.population_history(self.proposal, self.region)
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
        ranks = regional.peer_ranks(self.figures, self.region)
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
        ba = regional.ba_cohesion(self.proposal, self.year)
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
        dist = regional.seat_distances(self.proposal, self.region)
        seat_code, seat_name, official = regional.seat_kommune(self.proposal, self.region)
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


class OverviewReport(ProposalReport):
    """Sections of the appendix for the proposal as a whole."""

    def map(self) -> HTML:
        fig, ax = plt.subplots(figsize=(6.4, 7.6))  # fits page 1 under the intro
        maps.overview_map(self.proposal, self.year, ax=ax)
        return figure_out(fig, f"Figur 1. Regionene i forslaget «{self.proposal.name}»",
                          maps.regional.geometry.SOURCE, heading="1. Regionene")

    def interactive_map(self):
        return interactive_block(maps.interactive_map(self.proposal, None, self.year))

    def table(self) -> HTML:
        frame = tables.display_table(self.figures, OVERVIEW_COLUMNS)
        notes = self.figures.notes
        reasons = list(dict.fromkeys(notes.loc[notes["figur"].isin(
            ["navkontor", "navkontor_malbilde", "arsverk", "folkemengde"]), "merknad"]))
        return table_html(frame, f"Tabell 1. Regionene med nøkkeltall, 1. januar {self.year}",
                          "; ".join(dict.fromkeys(self.figures.sources[c] for c in
                                                  ("folkemengde", "areal_km2", "navkontor"))),
                          ["Merknad: " + r for r in reasons])

    def balance(self) -> Markdown:
        t = self.figures.table
        big, small = t.loc[t["folkemengde"].idxmax()], t.loc[t["folkemengde"].idxmin()]
        lines = [f"- Største region etter folkemengde: **{big['region']}** "
                 f"({fmt.number(big['folkemengde'])} innbyggere); minste: **{small['region']}** "
                 f"({fmt.number(small['folkemengde'])}). Forholdstall: "
                 f"**{fmt.number(big['folkemengde'] / small['folkemengde'], 1)}**.",
                 f"- Antall regioner (kontroll- og styringsspenn): **{len(t)}**."]
        per_office = t["innbyggere_per_navkontor"].dropna()
        if len(per_office) > 1:
            lines.append(f"- Innbyggere per NAV-kontor (2016-kontor): fra {fmt.number(per_office.min())} "
                         f"til {fmt.number(per_office.max())}; variasjonskoeffisient "
                         f"{fmt.percent(100 * per_office.std() / per_office.mean())} "
                         f"({len(per_office)} av {len(t)} regioner har kjent antall kontor).")
        else:
            lines.append("- Innbyggere per NAV-kontor: kan ikke beregnes, antall kontor er ikke oppgitt "
                         "for regionene (se merknader til tabell 1).")
        return Markdown("\n".join(lines))

    def against_fylker(self) -> HTML:
        from . import membership

        comp = membership.fylke_composition(self.proposal, 2016)
        names = regional.codes.fylker(2016).set_index("fylkesnummer")["fylkesnavn"]
        frame = pd.DataFrame({
            "Region": comp["region"],
            "Fylker 2016": comp["fylker"].map(lambda s: ", ".join(names[f] for f in sorted(s))),
            "Antall fylker": comp["fylker"].map(len),
            "Hele fylker": comp["whole"].map({True: "ja", False: "nei (deler fylke)"}),
        })
        return table_html(frame, "Tabell 2. Forslaget mot dagens 19 fylker (2016)",
                          f"SSB, kommune- og fylkesinndeling 2016; forslaget ({self.proposal.source})",
                          [f"{len(self.proposal.regions)} regioner mot 19 fylker i 2016."])

    def criteria(self) -> HTML:
        t = self.figures.table
        ba = regional.ba_cohesion(self.proposal, self.year)
        split = ba[ba["split"]]
        split_pop = {r: split[split["regions"].map(lambda rs: r in rs)]["folkemengde"].sum()
                     for r in t["region"]}
        frame = pd.DataFrame({
            "Region": t["region"],
            "Antall partnerskap (kommuner)": t["antall_kommuner"].map(fmt.number),
            "Nærhet: innbyggere per NAV-kontor": t["innbyggere_per_navkontor"].map(fmt.number),
            "Felles arbeidsmarked: bosatt i delte BA-regioner": [fmt.number(split_pop[r]) for r in t["region"]],
            "Areal (km²)": t["areal_km2"].map(fmt.number),
        })
        return table_html(
            frame, "Tabell 3. Vurderingskriterier fra NAVs delrapport 2 og indikatorene som måler dem",
            "; ".join([population.SOURCE, labour.BA_SOURCE, nav.OFFICES_SOURCE]),
            ["Kriterier (NAV 2016, tabell 2 og risikoavsnittet): økt brukerorientering (felles "
             "arbeidsmarked), effektiv bruk av ressursene, kontroll- og styringsspenn (antall regioner), "
             "nærhet til NAV-kontor, antall partnerskap (én per kommune). Indikatorene belyser "
             "kriteriene; de er ikke NAVs egne vurderinger."])


class ComparisonReport:
    """Sections of the appendix comparing two or more proposals, counted in one year."""

    def __init__(self, proposals: list[str | Proposal], year: int, arsverk_file: str | None = None):
        self.proposals = [load(p) for p in proposals]
        for p in self.proposals:
            validate(p)
        self.year = int(year)
        self.arsverk_file = arsverk_file

    def intro(self) -> Markdown:
        lines = [f"Forslagene sammenlignes i kommuneinndelingen per 1. januar {self.year}, med "
                 f"folkemengde for samme dato.", ""]
        lines += [f"{i}. **{p.name}** ({p.id}, {len(p.regions)} regioner, kodeår {p.vintage}). "
                  f"Kilde: {p.source or 'ikke oppgitt'}." for i, p in enumerate(self.proposals, 1)]
        return Markdown("\n".join(lines))

    def maps(self) -> list[HTML]:
        """One map per proposal, all with the same extent and size, so on the same scale."""
        from .data import geometry

        bounds = geometry.kommuner(2024).total_bounds
        out = []
        for i, p in enumerate(self.proposals, 1):
            fig, ax = plt.subplots(figsize=(7.2, 8.6))
            maps.overview_map(p, self.year, ax=ax)
            ax.set_xlim(bounds[0] - 20_000, bounds[2] + 20_000)
            ax.set_ylim(bounds[1] - 20_000, bounds[3] + 20_000)
            out.append(figure_out(fig, f"Figur {i}. {p.name} (samme målestokk i alle kartene)",
                                  geometry.SOURCE, heading=f"1.{i} Kart: {p.name}" if i > 1 else f"1. Kart over forslagene – {p.name}"))
        return out

    def changes(self) -> list[HTML]:
        """For each consecutive pair: the kommuner that change region company."""
        from .compare import flows

        out = []
        for n, (a, b) in enumerate(zip(self.proposals, self.proposals[1:]), 1):
            table = flows(a, b, self.year)
            moved = table[~table["hovedstrom"]]
            summary = (f"Fra «{a.name}» til «{b.name}»: {len(a.regions)} → {len(b.regions)} regioner. "
                       f"{fmt.number(moved['antall_kommuner'].sum())} kommuner med "
                       f"{fmt.number(moved['folkemengde'].sum())} innbyggere havner i en annen region "
                       "enn hoveddelen av regionen de kom fra.")
            frame = pd.DataFrame({
                "Fra": table["fra"], "Til": table["til"],
                "Kommuner (antall)": table["antall_kommuner"].map(fmt.number),
                "Folkemengde (personer)": table["folkemengde"].map(fmt.number),
                "Kommunene": [", ".join(k[:8]) + (f" og {len(k) - 8} til" if len(k) > 8 else "")
                              for k in table["kommuner"]],
                "Endring": table["hovedstrom"].map({True: "hoveddel", False: "flyttes"}),
            })
            out.append(HTML(f"<p>{html.escape(summary)}</p>"))
            out.append(table_html(frame, f"Tabell {n}. Fra {a.name} til {b.name}: hvor kommunene går",
                                  f"{population.SOURCE} {self.year}; forslagene som oppgitt",
                                  ["«hoveddel»: den delen av en region der flest bor; «flyttes»: "
                                   "kommuner som skilles fra hoveddelen."]))
        return out

    def side_by_side(self) -> HTML:
        from .compare import side_by_side

        table = side_by_side(self.proposals, self.year, self.arsverk_file)
        frame = pd.DataFrame({
            "Forslag": table["forslag_id"], "Region": table["region"],
            "Folkemengde (personer)": table["folkemengde"].map(fmt.number),
            "Andel av landet": table["andel_landet_pst"].map(fmt.percent),
            "Areal (km²)": table["areal_km2"].map(fmt.number),
            "NAV-kontor 2016 (antall)": table["navkontor"].map(fmt.number),
            "Innbyggere per NAV-kontor": table["innbyggere_per_navkontor"].map(fmt.number),
        })
        return table_html(frame, f"Tabell {len(self.proposals)}. Nøkkeltall per region, 1. januar {self.year}",
                          f"{population.SOURCE} {self.year}; {nav.OFFICES_SOURCE}; © Kartverket (areal)",
                          ["«ikke oppgitt»: NAV-kontor er kjent bare per region i NAVs 2016-forslag; "
                           "en region som ikke er en sammenslåing av slike regioner får ikke tall."])

    def balance(self) -> HTML:
        from .compare import balance

        table = balance(self.proposals, self.year, self.arsverk_file)
        frame = pd.DataFrame({
            "Forslag": table["forslag"],
            "Regioner (antall)": table["regioner"].map(fmt.number),
            "Største/minste folkemengde (forhold)": table["storst_minst"].map(lambda v: fmt.number(v, 1)),
            "Variasjonskoeffisient folkemengde": table["variasjon_folkemengde_pst"].map(fmt.percent),
            "Innbyggere per NAV-kontor (min–maks)": [
                fmt.MISSING if fmt.is_missing(lo) else f"{fmt.number(lo)}–{fmt.number(hi)} ({n} regioner)"
                for lo, hi, n in zip(table["innb_per_navkontor_min"], table["innb_per_navkontor_maks"],
                                     table["regioner_med_kjent_navkontor"])],
            "BA-regioner delt (antall)": table["ba_delt"].map(fmt.number),
            "Bosatt i delte BA-regioner (personer)": table["bosatt_i_delte_ba"].map(fmt.number),
        })
        pop_year = int(table["ba_pop_year"].iloc[0])
        return table_html(frame, "Tabell {}. Balanse og felles arbeidsmarked".format(len(self.proposals) + 1),
                          f"{population.SOURCE}; {labour.BA_SOURCE}; {nav.OFFICES_SOURCE}",
                          [f"Bosatte i BA-regioner: folkemengde 1. januar {pop_year}."])

    def sources_section(self) -> Markdown:
        return ProposalReport(self.proposals[0], self.year, self.arsverk_file).sources_section()
