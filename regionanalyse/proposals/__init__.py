"""Region proposals: YAML files, the Proposal model and its validation."""
from .model import Proposal, Region, builtin_ids, from_dict, load, read_yaml
from .validate import find_seat, validate

__all__ = ["Proposal", "Region", "builtin_ids", "from_dict", "find_seat", "load", "read_yaml",
           "validate"]
