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
tables_file = None  # set by the build: where the shown tables are staged for CSV/XLSX

# %% tags=["hide"]
from IPython.display import display

from regionanalyse.appendix.region import RegionReport

report = RegionReport(proposal, region, year, arsverk_file)

# %%
report.intro()

# %% [markdown]
# ## 1. Nøkkeltall

# %%
report.key_table()

# %%
report.map()

# %% tags=["html-only"]
report.interactive_map()

# %% [markdown]
# ## 3. Kommunene

# %%
report.kommune_table()

# %%
report.history()

# %% [markdown]
# ## 5. Regionen blant de andre regionene

# %%
report.peers()

# %% [markdown]
# ## 6. Felles arbeidsmarked og avstander

# %%
for part in report.cohesion():
    display(part)

# %% [markdown]
# ## 7. Kilder og merknader

# %%
report.sources_section()

# %% tags=["hide"]
report.export_tables(tables_file)
