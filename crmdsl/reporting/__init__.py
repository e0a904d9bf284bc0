"""The report: a resolved map (and its findings) in, a Markdown page for stakeholders out.

`data` gathers the figures, `journeys` and `processes` write their sections,
`markdown` holds the table and escaping helpers, and `report` puts the page together
with the return of each goal.
"""
