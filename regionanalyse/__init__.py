"""regionanalyse: key figures, maps and hearing appendices for Norwegian region proposals.

    >>> import regionanalyse as ra
    >>> p = ra.proposal("nav-2016-11")
    >>> p.figures(year=2016)          # one row per region
"""
from .errors import BuildError, DataError, ProposalError, RegionanalyseError

__version__ = "0.1.0"


def proposal(ref):
    """Load and validate a proposal: a built-in id (see `proposals()`) or a YAML path."""
    from .proposals import load, validate

    loaded = load(ref)
    validate(loaded)
    return loaded


def proposals() -> list[str]:
    """Ids of the built-in proposals."""
    from .proposals import builtin_ids

    return builtin_ids()


__all__ = ["BuildError", "DataError", "ProposalError", "RegionanalyseError", "proposal",
           "proposals", "__version__"]
