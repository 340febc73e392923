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
tables_file = None  # set by the build: where the shown tables are staged for CSV/XLSX

# %% tags=["hide"]
from IPython.display import display

from regionanalyse.appendix.overview import OverviewReport

report = OverviewReport(proposal, year, arsverk_file)

# %%
report.intro()

# %%
report.map()

# %% tags=["html-only"]
report.interactive_map()

# %% [markdown]
# ## 2. Nøkkeltall for alle regioner

# %%
report.table()

# %% [markdown]
# ## 3. Balanse mellom regionene

# %%
report.balance()

# %% [markdown]
# ## 4. Forslaget mot fylkene i 2016

# %%
report.against_fylker()

# %% [markdown]
# ## 5. Vurderingskriterier og indikatorer

# %%
report.criteria()

# %% [markdown]
# ## 6. Kilder og merknader

# %%
report.sources_section()

# %% tags=["hide"]
report.export_tables(tables_file)
