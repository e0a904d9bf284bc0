"""Questions asked of a resolved map: indexes and graphs built in one pass each.

In: a resolved `CrmMap`. Out: `MapIndex` (who references, writes, carries and captures
what) and `FlowGraph` (a process's reachability, loops and path measures). The rules,
the report and the navigation of the editors ask these instead of walking the map.
"""
