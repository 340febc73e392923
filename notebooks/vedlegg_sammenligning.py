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
proposals = ["fylker-2016", "nav-2016-11", "nav-2019-12"]
year = 2019
arsverk_file = None

# %% tags=["hide"]
from regionanalyse.appendix.comparison import build

sections = build({"proposals": proposals, "year": year, "arsverk_file": arsverk_file})

# %%
sections.one("intro")

# %%
sections.show("maps")

# %% [markdown]
# ## 2. Hvilke kommuner bytter region

# %%
sections.show("changes")

# %% [markdown]
# ## 3. Nøkkeltall side om side

# %%
sections.one("side_by_side")

# %% [markdown]
# ## 4. Balanse og felles arbeidsmarked

# %%
sections.one("balance")

# %% [markdown]
# ## 5. Kilder og merknader

# %%
sections.one("sources")
