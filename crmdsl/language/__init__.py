"""The language: a map's text in, a resolved map (and its load errors) out.

`source` decodes the text, `grammar` and `parse` cut it into top-level blocks and parse
them (cached by text), `build` turns statements into model objects by the clause table
of `schema`, and `resolve` joins the files of a map (`workspace` follows includes),
checks every reference and fills in implied flows. `refs` is the one walker over a
map's references, driven by the clause table (resolve, the query index and rename use
it). `loader` is the entry point:
`analyze` never raises for bad input, `load` raises one `LoadError`.
"""
