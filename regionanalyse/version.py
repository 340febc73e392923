"""The package version (one home; read by the colophon, the manifest and --version)."""
__version__ = "0.1.0"
