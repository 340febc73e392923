"""regionanalyse: key figures, maps and hearing appendices for Norwegian region proposals.

    >>> import regionanalyse as ra
    >>> p = ra.proposal("nav-2016-11")
    >>> p.figures(year=2016)          # one row per region

The analyst's functions live in `regionanalyse.api` and are loaded on first use, so importing a
lower layer (e.g. `regionanalyse.sources`) stays light.
"""
from .errors import BuildError, DataError, ProposalError, RegionanalyseError
from .version import __version__

_API = ("proposal", "proposals", "adjacency", "editor")


def __getattr__(name):
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'regionanalyse' has no attribute {name!r}")


__all__ = ["BuildError", "DataError", "ProposalError", "RegionanalyseError", *_API, "__version__"]
