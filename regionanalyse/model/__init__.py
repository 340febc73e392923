"""The proposal model: Proposal/Region as plain data, YAML reading and writing, the built-ins."""
from .proposal import Proposal, Region, builtin_ids, from_dict, load, read_yaml

__all__ = ["Proposal", "Region", "builtin_ids", "from_dict", "load", "read_yaml"]
