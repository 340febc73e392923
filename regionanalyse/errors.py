"""Errors with messages written for the user (the CLI prints them without a traceback)."""


class RegionanalyseError(Exception):
    """Base class: anything the user can fix by changing input."""


class DataError(RegionanalyseError):
    """A data file is missing, malformed or inconsistent."""


class ProposalError(RegionanalyseError):
    """A region proposal is invalid; `messages` holds one line per fault."""

    def __init__(self, source: str, messages: list[str]):
        self.source = source
        self.messages = list(messages)
        super().__init__(f"{source}: " + "; ".join(self.messages))


class BuildError(RegionanalyseError):
    """One or more appendices failed to build."""


class UsageError(RegionanalyseError):
    """A command-line option or a setting in regionanalyse.toml is invalid."""
