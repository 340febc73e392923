"""Loaders, one module per source. Each returns plain (Geo)DataFrames and names its SOURCE."""
from . import codes, geometry, labour, nav, population

__all__ = ["codes", "geometry", "labour", "nav", "population"]
