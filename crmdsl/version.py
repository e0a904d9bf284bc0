"""The version of crmdsl (one place: the package, SARIF and `--version` read it)."""

__version__ = "0.1.0"
