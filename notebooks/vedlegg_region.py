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
region = "Finnmark og Troms"
year = 2016
arsverk_file = None

# %% tags=["hide"]
from regionanalyse.appendix.region import build

sections = build({"proposal": proposal, "region": region, "year": year,
                  "arsverk_file": arsverk_file})

# %%
sections.one("intro")

# %% [markdown]
# ## 1. Nøkkeltall

# %%
sections.one("key_table")

# %%
sections.one("map")

# %% tags=["html-only"]
sections.one("interactive_map")

# %% [markdown]
# ## 3. Kommunene

# %%
sections.one("kommune_table")

# %%
sections.one("history")

# %% [markdown]
# ## 5. Regionen blant de andre regionene

# %%
sections.one("peers")

# %% [markdown]
# ## 6. Felles arbeidsmarked og avstander

# %%
sections.show("cohesion")

# %% [markdown]
# ## 7. Kilder og merknader

# %%
sections.one("sources")
