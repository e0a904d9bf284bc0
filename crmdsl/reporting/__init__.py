"""The report: a resolved map (and its findings) in; a page for stakeholders out.

`data` gathers the figures, `journeys` and `processes` write their sections, `measures`
(measurements, return), `stack` (backlog, scale and cost) and `plan` (from as-is to
to-be) the newer ones, `diagrams` the embedded views, `markdown` holds the table and
escaping helpers, `report` puts the Markdown page (or its JSON-ready data) together,
and `html` turns that page into one self-contained HTML file.
"""
