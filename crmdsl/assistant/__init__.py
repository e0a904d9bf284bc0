"""The chat assistant (`crmdsl chat`, `crmdsl ask`): a map and a request in, an answer or a
reviewed edit out.

Stands on the public API (`import crmdsl`) and `crmdsl.edit` only.
"""
