"""The chat assistant (`crmdsl chat`, `crmdsl ask`): a map and a request in, an answer out.

The answer is words, or an edit for the user to review before it is applied. Stands on the
public API (`import crmdsl`) and `crmdsl.edit` only.
"""
