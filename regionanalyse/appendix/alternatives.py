"""Sections of the appendix «Forslaget sammenlignet med N alternativer» (issue 12)."""
from __future__ import annotations

import functools
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter, MaxNLocator
import pandas as pd
import seaborn as sns

from ..ensemble import diagnostics
from ..ensemble.run import EXACT_LIMIT, percentile, shares
from ..ensemble.folder import read_settings
from ..ensemble.generate import BURN_IN
from ..model import load, read_yaml
from ..present import cells, fmt, maps
from ..present.html import figure_out
from ..present.sections import Section, Sections, figure, markdown, table
from ..sources import geometry, labour, population
from ..territory.adjacency import method_text as adjacency_method_text
from ..territory.validate import validate
from .base import appendix
from .alternatives_sea import fylke_crossings, kommune_crossings
from .alternatives_tolerance import (balance_caveat, notes, not_swept_text, read_sweep, rule_text,
                                 survival_text, sweep_frame)
from .alternatives_units import found_text, units_text

# label, unit, decimals, whether a lower value is the "tighter" one (for the reading aid)
LABELS = {
    "befolkningsavvik_maks": ("Største avvik fra idealstørrelsen", "prosent", 1, True),
    "befolkning_min": ("Minste region (innbyggere)", "personer", 0, False),
    "befolkning_maks": ("Største region (innbyggere)", "personer", 0, True),
    "polsby_popper_snitt": ("Kompakthet (Polsby-Popper, snitt)", "0–1", 3, False),
    "ba_delt": ("BA-regioner delt av regiongrenser", "antall", 0, True),
    "bosatt_delt_ba": ("Bosatt i delte BA-regioner", "personer", 0, True),
    "avstand_maks_km": ("Lengste avstand kommune–sete", "km", 0, True),
    "avstand_snitt_km": ("Gjennomsnittlig avstand til setet per innbygger", "km", 1, True),
    "kommuner_maks": ("Flest kommuner i én region", "antall", 0, True),
}
PLOTTED = ["befolkningsavvik_maks", "polsby_popper_snitt", "ba_delt", "bosatt_delt_ba",
           "avstand_snitt_km", "kommuner_maks"]


def _value(col: str, v: float) -> str:
    return _cell(col, v).printed()


def _cell(col: str, v: float) -> cells.Cell:
    """A score as a cell: a share in percent, else a number with the score's decimals."""
    _, unit, decimals, _ = LABELS[col]
    if unit == "prosent":
        return cells.percent(100 * v, decimals)
    return cells.number(v, decimals)


HEADLINE = [c for c in LABELS if c != "polsby_popper_snitt"]  # compactness: method-dependent
CHAIN_COLORS = ["#332288", "#88CCEE", "#117733", "#DDCC77", "#AA4499", "#44AA99", "#999933",
                "#882255"]  # Paul Tol, without the red of the proposal's line
CHAIN_STYLES = ["-", "--", ":", "-."]  # chains told apart without colour too
DISAGREE_PP = 10  # per-chain percentiles are shown when they spread more than this (points)


def _paper_style(draw):
    """Seaborn's whitegrid/paper look for one figure, leaving matplotlib's settings as they were
    (an analyst's kernel keeps its own style)."""
    @functools.wraps(draw)
    def drawn(*args, **kwargs):
        with sns.axes_style("whitegrid"), sns.plotting_context("paper"):
            return draw(*args, **kwargs)
    return drawn


def _pp(v: float) -> str:
    """A share in percent for prose: no decimals, but never rounded to 0 or 100 unless exact."""
    if 0 < v < 0.5:
        return "under 1\u00a0%"
    if 99.5 <= v < 100:
        return "over 99\u00a0%"
    return fmt.percent(v, 0)


def _pctile(v: float) -> str:
    """A percentile: whole numbers, one decimal near the ends (so 0,4 is not shown as 0)."""
    return _pctile_cell(v).printed()


def _pctile_cell(v: float) -> cells.Cell:
    return cells.number(v, 1 if 0 < v < 1 or 99 < v < 100 else 0)


def _about(n: float) -> str:
    """An effective sample size for prose: whole numbers below 100, else to the nearest ten."""
    return fmt.number(n if n < 100 else round(n, -1))


@appendix
def build(params: dict) -> Sections:
    """The appendix on the alternatives: `params` as the notebook's (proposal, year,
    ensemble_dir)."""
    report = EnsembleReport(params["proposal"], params["year"], params["ensemble_dir"])
    return Sections([report.intro(), report.headlines(), report.position(), report.distributions(),
                     report.best_table(), *report.maps(), report.method(), *report.chain_section(),
                     report.compactness(), *report.sea_section(), *report.rule_section()])


class EnsembleReport:
    """Where a proposal lies among the plans written by `regionanalyse alternatives`.

    Every figure about the proposal's position is read from forslag.csv and ensemble.csv (the
    values the CSV files store), so table, text and files agree.
    """

    def __init__(self, proposal: str, year: int, ensemble_dir: str):
        self.proposal = load(proposal)
        validate(self.proposal)
        self.year = int(year)
        self.dir = Path(ensemble_dir)
        self.settings = read_settings(self.dir)  # checked: a broken file is a clear error
        self.ensemble = pd.read_csv(self.dir / "ensemble.csv")
        self.table = pd.read_csv(self.dir / "forslag.csv").set_index("maal")
        self.own = self.table["verdi"]
        diag = self.dir / "diagnostikk.csv"
        self.diagnostics = pd.read_csv(diag).set_index("maal") if diag.exists() else None
        self.best = [read_yaml(p) for p in sorted((self.dir / "forslag").glob("alt-*.yaml"),
                                                  key=lambda p: int(p.stem.split("-")[1]))]

    @property
    def n(self) -> int:
        return len(self.ensemble)

    @property
    def chains(self) -> list[int]:
        return sorted(self.ensemble["kjede"].unique()) if "kjede" in self.ensemble else [1]

    @property
    def name(self) -> str:
        return fmt.md_text(self.proposal.name)

    def unconverged(self) -> list[str]:
        """Labels of the scores whose chains have not mixed (R-hat > 1,05 or ESS < 200)."""
        if self.diagnostics is None:
            return []
        return [LABELS[m][0] for m, row in self.diagnostics.iterrows()
                if m in LABELS and not diagnostics.converged(row["rhat"], row["ess"])]

    def chain_percentiles(self, col: str) -> list[float]:
        """The proposal's percentile (lower + half the ties) within each chain."""
        out = []
        for c in self.chains:
            lower, equal, _ = shares(self.ensemble.loc[self.ensemble["kjede"] == c, col],
                                     float(self.own[col]))
            out.append(percentile(lower, equal))
        return out

    def _sampling_text(self) -> str:
        s = self.settings
        if self.diagnostics is None:
            return ""
        m = self.table.loc[HEADLINE, "ess"].min()
        return (f" De kommer fra {len(self.chains)} uavhengige kjeder med {fmt.number(s['steps'])} "
                f"steg hver; de første {fmt.percent(100 * BURN_IN, 0)} av hver kjede er forkastet "
                "(de ligner startplanen), og av resten er planene tatt med jevne mellomrom. Planer "
                "som ligger nær hverandre i en kjede, ligner hverandre, så utvalget er mindre verdt "
                f"enn {fmt.number(self.n)} uavhengige trekk: for det svakeste målet tilsvarer det om "
                f"lag {_about(m)} uavhengige alternativer.")

    def _own_tolerance_text(self) -> str:
        """The rule that chose the tolerance and what follows for the balance comparison
        (`alternatives_tolerance.rule_text`)."""
        swept = (self.dir / "sveip.csv").exists()
        return rule_text(self.settings, self.year, float(self.own["befolkningsavvik_maks"]),
                         self.sweep_number if swept else None)

    @property
    def sweep_number(self) -> int:
        """The sweep table's number: 3 where every plan was counted (no chains' table), else
        after the sea table 5 (4, compactness, when there is no table 5)."""
        if self.settings.get("metode") == "eksakt":
            return 3
        return 6 if self.settings["level"] != "fylke" or not fylke_crossings(self.year).empty else 5

    def intro(self) -> Section:
        s = self.settings
        exact = s.get("metode") == "eksakt"
        ba = (" Trekkingen er i tillegg styrt bort fra å dele BA-regioner (et tillegg på kantene "
              "mellom BA-regioner når trærne trekkes).") if s["keep_ba"] else ""
        warn = ""
        bad = self.unconverged()
        if bad:
            warn = ("**Advarsel: kjedene har ikke blandet godt nok** for disse målene: "
                    + "; ".join(bad)
                    + f" (R-hat over {fmt.number(diagnostics.RHAT_MAX, 2)} eller færre enn "
                    f"{diagnostics.ESS_MIN} effektive trekk, se tabell 3). Andelene for disse målene "
                    "kan flytte seg mer enn intervallene viser ved en ny trekking; kjør med flere steg "
                    "(--steps).\n\n")
        return markdown(
            "intro", warn +
            f"**Forslag:** {self.name} ({len(self.proposal.regions)} regioner). "
            f"**Folkemengde:** 1. januar {self.year}.\n\n"
            f"{found_text(s, self.n)}{self._sampling_text()}{ba} Ingen region får avvike mer enn "
            f"{fmt.percent(100 * s['tolerance'], 0)} fra idealstørrelsen (folkemengden delt på "
            f"antall regioner).{self._own_tolerance_text()} "
            f"{units_text(self.proposal, self.year, s['level'])}\n\n"
            "**Hva sammenligningen viser, og hva den ikke viser.** Alternativene viser hvor forslaget "
            "ligger blant inndelinger som var mulige med samme antall regioner, samme krav til "
            "befolkningsbalanse og samme naboskap mellom kommunene. At forslaget ligger i ytterkanten "
            "på et mål, betyr at få mulige inndelinger ligner det på dette målet – ikke at forslaget "
            "er bedre eller dårligere. Alternativene er "
            + ("alle inndelinger som oppfyller reglene over" if exact else
               "et utvalg trukket etter reglene over (metoden foretrekker kompakte regioner)")
            + ", ikke en liste over forslag noen har fremmet, og de tar ikke hensyn til forhold "
            "som tallene ikke fanger opp, som samarbeid, tradisjon og samferdsel.")

    def _caveat(self, col: str) -> str:
        """What makes a score's comparison less than like for like, said beside it."""
        if col in ("ba_delt", "bosatt_delt_ba") and not self.settings["keep_ba"]:
            if self.settings["level"] == "fylke":
                return (" Alternativene er satt sammen av hele fylker uten å se BA-regionene; en "
                        "BA-region som krysser en fylkesgrense, deles når fylkene havner i ulike "
                        "regioner.")
            return (" Alternativene er trukket uten å se BA-regionene; en trekking som tar hensyn "
                    "til dem (--keep-ba), deler færre.")
        if col.startswith("avstand"):
            return self._own_seats_text(col)
        if col == "befolkningsavvik_maks":
            return balance_caveat(self.settings, float(self.own[col]))
        return ""

    def _own_seats_text(self, col: str) -> str:
        """The proposal's distance from the seats it names, beside (never in) the comparison,
        which measures both sides from each region's most populous kommune."""
        if not any(r.seat for r in self.proposal.regions) or "verdi_egne_seter" not in self.table:
            return ""
        own, official = self.table.at[col, "verdi"], self.table.at[col, "verdi_egne_seter"]
        if own == official:
            return (" Forslagets egne seter gir samme tall som regionens mest folkerike kommune, "
                    "som begge sider måles fra.")
        return (" Begge sider måles her fra regionens mest folkerike kommune; fra forslagets egne "
                f"seter er tallet {_value(col, official)} km (ikke med i sammenligningen).")

    def headlines(self) -> Section:
        """One plain sentence per score: shares below/equal/above, with the sampling error."""
        lines = []
        for col in HEADLINE:
            row = self.table.loc[col]
            label = LABELS[col][0]
            lower = _pp(row["andel_lavere"])
            unit = " km" if LABELS[col][1] == "km" else ""
            text = (f"- **{label}:** forslaget {_value(col, row['verdi'])}{unit}. "
                    f"{lower[0].upper() + lower[1:]} av alternativene har lavere verdi, "
                    f"{_pp(row['andel_lik'])} samme verdi og {_pp(row['andel_hoyere'])} høyere")
            if not fmt.is_missing(row["ess"]):
                text += (f" (persentil {_pctile(row['persentil'])}; med om lag "
                         f"{_about(row['ess'])} uavhengige alternativer bak tallet ligger den "
                         f"trolig mellom {_pctile(row['persentil_fra'])} og "
                         f"{_pctile(row['persentil_til'])})")
            text += "." + self._caveat(col)
            per_chain = self.chain_percentiles(col)
            if len(per_chain) > 1 and max(per_chain) - min(per_chain) > DISAGREE_PP:
                text += (" Kjedene er uenige: persentilen er " +
                         ", ".join(_pctile(v) for v in per_chain[:-1]) +
                         f" og {_pctile(per_chain[-1])} i de {len(per_chain)} kjedene hver for seg.")
            lines.append(text)
        note = ("\n\nKompakthet står bare i tabell 1: tallet avhenger av hvordan omkretsen måles "
                "(se metodedelen).")
        return markdown("headlines", "\n".join(lines) + note)

    def position(self) -> Section:
        """Per score: the proposal's value, the alternatives' median and 90 % range, the shares."""
        cols = [c for c in LABELS if c in self.table.index]
        t = self.table.loc[cols]
        sampled = t["ess"].notna().any()
        frame = pd.DataFrame({
            "Mål": [LABELS[c][0] for c in cols],
            "Forslaget": [_cell(c, v) for c, v in zip(cols, t["verdi"])],
            "Alternativene, median": [_cell(c, v) for c, v in zip(cols, t["median"])],
            "Alternativene, 90 % mellom": [cells.text(f"{_value(c, lo)}–{_value(c, hi)}")
                                           for c, lo, hi in zip(cols, t["p5"], t["p95"])],
            "Lavere verdi": t["andel_lavere"].map(cells.percent).to_list(),
            "Samme verdi": t["andel_lik"].map(cells.percent).to_list(),
            "Høyere verdi": t["andel_hoyere"].map(cells.percent).to_list(),
        })
        notes = ["90 % mellom: alternativenes 5. og 95. persentil. Lavere, samme og høyere "
                 "verdi er andeler av alternativene (summen er 100 %), sammenlignet med verdiene "
                 "slik de står i forslag.csv og ensemble.csv.",
                 "For avvik, BA-deling, avstand og antall kommuner er lavere verdi strammere; for "
                 "kompakthet er høyere verdi mer kompakt. Kompakthet avhenger av hvordan omkretsen "
                 "måles (se metodedelen)."]
        if sampled:
            frame["Persentil (intervall)"] = [
                cells.text(f"{_pctile(r.persentil)} ({_pctile(r.persentil_fra)}–{_pctile(r.persentil_til)})")
                for r in t.itertuples()]
            notes.append("Persentil: andelen lavere pluss halvparten av andelen med samme verdi. "
                         "Intervallet (95 %) viser usikkerheten fra trekkingen alene (en ny trekking med "
                         "annen startverdi havner trolig innenfor), ikke usikkerhet i dataene.")
        if self.settings["level"] == "fylke":
            notes.append("Alternativene er satt sammen av hele fylker uten å se BA-regionene; "
                         "tallene for BA-deling viser derfor hvor mye fylkesgrensene og "
                         "sammensetningen av fylker deler dem.")
        elif not self.settings["keep_ba"]:
            notes.append("Alternativene er trukket uten å se BA-regionene (valget --keep-ba var "
                         "ikke brukt); tallene for BA-deling viser derfor hvor mye grenser trukket "
                         "uten hensyn til BA-regionene deler dem.")
        notes.append("Avstand til setet: forslaget og alternativene måles med samme regel, fra "
                     "regionens mest folkerike kommune." + self._own_seats_note())
        return table(
            "position", frame, f"Tabell 1. {self.proposal.name} mot {fmt.counted(self.n, 'alternativ', 'alternativer')}, "
            f"1. januar {self.year}",
            f"{population.SOURCE} {self.year}; {labour.BA_SOURCE}; {geometry.SOURCE}; egne beregninger",
            notes, main=True)

    def _own_seats_note(self) -> str:
        """The proposal's distances from its own seats, as information beside table 1."""
        if not any(r.seat for r in self.proposal.regions) or "verdi_egne_seter" not in self.table:
            return ""
        t = self.table
        return (" Målt fra forslagets egne seter er gjennomsnittlig avstand "
                f"{_value('avstand_snitt_km', t.at['avstand_snitt_km', 'verdi_egne_seter'])} km og "
                f"lengste avstand {_value('avstand_maks_km', t.at['avstand_maks_km', 'verdi_egne_seter'])}"
                " km; de tallene er ikke med i andelene (forslag.csv, kolonnen verdi_egne_seter).")

    @_paper_style
    def distributions(self) -> Section:
        """Histograms of six scores, the proposal marked with a vertical line."""
        fig, axes = plt.subplots(3, 2, figsize=(7.2, 8.4))
        lines = []
        for ax, col in zip(axes.ravel(), PLOTTED):
            label, unit, _, _ = LABELS[col]
            values = self.ensemble[col].astype(float)
            scale = {"prosent": 100, "personer": 1e-3}.get(unit, 1)
            discrete = col in ("ba_delt", "kommuner_maks")
            sns.histplot(values * scale, ax=ax, color="#4c72b0", discrete=discrete,
                         bins="auto", edgecolor="white")
            v = float(self.own[col]) * scale
            ax.axvline(v, color="#c44e52", linewidth=2)
            ax.set_title(label, fontsize=9)
            ax.set_xlabel({"personer": "tusen personer"}.get(unit, unit), fontsize=8)
            ax.set_ylabel("alternativer", fontsize=8)
            ax.tick_params(labelsize=7)
            decimals = 2 if col == "polsby_popper_snitt" else 0
            ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=discrete))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _, d=decimals: fmt.number(x, d)))
            row = self.table.loc[col]
            lines.append(f"{label}: forslaget {_value(col, row['verdi'])}, "
                         f"{_pp(row['andel_lavere'])} av alternativene lavere, "
                         f"{_pp(row['andel_lik'])} like")
        fig.tight_layout()
        alt = ("Seks histogrammer over alternativenes verdier, med forslaget som rød loddrett strek. "
               + "; ".join(lines) + ".")
        return figure("distributions", figure_out(
            fig, f"Figur 1. Fordelingen i {fmt.counted(self.n, 'alternativ', 'alternativer')}; rød strek: "
            f"{self.proposal.name}", f"{population.SOURCE} {self.year}; {labour.BA_SOURCE}; "
            "egne beregninger", alt=alt))

    def _plan_of(self, alt) -> int:
        return int(alt.source.rsplit("plan ", 1)[1])

    def best_table(self) -> Section:
        """Scores of the selected (Pareto) alternatives beside the proposal's, from the CSV files."""
        cols = ["befolkningsavvik_maks", "bosatt_delt_ba", "avstand_snitt_km", "polsby_popper_snitt",
                "kommuner_maks"]
        by_plan = self.ensemble.set_index("plan")
        rows = [("Forslaget", self.own)]
        rows += [(f"Alternativ\u00a0{j} (plan {self._plan_of(alt)})", by_plan.loc[self._plan_of(alt)])
                 for j, alt in enumerate(self.best, 1)]
        frame = pd.DataFrame({"Plan": [name for name, _ in rows]})
        for c in cols:
            frame[LABELS[c][0]] = [_cell(c, r[c]) for _, r in rows]
        return table(
            "best_table", frame, "Tabell 2. Utvalgte alternativer: ingen annen plan "
            + ("" if self.settings.get("metode") == "eksakt" else "i utvalget ")
            + "har lavere verdi på alle tre målene avvik, bosatte i delte BA-regioner og avstand til setet",
            f"{population.SOURCE} {self.year}; {labour.BA_SOURCE}; egne beregninger",
            ["Utvalget er gjort etter tre mål som tallene kan fange opp; det sier ikke at disse "
             "inndelingene er bedre enn forslaget. Setet i et alternativ er regionens mest folkerike "
             "kommune; det er ikke et forslag om hvor et regionkontor bør ligge. Alternativene finnes "
             "som forslagsfiler (forslag/alt-1.yaml …) og kan bygges som vedlegg på samme måte som "
             "forslaget; plannummeret viser til ensemble.csv og plans.csv."
             + (" Forslagets avstand er målt som alternativenes, fra regionens mest folkerike "
                "kommune (se tabell 1 for avstanden fra forslagets egne seter)."
                if any(r.seat for r in self.proposal.regions) else "")])

    def maps(self) -> list[Section]:
        """The proposal and each selected alternative, on the same scale."""
        bounds = geometry.kommune_polygons(2024).total_bounds
        extent = (bounds[0] - 20_000, bounds[1] - 20_000, bounds[2] + 20_000, bounds[3] + 20_000)
        out = []
        plans = [(f"Forslaget: {self.proposal.name}", self.proposal)]
        plans += [(f"Alternativ {j} (plan {self._plan_of(a)})", a) for j, a in enumerate(self.best, 1)]
        for i, (title, p) in enumerate(plans, 2):
            fig, ax = plt.subplots(figsize=(6.4, 7.6))
            maps.overview_map(p, self.year, ax=ax, extent=extent)
            out.append(figure("maps", figure_out(fig, f"Figur {i}. {title}", geometry.SOURCE,
                                                 alt=maps.overview_map_alt(p))))
        return out

    @property
    def compactness_number(self) -> int:
        """The compactness table's number: 4, after the chains' (or the sweep's) table 3."""
        return 4

    def chain_section(self) -> list[Section]:
        """The method annex's part on the chains (heading, table 3, figure A); when every plan was
        enumerated there are no chains, and table 3 is the same comparison under nearby rules."""
        if self.settings.get("metode") == "eksakt":
            return self.sweep_section()
        parts = [markdown("chain_section", "### Har kjedene blandet?"), self.diagnostics_table()]
        return parts + ([self.chain_histograms()] if self.diagnostics is not None else [])

    def sweep_section(self, cell: str = "chain_section") -> list[Section]:
        """Heading, whether each headline place survives, and the table of the shares under other
        rules (sveip.csv; `alternatives_tolerance`), shown in notebook cell `cell`; nothing when the
        file is absent."""
        path = self.dir / "sveip.csv"
        if not path.exists():
            return []
        sweep = read_sweep(path)
        labels = {m: LABELS[m][0] for m in LABELS}
        return [markdown(cell, "### Tåler andelene andre regler?\n\n"
                         + survival_text(sweep, labels, float(self.own["befolkningsavvik_maks"]))),
                table(cell, sweep_frame(sweep, labels),
                      f"Tabell {self.sweep_number}. Andelen alternativer med lavere / samme / høyere "
                      "verdi enn forslaget med andre grenser for avvik, andre antall regioner og uten "
                      "sjøforbindelser", "Egne beregninger (sveip.csv)", notes(sweep))]

    def rule_section(self) -> list[Section]:
        """With chains: the sweep after the sea table, or where it was not run, that and how to
        run it; nothing where every plan was counted (the sweep is then table 3)."""
        if self.settings.get("metode") == "eksakt":
            return []
        if (self.dir / "sveip.csv").exists():
            return self.sweep_section("rule_section")
        return [markdown("rule_section", "### Tåler andelene andre regler?\n\n" + not_swept_text())]

    def diagnostics_table(self) -> Section:
        """Per score: split R-hat, effective sample size, per-chain percentiles (method annex)."""
        if self.diagnostics is None:
            return markdown("chain_section", "Alternativene er ikke trukket i kjeder, så det er "
                            "ingen konvergensmål å vise.")
        cols = [c for c in LABELS if c in self.diagnostics.index]
        d = self.diagnostics.loc[cols]
        frame = pd.DataFrame({
            "Mål": [LABELS[c][0] for c in cols],
            "R-hat": [cells.number(v, 3) for v in d["rhat"]],
            "Effektivt utvalg": [cells.number(v) for v in d["ess"]],
            "Persentil per kjede": [cells.text("; ".join(_pctile(v) for v in self.chain_percentiles(c)))
                                    for c in cols],
            "Samlet": [_pctile_cell(self.table.at[c, "persentil"]) for c in cols],
        })
        distinct = int(d["ulike_planer"].iloc[0])
        return table(
            "chain_section", frame, f"Tabell 3. R-hat, effektivt utvalg og forslagets persentil i hver av de "
            f"{len(self.chains)} kjedene ({fmt.number(self.n)} planer)", "Egne beregninger (diagnostikk.csv)",
            [f"R-hat sammenligner spredningen innen og mellom kjedene (delt i to, rangnormalisert; "
             f"Vehtari mfl. 2021); over {fmt.number(diagnostics.RHAT_MAX, 2)} betyr at kjedene ikke "
             f"har funnet samme fordeling. Effektivt utvalg er antallet uavhengige trekk utvalget er "
             f"verdt for målet; under {diagnostics.ESS_MIN} regnes som for lite.",
             "Effektivt utvalg i setningene i del 1 gjelder sammenligningen med forslaget (andelen "
             "lavere og høyere), som kan blande raskere eller saktere enn målet som helhet; derfor "
             "kan tallene være ulike.",
             f"{fmt.number(distinct)} av de {fmt.number(self.n)} planene er ulike; det er ikke et mål "
             "på hvor mye utvalget er verdt, fordi ulike planer i samme kjede ligner hverandre."])

    @_paper_style
    def chain_histograms(self) -> Section:
        """Per-chain histograms overlaid: chains that have mixed draw the same shape."""
        fig, axes = plt.subplots(3, 2, figsize=(7.2, 8.4))
        for ax, col in zip(axes.ravel(), PLOTTED):
            label, unit, _, _ = LABELS[col]
            scale = {"prosent": 100, "personer": 1e-3}.get(unit, 1)
            discrete = col in ("ba_delt", "kommuner_maks")
            values = self.ensemble[col].astype(float) * scale
            chain = self.ensemble.get("kjede", pd.Series(1, index=self.ensemble.index))
            edges = np.histogram_bin_edges(values, bins="auto")
            if discrete:  # whole numbers: bins of whole width, centred on the values
                width = max(1, int(np.ceil(np.diff(edges).mean())))
                edges = np.arange(values.min() - 0.5, values.max() + width + 0.5, width)
            for i, (number, part) in enumerate(values.groupby(chain)):
                counts, _ = np.histogram(part, bins=edges)
                ax.stairs(100 * counts / len(part), edges, color=CHAIN_COLORS[i % len(CHAIN_COLORS)],
                          linestyle=CHAIN_STYLES[i % len(CHAIN_STYLES)], linewidth=1.3,
                          label=f"kjede {number}")
            if ax is axes[0, 0]:
                ax.legend(fontsize=7, frameon=False)
            ax.axvline(float(self.own[col]) * scale, color="#c44e52", linewidth=1.5)
            ax.set_title(label, fontsize=9)
            ax.set_xlabel({"personer": "tusen personer"}.get(unit, unit), fontsize=8)
            ax.set_ylabel("prosent av kjedens planer", fontsize=8)
            ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: fmt.number(y, 0 if y == 0 or y >= 1 else 1)))
            ax.tick_params(labelsize=7)
            decimals = 2 if col == "polsby_popper_snitt" else 0
            ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=discrete))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _, d=decimals: fmt.number(x, d)))
        fig.tight_layout()
        alt = (f"Seks panel med én trappekurve per kjede ({len(self.chains)} kjeder, hver med egen "
               "farge og strektype) over "
               "fordelingen av hvert mål; like kurver betyr at kjedene har funnet samme fordeling. "
               "Tallene står i tabell 3.")
        return figure("chain_section", figure_out(
            fig, "Figur A. Fordelingen i hver kjede for seg; rød strek: forslaget",
            "Egne beregninger (ensemble.csv, kolonnen kjede)", alt=alt))

    def compactness(self) -> Section:
        """Polsby–Popper of the proposal and the selected alternatives, measured three ways."""
        rows = []
        plans = [("Forslaget", self.proposal, float(self.own["polsby_popper_snitt"]))]
        by_plan = self.ensemble.set_index("plan")
        plans += [(f"Alternativ\u00a0{j}", a, float(by_plan.at[self._plan_of(a), "polsby_popper_snitt"]))
                  for j, a in enumerate(self.best, 1)]
        for name, p, own in plans:
            other = maps.polsby_popper_outlines(p)
            rows.append({"Plan": name, "Grenser mellom kommuner trukket fra (brukt her)": cells.number(own, 3),
                         "Sammenslått kart": cells.number(other["raw"], 3),
                         "Sammenslått og lukket (400 m)": cells.number(other["closed"], 3)})
        return table(
            "compactness", pd.DataFrame(rows), f"Tabell {self.compactness_number}. Kompakthet (Polsby-Popper, "
            "snitt over regionene) målt på tre måter", f"{geometry.SOURCE}; egne beregninger",
            ["Polsby-Popper er 4πA/U² (A areal, U omkrets). Omkretsen av en kystregion avhenger av "
             "hvor detaljert kysten og fjordene er tegnet og av smale sprekker mellom kommunene i de "
             "forenklede kartene; de tre måtene gir derfor ulike tall, og forslagets plass blant "
             "alternativene kan endre seg med metoden, så kompakthet bør bare brukes som argument når "
             "rekkefølgen er den samme i alle tre kolonnene."])

    @property
    def sea_figure(self) -> str:
        """The sea-edge map's letter: B after the chains' figure A, else A."""
        chains = self.settings.get("metode") != "eksakt" and self.diagnostics is not None
        return "B" if chains else "A"

    def sea_section(self) -> list[Section]:
        """Heading, map and table of the sea edges (bridges, tunnels, ferries) of the neighbour
        graph the alternatives were drawn on; with fylke units the table lists the fylke pairs
        that are neighbours only over sea, and the whole kommune list goes to the XLSX."""
        layer = geometry.kommune_layer_year(self.year)
        crossings = kommune_crossings(self.year)
        source = ("data/raw/sjoforbindelser.csv (kilde per forbindelse i kolonnen Kilde); "
                  f"{geometry.SOURCE}")
        counts = crossings["Type"].value_counts()
        kinds = (f"{fmt.number(counts.get('bru', 0))} bruer, {fmt.number(counts.get('tunnel', 0))} "
                 f"tunneler og {fmt.number(counts.get('ferje', 0))} ferje- eller båtsamband")
        fig, ax = plt.subplots(figsize=(6.4, 7.6))
        maps.sea_edge_map(self.year, ax=ax)
        sea_map = figure("sea_section", figure_out(
            fig, f"Figur {self.sea_figure}. Naboskap over sjøen i {self.year}: bru (heltrukken), "
            "tunnel (stiplet) og ferje (prikket)", source,
            alt=(f"Kart over Norge med {fmt.number(len(crossings))} linjer mellom kommuner som er "
                 f"naboer over sjøen: {kinds}. Bruer er heltrukne linjer, tunneler stiplede og "
                 "ferjesamband prikkede. Hver forbindelse står i tabell 5 eller i regnearket.")),
            crossings, "Sjøforbindelser", source)
        text = (f"Kommuner uten felles landegrense er naboer bare over en bru, en tunnel eller et "
                f"ferjesamband i tabellen over sjøforbindelser. Naboskapet for {self.year} har "
                f"{fmt.number(len(crossings))} slike forbindelser: {kinds} (figur {self.sea_figure}; "
                f"kommunenavn og -nummer som i kartlaget {layer}).")
        if self.settings["level"] != "fylke":
            return [markdown("sea_section", "### Naboskap over sjøen"), markdown(
                        "sea_section",
                        text + " Tabell 5 viser alle; kilden for hver forbindelse står i regnearket "
                        "(XLSX), arket «Sjøforbindelser», og i data/raw/sjoforbindelser.csv."),
                    sea_map, table(
                        "sea_section", crossings[["Kommuner", "Type", "Forbindelse"]],
                        f"Tabell 5. Sjøforbindelser i naboskapet mellom kommunene, {self.year}",
                        source, ["Regnearket har i tillegg kilden og avstanden mellom kommunene "
                                 "(korteste avstand mellom flatene i kartlaget, ikke lengden på "
                                 "sambandet)."])]
        pairs = fylke_crossings(self.year)
        whole = (" Hele listen over forbindelsene mellom kommuner står i regnearket (XLSX), arket "
                 "«Sjøforbindelser».")
        if pairs.empty:
            return [markdown("sea_section", "### Naboskap over sjøen"), markdown(
                "sea_section", text + " Med hele fylker som byggesteiner er to fylker naboer når noen av "
                "kommunene deres er det, og alle fylker som er naboer, har felles landegrense; "
                "sjøforbindelsene endrer derfor ikke hvilke alternativer som er mulige." + whole),
                sea_map]
        n_pairs = pairs["Fylker"].nunique()
        return [markdown("sea_section", "### Naboskap over sjøen"), markdown(
            "sea_section", text + " Med hele fylker som byggesteiner er to fylker naboer når noen av kommunene "
            f"deres er det. {'Bare ett' if n_pairs == 1 else fmt.number(n_pairs)} fylkespar er "
            "naboer bare over sjøen (tabell 5); "
            "alle andre fylker som er naboer, har felles landegrense." + whole), sea_map, table(
                "sea_section", pairs, f"Tabell 5. Fylkespar som er naboer bare over sjøen, {self.year}, og "
                "forbindelsene mellom kommunene bak", source,
                ["Uten disse forbindelsene ville fylkene i hvert par ikke vært naboer; en region "
                 "med begge fylkene måtte da henge sammen over land gjennom andre fylker."])]

    def method(self) -> Section:
        s = self.settings
        chains = len(self.chains)
        return markdown("method", "\n".join([
            f"- **Naboskap.** {adjacency_method_text()} Forbindelsene over sjøen står i figur "
            f"{self.sea_figure} og tabell 5 nedenfor.",
            ("- **Opptelling.** Hver inndeling av fylkene i sammenhengende regioner innenfor "
             "befolkningskravet er talt opp og tatt med én gang, uten tilfeldighet, så andelene "
             "er eksakte for dette naboskapet og denne toleransen. Det gjøres når fylker er "
             f"byggesteinene og det finnes høyst {fmt.number(EXACT_LIMIT)} slike inndelinger."
             if s.get("metode") == "eksakt" else
             "- **Trekking.** GerryChains ReCom: to nabo-regioner slås sammen, et tilfeldig "
             "utspent tre trekkes over dem, og treet kuttes der begge deler holder seg innenfor "
             f"befolkningskravet. {chains} kjeder med {fmt.number(s.get('steps', 0))} steg hver og fast "
             f"startverdi (seed {s['seed']}), så samme kommando gir de samme alternativene. De første "
             f"{fmt.percent(100 * BURN_IN, 0)} av hver kjede forkastes; av resten tas "
             f"{fmt.number(self.n / chains)} planer per kjede med jevne mellomrom."),
            *(["- **Usikkerhet fra trekkingen.** Intervallet rundt persentilen er et 95 % "
               "Wilson-intervall der antallet trekk er erstattet med det effektive antallet "
               "uavhengige trekk for sammenligningen med forslaget (fra autokorrelasjonen i "
               "kjedene). Når ingen alternativer ligger på den ene siden, brukes målets effektive "
               "utvalg."] if self.diagnostics is not None else []),
            "- **Mål.** Avvik: største |folkemengde − P/K| / (P/K). Kompakthet: 4πA/U² per region "
            "(A areal, U summen av kommunenes omkrets minus grensene mellom kommuner i samme "
            f"region), snitt over regionene; se tabell {self.compactness_number} for hvor mye tallet "
            "avhenger av metoden. BA-regioner: SSBs inndeling "
            f"{labour.ba_year(self.year)} i årets kommunekoder; bosatte i delte BA-regioner er "
            "summen over regionene av egne innbyggere. Avstand: rett linje mellom et punkt inne i "
            "hver kommune (EPSG:25833) og setet, som er regionens mest folkerike kommune, for "
            "forslaget og alternativene likt"
            + (" (forslagets egne seter står ved siden av, i tabell 1)."
               if any(r.seat for r in self.proposal.regions) else "."),
            f"- Folkemengde: {population.SOURCE} {self.year}. Kart: {geometry.SOURCE}.",
        ]))
