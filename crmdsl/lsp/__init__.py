"""The language server (`crmdsl lsp`): an editor's requests in, diagnostics and answers out.

Stands on the public API (`crmdsl`) and `crmdsl.edit` only. `serve()` in
`crmdsl.lsp.server` runs it; nothing is imported here, so that `crmdsl lsp` answers
`initialize` before the parser is loaded. See docs/lsp.md.
"""

from __future__ import annotations

__all__: list[str] = []
