"""Yearly refresh of the raw data from SSB's APIs (`regionanalyse data update`)."""
