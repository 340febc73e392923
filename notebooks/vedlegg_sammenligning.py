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
tables_file = None  # set by the build: where the shown tables are staged for CSV/XLSX

# %% tags=["hide"]
from IPython.display import display

from regionanalyse.appendix.comparison import ComparisonReport

report = ComparisonReport(proposals, year, arsverk_file)

# %%
report.intro()

# %%
for part in report.maps():
    display(part)

# %% [markdown]
# ## 2. Hvilke kommuner bytter region

# %%
for part in report.changes():
    display(part)

# %% [markdown]
# ## 3. Nøkkeltall side om side

# %%
report.side_by_side()

# %% [markdown]
# ## 4. Balanse og felles arbeidsmarked

# %%
report.balance()

# %% [markdown]
# ## 5. Kilder og merknader

# %%
report.sources_section()

# %% tags=["hide"]
report.export_tables(tables_file)
