"""The editor's panes: source, problems, outline, preview (and the assistant's slot)."""
