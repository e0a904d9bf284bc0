"""The live editor (`crmdsl edit`): a map's files in, a Textual app out.

Stands on the public API (`import crmdsl`) and `crmdsl.edit` only.
"""
