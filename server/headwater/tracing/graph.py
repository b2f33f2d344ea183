"""The provenance graph, a pure function of a page and its attributions.

`provenance()` builds the graph (who cites or relays whom), the primary sources (the
ends of the chains) and one chain per primary source. `hops_of` and `longest_path`
are the rules that the followed trace (upstream.py) reads too.
"""

from __future__ import annotations

from dataclasses import dataclass

from headwater.records import Attribution

PAGE = ("<page>", "page")  # the node of the traced page itself

PRIMARY_REASONS = {
    "person": "a person speaking first-hand",
    "organization": "an organization speaking for itself",
    "anonymous": "an unnamed source speaking first-hand",
    "document": "a document",
    "outlet": "an outlet with no further attribution for this claim",
}


@dataclass
class Graph:
    edges: list[dict]            # {"from": (name, kind) | None, "to": (name, kind), "attribution", "relation"}
    chains: list[list[dict]]     # page first, primary source last
    primary_sources: list[dict]  # {"name", "kind", "role", "reason"}


def provenance(page: dict, attributions: list[Attribution]) -> Graph:
    """The provenance graph of one page from its attributions.

    An attribution adds the hop carrier -> source, where the carrier is the
    attribution that relays it (nesting) or else the page; a medium adds a hop
    in between (page -> Journal -> Asharq al-Awsat -> Ali Khoram). The chain to
    each primary source is the longest path from the page: it tells the most hops.
    """
    nodes: dict[tuple, dict] = {PAGE: page}
    edges: list[dict] = []
    adjacency: dict[tuple, list[tuple]] = {}
    order: list[tuple] = []

    def node(name: str, kind: str, role=None, url=None) -> tuple:
        key = (name, kind)
        known = nodes.setdefault(key, {"name": name, "kind": kind, "role": role, "url": url})
        known["role"] = known["role"] or role
        known["url"] = known["url"] or url
        if key not in order:
            order.append(key)
        return key

    def add_edge(src: tuple, dst: tuple, idx: int, relation: str):
        if src == dst or dst in adjacency.get(src, []):
            return
        adjacency.setdefault(src, []).append(dst)
        edges.append({"from": None if src == PAGE else src, "to": dst, "attribution": idx, "relation": relation})

    for a in attributions:
        node(a.source.name, a.source.kind, a.source.role, a.link)
    for src, dst, idx, relation in hops_of(attributions, range(len(attributions)), PAGE):
        add_edge(src, node(*dst), idx, relation)

    primaries = [key for key in order if key != PAGE and not adjacency.get(key)]
    chains = []
    for key in primaries:
        path = longest_path(adjacency, PAGE, key)
        if path:
            chains.append([dict(nodes[k]) for k in path])
    primary_sources = [
        {"name": nodes[k]["name"], "kind": k[1], "role": nodes[k]["role"], "reason": PRIMARY_REASONS[k[1]]}
        for k in primaries
    ]
    return Graph(edges, chains, primary_sources)


def hops_of(attributions: list[Attribution], indices, start: tuple):
    """The hops the attributions at `indices` add to a provenance graph, in index order, as
    (from, to, attribution index, relation) with nodes as (name, kind): carrier -> source
    ("cites", or "relays" when the carrier is the attribution relaying it), or carrier ->
    medium ("told the Arabic daily Asharq al-Awsat") -> source ("via"). The carrier is the
    relaying attribution's source (if it is among `indices`), else `start`: the page, or
    whoever the page stands for. The one rule of both graphs: this page's (`provenance`)
    and a multi-hop trace's (upstream.assemble)."""
    def key(i: int) -> tuple:
        return (attributions[i].source.name, attributions[i].source.kind)

    chosen = set(indices)
    for idx in sorted(chosen):
        a = attributions[idx]
        if a.relayed_by is not None:
            carrier, relation = (key(a.relayed_by) if a.relayed_by in chosen else start), "relays"
        else:
            carrier, relation = start, "cites"
        if a.via:
            via = (a.via.name, a.via.kind)
            yield carrier, via, idx, relation
            yield via, key(idx), idx, "via"
        else:
            yield carrier, key(idx), idx, relation


def longest_path(adjacency: dict, start: tuple, goal: tuple) -> list[tuple] | None:
    best: list[tuple] | None = None

    def walk(at: tuple, path: list[tuple]):
        nonlocal best
        if at == goal:
            if best is None or len(path) > len(best):
                best = list(path)
            return
        for nxt in adjacency.get(at, []):
            if nxt not in path:  # a cycle (circular sourcing) ends the walk
                path.append(nxt)
                walk(nxt, path)
                path.pop()

    walk(start, [start])
    return best
