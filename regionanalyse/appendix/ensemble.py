"""Sections of the appendix «Forslaget sammenlignet med N alternativer» (issue 12)."""
from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter, MaxNLocator
import numpy as np
import pandas as pd
import seaborn as sns
from IPython.display import HTML, Markdown

from ..ensemble.alternatives import EXACT_LIMIT
from ..ensemble.folder import read_settings
from ..indicators.scores import SCORE_COLUMNS, score
from ..model import load, read_yaml
from ..present import fmt, maps
from ..present.html import figure_out
from ..sources import geometry, labour, population
from ..territory.adjacency import method_text as adjacency_method_text
from ..territory.validate import validate
from .base import StagedTables
from .ensemble_units import found_text, units_text

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
    _, unit, decimals, _ = LABELS[col]
    if unit == "prosent":
        return fmt.percent(100 * v, decimals)
    return fmt.number(v, decimals)


class EnsembleReport(StagedTables):
    """Where a proposal lies among the plans written by `regionanalyse alternatives`."""

    def __init__(self, proposal: str, year: int, ensemble_dir: str):
        self.proposal = load(proposal)
        validate(self.proposal)
        self.year = int(year)
        self.dir = Path(ensemble_dir)
        self.settings = read_settings(self.dir)  # checked: a broken file is a clear error
        self.ensemble = pd.read_csv(self.dir / "ensemble.csv")
        self.own = score(self.proposal, self.year).iloc[0]
        self.best = [read_yaml(p) for p in sorted((self.dir / "forslag").glob("alt-*.yaml"),
                                                  key=lambda p: int(p.stem.split("-")[1]))]

    @property
    def n(self) -> int:
        return len(self.ensemble)

    def intro(self) -> Markdown:
        s = self.settings
        exact = s.get("metode") == "eksakt"
        ba = (" Trekkingen er i tillegg styrt bort fra å dele BA-regioner (et tillegg på kantene "
              "mellom BA-regioner når trærne trekkes).") if s["keep_ba"] else ""
        return Markdown(
            f"**Forslag:** {fmt.md_text(self.proposal.name)} ({len(self.proposal.regions)} regioner). "
            f"**Folkemengde:** 1. januar {self.year}.\n\n"
            f"{found_text(s, self.n, s['unike_planer'])} Ingen region får avvike mer enn "
            f"{fmt.percent(100 * s['tolerance'], 0)} fra idealstørrelsen (folkemengden delt på "
            f"antall regioner).{ba} {units_text(self.proposal, self.year, s['level'])}\n\n"
            "**Hva sammenligningen viser, og hva den ikke viser.** Alternativene viser hvor forslaget "
            "ligger blant inndelinger som var mulige med samme antall regioner, samme krav til "
            "befolkningsbalanse og samme naboskap mellom kommunene. At forslaget ligger i ytterkanten "
            "på et mål, betyr at få mulige inndelinger ligner det på dette målet – ikke at forslaget "
            "er bedre eller dårligere. Alternativene er "
            + ("alle inndelinger som oppfyller reglene over" if exact else
               "et utvalg trukket etter reglene over (metoden foretrekker kompakte regioner)")
            + ", ikke en liste over forslag noen har fremmet, og de tar ikke hensyn til forhold "
            "som tallene ikke fanger opp, som samarbeid, tradisjon og samferdsel.")

    def position(self) -> HTML:
        """Per score: the proposal's value, the alternatives' median and 90 % range, percentile."""
        rows = []
        for col in SCORE_COLUMNS:
            if col == "regioner":
                continue
            values = self.ensemble[col].to_numpy(dtype=float)
            v = float(self.own[col])
            below = 100 * (values < v).mean()
            above = 100 * (values > v).mean()
            rows.append({"maal": col, "forslaget": v, "median": float(np.median(values)),
                         "p5": float(np.percentile(values, 5)), "p95": float(np.percentile(values, 95)),
                         "andel_lavere_pst": below, "andel_hoyere_pst": above})
        table = pd.DataFrame(rows)
        self.main_table_next()
        frame = pd.DataFrame({
            "Mål": [LABELS[c][0] for c in table["maal"]],
            "Forslaget": [_value(c, v) for c, v in zip(table["maal"], table["forslaget"])],
            "Alternativene, median": [_value(c, v) for c, v in zip(table["maal"], table["median"])],
            "Alternativene, 5. persentil": [_value(c, v) for c, v in zip(table["maal"], table["p5"])],
            "Alternativene, 95. persentil": [_value(c, v) for c, v in zip(table["maal"], table["p95"])],
            "Alternativer med lavere verdi": table["andel_lavere_pst"].map(lambda v: fmt.percent(v, 0)),
            "Alternativer med høyere verdi": table["andel_hoyere_pst"].map(lambda v: fmt.percent(v, 0)),
        })
        return self.table_html(
            frame, f"Tabell 1. {self.proposal.name} mot {fmt.number(self.n)} alternativer, "
            f"1. januar {self.year}",
            f"{population.SOURCE} {self.year}; {labour.BA_SOURCE}; {geometry.SOURCE}; egne beregninger",
            ["Mellom 5. og 95. persentil ligger 90 % av alternativene. Andelene med lavere og "
             "høyere verdi summerer seg ikke til 100 % når alternativer har samme verdi som forslaget.",
             "For avvik, BA-deling, avstand og antall kommuner er lavere verdi strammere; for "
             "kompakthet er høyere verdi mer kompakt."])

    def distributions(self) -> HTML:
        """Histograms of six scores, the proposal marked with a vertical line."""
        sns.set_theme(style="whitegrid", context="paper")
        fig, axes = plt.subplots(3, 2, figsize=(7.2, 8.4))
        lines = []
        for ax, col in zip(axes.ravel(), PLOTTED):
            label, unit, _, _ = LABELS[col]
            values = self.ensemble[col].astype(float)
            scale = {"prosent": 100, "personer": 1e-3}.get(unit, 1)
            discrete = col in ("ba_delt", "kommuner_maks")
            sns.histplot(values * scale, ax=ax, color="#4c72b0", discrete=discrete,
                         bins="auto" if not discrete else "auto", edgecolor="white")
            v = float(self.own[col]) * scale
            ax.axvline(v, color="#c44e52", linewidth=2)
            ax.set_title(label, fontsize=9)
            ax.set_xlabel({"personer": "tusen personer"}.get(unit, unit), fontsize=8)
            ax.set_ylabel("alternativer", fontsize=8)
            ax.tick_params(labelsize=7)
            decimals = 2 if col == "polsby_popper_snitt" else 0
            ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=discrete))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _, d=decimals: fmt.number(x, d)))
            below = 100 * (values * scale < v).mean()
            lines.append(f"{label}: forslaget {_value(col, float(self.own[col]))}, "
                         f"{fmt.percent(below, 0)} av alternativene lavere")
        fig.tight_layout()
        alt = ("Seks histogrammer over alternativenes verdier, med forslaget som rød loddrett strek. "
               + "; ".join(lines) + ".")
        return figure_out(fig, f"Figur 1. Fordelingen i {fmt.number(self.n)} alternativer; rød strek: "
                          f"{self.proposal.name}", f"{population.SOURCE} {self.year}; {labour.BA_SOURCE}; "
                          "egne beregninger", alt=alt)

    def best_table(self) -> HTML:
        """Scores of the Pareto-best alternatives beside the proposal's."""
        rows = [("Forslaget", self.own)]
        rows += [(f"Alternativ\u00a0{j}", score(alt, self.year).iloc[0]) for j, alt in enumerate(self.best, 1)]
        cols = ["befolkningsavvik_maks", "bosatt_delt_ba", "avstand_snitt_km", "polsby_popper_snitt",
                "kommuner_maks"]
        table = pd.DataFrame([{"plan": name, **{c: r[c] for c in cols}} for name, r in rows])
        frame = pd.DataFrame({"Plan": table["plan"]})
        for c in cols:
            frame[LABELS[c][0]] = [_value(c, v) for v in table[c]]
        return self.table_html(
            frame, "Tabell 2. De beste alternativene (ingen annen plan er bedre på alle tre: avvik, "
            "bosatte i delte BA-regioner og avstand til setet)",
            f"{population.SOURCE} {self.year}; {labour.BA_SOURCE}; egne beregninger",
            ["Setet i et alternativ er regionens mest folkerike kommune; det er ikke et forslag om "
             "hvor et regionkontor bør ligge. Alternativene finnes som forslagsfiler "
             "(forslag/alt-1.yaml …) og kan bygges som vedlegg på samme måte som forslaget."])

    def maps(self) -> list[HTML]:
        """The proposal and each best alternative, on the same scale."""
        bounds = geometry.kommuner(2024).total_bounds
        extent = (bounds[0] - 20_000, bounds[1] - 20_000, bounds[2] + 20_000, bounds[3] + 20_000)
        out = []
        for i, (title, p) in enumerate([("Forslaget", self.proposal)] +
                                       [(f"Alternativ {j}", a) for j, a in enumerate(self.best, 1)], 2):
            fig, ax = plt.subplots(figsize=(6.4, 7.6))
            maps.overview_map(p, self.year, ax=ax, extent=extent)
            out.append(figure_out(fig, f"Figur {i}. {title}: {p.name}", geometry.SOURCE,
                                  alt=maps.overview_map_alt(p)))
        return out

    def method(self) -> Markdown:
        s = self.settings
        return Markdown("\n".join([
            f"- **Naboskap.** {adjacency_method_text()}",
            ("- **Opptelling.** Hver inndeling av fylkene i sammenhengende regioner innenfor "
             "befolkningskravet er talt opp og tatt med én gang, uten tilfeldighet, så andelene "
             "er eksakte for dette naboskapet og denne toleransen. Det gjøres når fylker er "
             f"byggesteinene og det finnes høyst {fmt.number(EXACT_LIMIT)} slike inndelinger."
             if s.get("metode") == "eksakt" else
             "- **Trekking.** GerryChains ReCom: to nabo-regioner slås sammen, et tilfeldig "
             "utspent tre trekkes over dem, og treet kuttes der begge deler holder seg innenfor "
             f"befolkningskravet. Fire kjeder med fast startverdi (seed {s['seed']}), så samme "
             "kommando gir de samme alternativene. Etterfølgende planer i en kjede ligner på "
             "hverandre."),
            "- **Mål.** Avvik: største |folkemengde − P/K| / (P/K). Kompakthet: 4πA/U² per region "
            "(A areal, U omkrets), snitt over regionene. BA-regioner: SSBs inndeling "
            f"{labour.ba_year(self.year)} i årets kommunekoder; bosatte i delte BA-regioner er "
            "summen over regionene av egne innbyggere. Avstand: rett linje mellom kommunenes "
            "midtpunkter (EPSG:25833); setet er forslagets, ellers regionens mest folkerike kommune.",
            f"- Folkemengde: {population.SOURCE}, 1. januar {self.year}. Kart: {geometry.SOURCE}.",
        ]))
