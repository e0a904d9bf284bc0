"""crmdsl: a company's CRM map as text, checked, rendered to Mermaid, kept current.

The public API: `load(path)`, `loads(text)`, `analyze(text)`, `analyze_path(path)`, the
model classes in `crmdsl.model`, and the errors in `crmdsl.errors`.
"""

from __future__ import annotations

from .api import Analysis, analyze, analyze_path, load, loads
from .errors import CrmdslError, Diagnostic, LoadError, Span, render_diagnostic
from .model import CrmMap

__all__ = [
    "Analysis",
    "CrmMap",
    "CrmdslError",
    "Diagnostic",
    "LoadError",
    "Span",
    "__version__",
    "analyze",
    "analyze_path",
    "load",
    "loads",
    "render_diagnostic",
]

__version__ = "0.1.0"
