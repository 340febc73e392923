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

# %% tags=["parameters"]
proposal = "nav-2016-11"
year = 2016
arsverk_file = None

# %% tags=["hide"]
from regionanalyse.appendix.overview import build

sections = build({"proposal": proposal, "year": year, "arsverk_file": arsverk_file})

# %%
sections.one("intro")

# %%
sections.one("map")

# %% tags=["html-only"]
sections.one("interactive_map")

# %% [markdown]
# ## 2. Nøkkeltall for alle regioner

# %%
sections.one("table")

# %% [markdown]
# ## 3. Balanse mellom regionene

# %%
sections.one("balance")

# %% [markdown]
# ## 4. Forslaget mot fylkene i 2016

# %%
sections.one("against_fylker")

# %% [markdown]
# ## 5. Vurderingskriterier og indikatorer

# %%
sections.one("criteria")

# %% [markdown]
# ## 6. Kilder og merknader

# %%
sections.one("sources")
