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
ensemble_dir = "alternativer"  # the folder `regionanalyse alternatives` wrote

# %% tags=["hide"]
from regionanalyse.appendix.alternatives import build

sections = build({"proposal": proposal, "year": year, "ensemble_dir": ensemble_dir})

# %%
sections.one("intro")

# %% [markdown]
# ## 1. Hvor forslaget ligger blant alternativene

# %%
sections.one("headlines")

# %%
sections.one("position")

# %%
sections.one("distributions")

# %% [markdown]
# ## 2. Utvalgte alternativer

# %%
sections.one("best_table")

# %%
sections.show("maps")

# %% [markdown]
# ## 3. Metode og kilder

# %%
sections.one("method")

# %%
sections.show("chain_section")

# %% [markdown]
# ### Kompakthet og måten omkretsen måles på

# %%
sections.one("compactness")

# %%
sections.show("sea_section")

# %%
sections.show("rule_section")
