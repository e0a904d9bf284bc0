"""The editor's dialogs: choices (save, reload, recover), a prompt, a list of references."""
