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
tables_file = None  # set by the build: where the shown tables are staged for CSV/XLSX

# %% tags=["hide"]
from IPython.display import display

from regionanalyse.appendix.ensemble import EnsembleReport

report = EnsembleReport(proposal, year, ensemble_dir)

# %%
report.intro()

# %% [markdown]
# ## 1. Hvor forslaget ligger blant alternativene

# %%
report.headlines()

# %%
report.position()

# %%
report.distributions()

# %% [markdown]
# ## 2. Utvalgte alternativer

# %%
report.best_table()

# %%
for part in report.maps():
    display(part)

# %% [markdown]
# ## 3. Metode og kilder

# %%
report.method()

# %%
for part in report.chain_section():
    display(part)

# %% [markdown]
# ### Kompakthet og måten omkretsen måles på

# %%
report.compactness()

# %%
for part in report.sea_section():
    display(part)

# %%
for part in report.rule_section():
    display(part)

# %% tags=["hide"]
report.export_tables(tables_file)
