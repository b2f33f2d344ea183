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
    "social": "an account posting in its own name",
}


@dataclass
class Graph:
    edges: list[dict]  # {"from": (name, kind) | None, "to": (name, kind), "attribution", "relation"}
    chains: list[list[dict]]  # page first, primary source last
    primary_sources: list[dict]  # {"name", "kind", "role", "reason"}


class ProvenanceGraph:
    """Sources as nodes keyed (name, kind), in the order first met, and the hops between them,
    from the page (PAGE) onward. The one builder of both graphs: a page's (`provenance`) and
    a multi-hop trace's (upstream.assemble)."""

    def __init__(self, page: dict):
        self.nodes: dict[tuple, dict] = {PAGE: page}
        self.adjacency: dict[tuple, list[tuple]] = {}
        self.order: list[tuple] = []
        self._ordered: set[tuple] = set()

    def node(self, key: tuple, role=None, url=None, **blank) -> tuple:
        """The node of a source, made on first sight; a role or URL learnt later fills a gap."""
        known = self.nodes.setdefault(key, {"name": key[0], "kind": key[1], "role": role, "url": url, **blank})
        known["role"] = known["role"] or role
        if url is not None:
            known["url"] = known["url"] or url
        if key not in self._ordered:
            self._ordered.add(key)
            self.order.append(key)
        return key

    def link(self, src: tuple, dst: tuple) -> bool:
        """Add the hop src -> dst; False for a loop or a hop already there."""
        if src == dst or dst in self.adjacency.get(src, ()):
            return False
        self.adjacency.setdefault(src, []).append(dst)
        return True

    def primaries(self) -> list[tuple]:
        """The ends of the chains: sources that cite no one further, in the order first met."""
        return [key for key in self.order if key != PAGE and not self.adjacency.get(key)]

    def path_to(self, key: tuple) -> list[tuple] | None:
        """The chain from the page to `key`: the longest path, since it tells the most hops."""
        return longest_path(self.adjacency, PAGE, key)


def provenance(page: dict, attributions: list[Attribution]) -> Graph:
    """The provenance graph of one page from its attributions.

    An attribution adds the hop carrier -> source, where the carrier is the
    attribution that relays it (nesting) or else the page; a medium adds a hop
    in between (page -> Journal -> Asharq al-Awsat -> Ali Khoram).
    """
    graph = ProvenanceGraph(page)
    edges: list[dict] = []
    for a in attributions:
        graph.node((a.source.name, a.source.kind), a.source.role, a.link)
    for src, dst, idx, relation in hops_of(attributions, range(len(attributions)), PAGE):
        dst = graph.node(dst)
        if graph.link(src, dst):
            edges.append({"from": None if src == PAGE else src, "to": dst, "attribution": idx, "relation": relation})

    primaries = graph.primaries()
    chains = []
    for key in primaries:
        path = graph.path_to(key)
        if path:
            chains.append([dict(graph.nodes[k]) for k in path])
    primary_sources = [
        {"name": graph.nodes[k]["name"], "kind": k[1], "role": graph.nodes[k]["role"], "reason": PRIMARY_REASONS[k[1]]}
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
