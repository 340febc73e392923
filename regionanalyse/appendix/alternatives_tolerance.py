"""Sentences and the sweep table of the alternatives appendix on the population tolerance: which
rule chose it (issue 19), what follows for the balance comparison, and whether each headline
place survives other rules (sveip.csv).

A place "survives" a rule when the proposal's percentile (lower + half the ties) falls in the same
part of the distribution as in the comparison itself: among the lowest `TAIL` %, among the highest
`TAIL` %, or between. Rules drawn in chains that have not mixed (R-hat, ESS) are not judged.
"""
from __future__ import annotations

import pandas as pd

from ..ensemble import diagnostics
from ..ensemble.generate import smallest_tolerance
from ..ensemble.tolerance import FLOOR, MARGIN, STEP, kommune_start
from ..indicators import symbols
from ..present import cells, fmt

TAIL = 10  # percent at each end
PARTS = {"lav": f"blant de laveste {fmt.percent(TAIL, 0)}",
         "midt": f"mellom de laveste og de høyeste {fmt.percent(TAIL, 0)}",
         "høy": f"blant de høyeste {fmt.percent(TAIL, 0)}"}
RULE_NAMES = {"standardregelen": "standardregelen", "forslagets toleranse": "forslagets eget avvik",
              "oppgitt toleranse": "oppgitt grense", "uten sjøforbindelser": "uten sjøforbindelser"}
BALANCE = "befolkningsavvik_maks"


def _p(v: float) -> str:
    return fmt.percent(100 * v, 0 if round(100 * v, 6).is_integer() else 1)


def _rule(settings: dict, year: int) -> str:
    """How the default rule arrived at the tolerance used (a sentence)."""
    k, t, level = settings["regions"], float(settings["tolerance"]), settings["level"]
    head = (" Grensen følger en fast regel som ikke ser på forslaget: "
            f"{_p(FLOOR)} av idealstørrelsen, hevet i hele trinn på {fmt.number(100 * STEP)} "
            "prosentpoeng til den minste grensen der det finnes inndelinger")
    if level == "fylke":
        below = (f" (med {_p(t - STEP)} finnes ingen)" if t > FLOOR + 1e-9 else "")
        return head + f"; det gir {_p(t)}{below}."
    excess, name = smallest_tolerance(year, "kommune", k)
    start = kommune_start(year, k)
    tail = ("" if abs(t - start) < 1e-9 else
            f", og hevet videre til {_p(t)} fordi trekkingen ikke fant noen inndeling under det")
    return (head + ". Med kommuner som byggesteiner begynner den minst "
            f"{fmt.number(100 * MARGIN)} prosentpoeng over den største kommunens overskudd: {name} "
            f"har {fmt.percent(100 * excess, 1)} flere innbyggere enn idealstørrelsen, og uten denne "
            f"marginen kunne regionen med {name} ikke bestå av annet enn {name} selv. Det gir "
            f"{_p(start)}{tail}.")


def rule_text(settings: dict, year: int, own_deviation: float, table: int | None) -> str:
    """The intro's sentences on the tolerance: the rule that chose it, what it means for the
    balance comparison, and where the sweep is (`table`, its number; None: not run)."""
    t = float(settings["tolerance"])
    rule = (settings.get("tolerance_rule") or {}).get("rule")
    own = fmt.percent(100 * own_deviation, 1)
    if rule == "standard":
        text = _rule(settings, year)
    elif rule == "oppgitt":
        text = " Grensen er valgt ved kjøringen (--tolerance), ikke etter standardregelen."
    else:
        text = ""
    if own_deviation > t + 5e-7:
        text += (f" Forslaget selv avviker mer ({own}) og oppfyller derfor ikke kravet: alle "
                 "alternativene er jevnere fordelt enn forslaget fordi regelen krever det, så "
                 "forslagets plass på dette målet er ikke et funn, og de andre målene "
                 "sammenligner forslaget med inndelinger som er jevnere fordelt enn det.")
    elif rule == "forslaget":
        text += (f" Denne grensen er forslagets eget største avvik ({own}, valgt med --tolerance "
                 "forslaget), så ingen alternativ kan avvike mer enn forslaget: at forslaget ligger "
                 "øverst på dette målet, følger av regelen og er ikke et funn.")
    elif t - 0.01 <= own_deviation:
        text += (f" Grensen er høyst 1 prosentpoeng over forslagets eget største avvik ({own}), så "
                 "ingen alternativ kan avvike nevneverdig mer enn forslaget: at forslaget ligger "
                 "øverst på dette målet, følger av regelen og er ikke et funn.")
    else:
        text += f" Forslaget holder seg innenfor grensen ({own})."
    if table is None:  # with every plan counted the sweep is always written (older folders: none)
        return text + ("" if settings.get("metode") == "eksakt" else
                       " Sammenligningen er ikke gjentatt med andre grenser og antall regioner "
                       "(se metodedelen).")
    return text + (f" Tabell {table} viser om forslagets plass på hvert mål tåler andre grenser, "
                   "én region mer eller mindre og et naboskap uten sjøforbindelser.")


def balance_caveat(settings: dict, own_deviation: float) -> str:
    """Beside the balance headline: where the tolerance is below or within a point of the
    proposal's own deviation, its place follows from the rule."""
    t = float(settings["tolerance"])
    if own_deviation < t - 0.01:
        return ""
    return (f" Det følger av grensen på {_p(t)} for alternativene og er ikke et funn (se "
            "innledningen).")


def read_sweep(path) -> pd.DataFrame:
    """sveip.csv; one written before ``metode,rhat,ess`` (every plan counted) gets them."""
    sweep = pd.read_csv(path)
    if "metode" not in sweep:
        sweep = sweep.assign(metode=sweep["planer"].gt(0).map({True: "eksakt", False: ""}),
                             rhat=float("nan"), ess=float("nan"))
    return sweep


def part(percentile: float) -> str:
    """Which part of the distribution a percentile lies in: 'lav', 'midt' or 'høy'."""
    return "lav" if percentile < TAIL else "høy" if percentile > 100 - TAIL else "midt"


def judged(sweep: pd.DataFrame) -> pd.DataFrame:
    """sveip.csv with ``persentil``, ``del`` (part) and ``vurdert`` (False where no plan met the
    rule, or the chains have not mixed) per row."""
    out = sweep.copy()
    out["persentil"] = out["andel_lavere"] + out["andel_lik"] / 2
    out["del"] = out["persentil"].map(lambda p: None if pd.isna(p) else part(p))
    mixed = [pd.isna(r) or diagnostics.converged(r, e) for r, e in zip(out["rhat"], out["ess"])]
    out["vurdert"] = out["persentil"].notna() & pd.Series(mixed, index=out.index)
    return out


def short_label(row: pd.Series, k: int) -> str:
    """A sweep row's rule in a few words (lower case): its name and tolerance, or K."""
    if row["regioner"] != k:
        return f"{row['regioner']} regioner med {_p(row['toleranse'])}"
    if row["regel"].startswith("toleranse"):
        return f"grense {_p(row['toleranse'])}"
    name = RULE_NAMES.get(row["regel"], row["regel"])
    if row["regel"] == "uten sjøforbindelser":
        return name
    return f"{name} på {_p(row['toleranse'])}" if row["regel"] == "forslagets toleranse" else \
        f"{name} med {_p(row['toleranse'])}"


def survival(sweep: pd.DataFrame) -> pd.DataFrame:
    """Per score: the part in the comparison (the first rule), how many other rules were judged,
    and which of them put the proposal in another part."""
    table = judged(sweep)
    first, k = table["regel"].iloc[0], int(table["regioner"].iloc[0])
    rows = []
    for maal, group in table.groupby("maal", sort=False):
        main = group[group["regel"] == first].iloc[0]
        others = group[(group["regel"] != first) & group["vurdert"]]
        moved = others[others["del"] != main["del"]]
        rows.append({"maal": maal, "del": main["del"], "vurdert": len(others),
                     "holder": len(others) - len(moved),
                     "endret": [short_label(r, k) for _, r in moved.iterrows()]})
    return pd.DataFrame(rows).set_index("maal")


def survival_text(sweep: pd.DataFrame, labels: dict[str, str], own_deviation: float) -> str:
    """One sentence per score: does its place survive the other rules? For balance, which rules
    put the proposal at the top by construction (a tolerance below its own deviation)."""
    lines = []
    for maal, row in survival(sweep).iterrows():
        where = PARTS[row["del"]] if row["del"] else "uten plass (ingen planer)"
        head = f"- **{labels[maal]}** (i sammenligningen {where}): "
        if not row["vurdert"]:
            lines.append(head + "ingen av de andre reglene kan vurderes (ingen planer, eller "
                         "kjeder som ikke har blandet).")
        elif not row["endret"]:
            lines.append(head + f"samme del av fordelingen under alle {row['vurdert']} andre regler.")
        else:
            lines.append(head + f"en annen del under {len(row['endret'])} av {row['vurdert']} andre "
                         "regler (" + "; ".join(row["endret"]) + ").")
        if maal == BALANCE:
            lines[-1] += (f" Under en grense lavere enn forslagets eget avvik "
                          f"({fmt.percent(100 * own_deviation, 1)}) ligger forslaget øverst fordi "
                          "regelen krever det; bare reglene med høyere grense sier noe om balansen.")
    return "\n".join(lines)


def rule_label(row: pd.Series) -> str:
    """A sweep row's rule for the table: name, tolerance, K, and the plans or why there are none."""
    if row["regel"].startswith("toleranse"):
        name = "Grense"
    else:
        name = RULE_NAMES.get(row["regel"], row["regel"])
        name = name[0].upper() + name[1:]
    plans = (str(row["merknad"]) if isinstance(row["merknad"], str) and row["merknad"] else
             f"{fmt.number(row['planer'])} " + ("planer" if row["metode"] == "eksakt" else "trukne planer"))
    return f"{name}: {_p(row['toleranse'])}, {row['regioner']} regioner – {plans}"


def sweep_frame(sweep: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """The sweep table: one row per rule, per score the shares lower / equal / higher and the
    part of the distribution, and a last row saying whether the place survives."""
    table = judged(sweep)
    rules = list(dict.fromkeys(table["regel"]))
    frame = pd.DataFrame({"Regel": [rule_label(table[table["regel"] == r].iloc[0]) for r in rules]
                          + ["Samme del som i første rad?"]})
    for maal, row in survival(sweep).iterrows():
        column = []
        for r in rules:
            x = table[(table["regel"] == r) & (table["maal"] == maal)].iloc[0]
            if pd.isna(x["persentil"]):
                column.append(cells.missing(symbols.NOT_AVAILABLE))
                continue
            shares = " / ".join(fmt.percent(x[f"andel_{w}"], 0) for w in ("lavere", "lik", "hoyere"))
            column.append(cells.text(f"{shares} ({x['del']}{'' if x['vurdert'] else ', ikke blandet'})"))
        column.append(cells.text("ja" if not row["endret"] else f"nei, {len(row['endret'])} av {row['vurdert']}")
                      if row["vurdert"] else cells.missing(symbols.NOT_AVAILABLE))
        frame[labels[maal]] = column
    return frame


def notes(sweep: pd.DataFrame) -> list[str]:
    """The sweep table's notes; the one on chains only where some rule was drawn in chains."""
    drawn = (sweep["metode"] == "utvalg").any()
    return NOTES[:2] + (NOTES[2:] if drawn else [])


NOTES = [f"Lavere / samme / høyere: andelen planer med lavere, samme og høyere verdi enn forslaget. "
         f"I parentes: hvor forslaget da ligger – lav (persentil under {TAIL}), høy (over "
         f"{100 - TAIL}) eller midt – der persentilen er andelen lavere pluss halvparten av andelen "
         "med samme verdi. Siste rad: ja når forslaget ligger i samme del under alle andre regler "
         "med planer, ellers hvor mange regler som flytter det.",
         "Første rad er sammenligningen i tabell 1. «..»: ingen plan oppfyller regelen, eller det er "
         "for mange planer til å telle opp (merknaden står i første kolonne). Med et annet antall "
         "regioner brukes samme regel for grensen. «Uten sjøforbindelser»: bare landegrenser gir "
         "naboskap (ingen bru, tunnel eller ferje). En regel som gir samme grense og antall "
         "regioner som en regel over, står bare én gang.",
         "Trukne planer (ReCom) har en usikkerhet fra trekkingen; «ikke blandet» betyr at kjedene "
         f"ikke har blandet godt nok (R-hat over {fmt.number(diagnostics.RHAT_MAX, 2)} eller færre enn "
         f"{diagnostics.ESS_MIN} effektive trekk, sveip.csv), og regelen er da ikke vurdert."]


def not_swept_text() -> str:
    """Where the sweep was not run (kommune units without --sveip): that, and how to run it."""
    return ("Sammenligningen er ikke gjentatt med andre grenser (25\u00a0%, 50\u00a0%, forslagets eget "
            "avvik), med én region mer eller mindre eller uten sjøforbindelser: med kommuner som "
            "byggesteiner er hver regel en ny trekking, og det tar flere ganger så lang tid. Vi vet "
            "derfor ikke fra denne kjøringen om forslagets plass på hvert mål tåler en annen regel. "
            "Kjør regionanalyse alternatives på nytt med de samme valgene og i tillegg --sveip for "
            "å få den (sveip.csv og en tabell i dette vedlegget).")
