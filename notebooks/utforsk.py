# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Utforsk regionforslag med regionanalyse
# En gjennomgang for nye analytikere: tegn et forslag på kartet, data, forslag, en hva-om-endring
# og et vedlegg.

# %% tags=["parameters"]
year = 2016
build_appendix = False

# %% [markdown]
# ## 0. Tegn et forslag på kartet
# Editoren starter med NAVs forslag fra 2016. Velg en aktiv region i listen og klikk en kommune i
# kartet for å legge den dit (hold Shift og dra for å male flere). Uten mus: skjemaet «Flytt en
# kommune eller et fylke» (kommune eller fylke, region, knappen «Flytt»). Tabellene under kartet
# regnes ut på nytt etter hver endring: folkemengde, avvik fra idealstørrelsen, kommuner, areal,
# delte BA-regioner, avstand til setet, mål for hele inndelingen og advarsler (regioner som ikke
# henger sammen, tomme regioner).
# «Angre» og «Gjør om» går ett steg om gangen.

# %%
import regionanalyse as ra

editor = ra.editor("nav-2016-11", year)
editor

# %% [markdown]
# Fra tegning til vedlegg: `editor.proposal` er et vanlig forslag, så `figures`, `score` og
# `build` virker på det, med de samme tallene som panelet. `editor.save("mitt_forslag.yaml")`
# skriver et forslag som validerer, med kildelinje og en merknad om hva som er endret fra NAVs
# forslag; deretter bygger `regionanalyse build mitt_forslag.yaml --year 2016` vedleggene
# (HTML, PDF, CSV, XLSX) i `reports/mitt_forslag/`. Et ensemble kan kobles til med
# `editor.use_ensemble("alternativer/")` (mappen `regionanalyse alternatives --out alternativer`
# skriver) eller `editor.use_ensemble(run(...))` (se avsnitt 6): da viser panelet etter hver
# endring tegningens persentil og andelen alternativer med lavere, lik og høyere verdi, talt som
# i `forslag.csv`. `ra.editor("nav-2016-11", year, units="fylke")` viser fylkene: et klikk maler
# et helt fylke.

# %%
tegnet = editor.proposal
tegnet.figures(year)[["region", "folkemengde", "antall_kommuner", "bosatt_delt_ba"]]

# %%
if build_appendix:
    editor.save("mitt_forslag.yaml")  # deretter: regionanalyse build mitt_forslag.yaml --year 2016

# %% [markdown]
# ## 1. Data: folkemengde per kommune (SSB 07459)

# %%
from regionanalyse.sources import population

population.kommune_population(year).head()

# %% [markdown]
# ## 2. Innebygde forslag og nøkkeltall

# %%
print(ra.proposals())
p = ra.proposal("nav-2016-11")
p

# %%
p.figures(year)[["region", "folkemengde", "areal_km2", "navkontor", "arsverk"]]

# %% [markdown]
# ## 3. Hva om Asker og Bærum flyttes til Oslo?

# %%
what_if = p.move("0219", to="Oslo").move("0220", to="Oslo")
what_if.figures(year).set_index("region").loc[["Oslo", "Østfold og Akershus"], ["folkemengde", "navkontor"]]

# %% [markdown]
# NAV-kontor blir «mangler» (NA) for begge: Tabell 1 gir tallene bare for Østfold+Akershus samlet.
# ## 4. Sammenligne med NAVs inndeling fra 2019
# `hovedstrom == False` er kommunene som skilles fra hoveddelen av regionen sin.

# %%
flows = p.compare(ra.proposal("nav-2019-12"), 2019)
flows[~flows["hovedstrom"]]

# %% [markdown]
# ## 5. Kart

# %%
p.map(year)

# %% [markdown]
# ## 6. Hvordan står forslaget seg mot alternativene?
# Mål for hele inndelingen (`regionanalyse score`): største avvik fra idealstørrelsen, bosatte i
# delte BA-regioner, gjennomsnittlig avstand til setet, flest kommuner i én region – for forslaget
# og for hva-om-endringen over.

# %%
import pandas as pd

cols = ["befolkningsavvik_maks", "bosatt_delt_ba", "avstand_snitt_km", "kommuner_maks"]
pd.concat([p.score(year), what_if.score(year)]).assign(forslag=["forslaget", "hva om"])[["forslag", *cols]]

# %% [markdown]
# Alternativer med like mange regioner av hele fylker, som forslaget: få nok til at alle telles opp
# (`ensemble.method` «eksakt»: andelene er eksakte, uten kjeder og uten intervall). `andel_lavere`,
# `andel_lik`, `andel_hoyere`: prosent av alternativene med lavere, samme og høyere verdi enn
# forslaget; `persentil` = lavere + halvparten av de like. Der planene er for mange til å telles
# (kommuner som byggesteiner, `level="kommune"`), trekkes de med GerryChain ReCom i fire kjeder
# (samme seed gir samme planer). Under trekkes de samme fylkesplanene i korte kjeder (2 000 steg,
# `run(..., plans=sample(req))`) for å vise forskjellen: se på `sample.diagnostics` (R-hat ≤ 1,05
# og ESS ≥ 200 trengs) før trukne tall brukes, og sammenlign andelene med de eksakte. På
# kommandolinjen gjør `regionanalyse alternatives nav-2016-11 --year 2016 --out alternativer`
# opptellingen og skriver et vedlegg (`--units kommune` trekker, 4 × 10 000 steg som standard).
# Et alternativ er ikke et bedre forslag; det viser hva som var mulig etter de samme reglene.

# %%
from IPython.display import display

from regionanalyse.ensemble.run import request_for, run
from regionanalyse.ensemble.generate import sample as draw

shown = ["maal", "verdi", "andel_lavere", "andel_lik", "andel_hoyere", "persentil"]
ensemble = run(p, request_for(p, year, n=200, seed=1))
print(ensemble.method, len(ensemble.labels), "planer")
display(ensemble.percentiles[shown].round(3))
req = request_for(p, year, n=200, seed=1, steps=2000)
sample = run(p, req, plans=draw(req))
display(sample.diagnostics.round(3))
sample.percentiles[[*shown, "persentil_fra", "persentil_til"]].round(3)

# %% [markdown]
# ## 7. Lagre og bygge et vedlegg
# `what_if.to_yaml("mitt_forslag.yaml")`, deretter `regionanalyse build mitt_forslag.yaml`.

# %%
if build_appendix:
    from regionanalyse.pipeline.build import build_proposal
    from pathlib import Path
    build_proposal(what_if, year, ("html",), Path("../reports"), jobs=2)
