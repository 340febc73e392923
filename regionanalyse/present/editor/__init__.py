"""Draw a proposal on the map: the editor's model (no browser needed) and its widget."""
from .model import EditorModel

__all__ = ["EditorModel"]
