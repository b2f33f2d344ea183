"""The provenance graph across pages: what to follow from a page, and the chains it makes.

Pure functions over the pages of a multi-hop trace (follow.Doc) and the hops
between them (follow.Hop); follow.py does the fetching.

A followed page *is* one node of the graph: the agent the citing page names for
it (the Journal, or Asharq al-Awsat for "told the Arabic daily Asharq al-Awsat"
with a link). Its own attributions then start from that node, so the chain
page -> The Wall Street Journal -> Asharq al-Awsat -> Ali Khoram says which
document stands behind each hop, with the passage matched in it.

Only what the citing page relies on is followed: in a cited page, the
attributions in (or carrying) the passage that was matched; in a claim trace,
those of the claim's sentence.
"""

from __future__ import annotations

from headwater.attribution.gazetteer import Gazetteer
from headwater.records import Attribution
from headwater.tracing.graph import PAGE, PRIMARY_REASONS, ProvenanceGraph, hops_of
from headwater.tracing.passages import best, sentence_at

MAX_PASSAGES = 8


def extent(a: Attribution) -> tuple[int, int]:
    spans = [s for s in (a.cue, a.content, a.source.mention) if s]
    return min(s.start for s in spans), max(s.end for s in spans)


def ancestors(attributions: list[Attribution], idx: int) -> list[int]:
    out, at = [], attributions[idx].relayed_by
    while at is not None and at not in out:
        out.append(at)
        at = attributions[at].relayed_by
    return out


def relevant(attributions: list[Attribution], spans: list[tuple[int, int]]) -> set[int]:
    """The attributions a set of passages rests on: those inside them, and the ones carrying those."""
    found: set[int] = set()
    for idx, a in enumerate(attributions):
        start, end = extent(a)
        if any(start < e and s < end for s, e in spans):
            found.add(idx)
            found.update(ancestors(attributions, idx))
    return found


def agent_of(a: Attribution) -> tuple[str, str] | None:
    """The node a linked page stands for: a social post its account; the medium an outlet, else
    the source when it publishes."""
    if a.source.kind == "social":
        return (a.source.name, a.source.kind)
    if a.via and a.via.kind == "outlet":
        return (a.via.name, a.via.kind)
    if a.source.kind in ("outlet", "organization", "document"):
        return (a.source.name, a.source.kind)
    return None  # a person's words behind a link: the page's outlet, known once fetched


def outlet_named(a: Attribution) -> tuple[str, str] | None:
    """The outlet an attribution cites (as source or as medium), if any."""
    if a.via and a.via.kind == "outlet":
        return (a.via.name, "outlet")
    if a.source.kind == "outlet":
        return (a.source.name, "outlet")
    return None


def targets(doc, gazetteer: Gazetteer, claim_span: tuple[int, int] | None = None) -> tuple[list[dict], list[dict]]:
    """What to follow from a page: (links, searches).

    links: {"url", "kind": "link"|"body_link", "source", "attribution", "passages", "agent"}, one per
    URL that a relevant attribution carries ("body_link": a link citation, form "link"; links to
    the page's own site are not followed);
    searches: {"outlet", "attribution", "passages"} for outlets named without a link.
    `doc.relevant` says which attributions count; `claim_span`, in a claim trace's
    first page, is the one passage every hop from it relies on.
    """
    atts, text = doc.attributions, doc.text
    chosen = sorted(doc.relevant)

    def passages_for(indices: list[int]) -> list[tuple[int, int]]:
        if claim_span:
            return [claim_span]
        spans = []
        family = set(indices) | {i for i in chosen if set(ancestors(atts, i)) & set(indices)}
        for i in sorted(family):
            a = atts[i]
            span = (a.content.start, a.content.end) if a.content else sentence_at(text, a.cue.start, a.cue.end)
            if span not in spans:
                spans.append(span)
        return spans[:MAX_PASSAGES]

    # A source linked once in the page is linked for all it says there ("Reports the Journal's...").
    linked_once: dict[tuple, str] = {}
    for a in atts:
        if a.link and not a.own_site:
            linked_once.setdefault((a.source.name, a.source.kind), a.link)

    links: list[dict] = []
    by_url: dict[str, dict] = {}
    for i in chosen:
        a = atts[i]
        link = a.link or linked_once.get((a.source.name, a.source.kind))
        if not link or a.own_site or link.split("#")[0] in (doc.url, doc.final_url):
            continue  # the page's own site's earlier story is not followed (nor was it before link citations)
        if link in by_url:
            by_url[link]["group"].append(i)
            continue
        # A body link is followed as the link citation it is (form "link", attribution/links.py):
        # every followed page is one of the page's sources, so the graph and the list agree.
        by_url[link] = {
            "url": link,
            "kind": "body_link" if a.form == "link" else "link",
            "source": (a.source.name, a.source.kind),
            "attribution": i,
            "agent": agent_of(a),
            "group": [i],
        }
        links.append(by_url[link])
    for target in links:  # a source's unlinked attributions lean on its linked page too ("Reports the Journal's...")
        names = {(atts[i].source.name, atts[i].source.kind) for i in target["group"]}
        target["group"] += [
            i for i in chosen if not atts[i].link and (atts[i].source.name, atts[i].source.kind) in names
        ]
        target["passages"] = passages_for(target.pop("group"))

    own = doc.outlet
    linked = {t["agent"] for t in links if t["agent"]}
    searches: dict[tuple, dict] = {}
    for i in chosen:
        outlet = outlet_named(atts[i])
        if outlet and not atts[i].link and outlet not in linked and outlet[0] != own:
            entry = searches.setdefault(outlet, {"outlet": outlet, "attribution": i, "group": []})
            entry["group"].append(i)
    for entry in searches.values():
        entry["passages"] = passages_for(entry.pop("group"))
    return links, list(searches.values())


# -- the graph ----------------------------------------------------------------------


def assemble(docs: list, hops: list) -> dict:
    """Chains, primary sources and cycles across all pages read."""
    graph = ProvenanceGraph(
        {
            "name": docs[0].title or docs[0].url,
            "kind": "page",
            "role": None,
            "url": docs[0].final_url or docs[0].url,
            "document": 0,
        }
    )
    nodes = graph.nodes
    evidence: dict[tuple, dict] = {}
    owner = {d.idx: (PAGE if d.idx == 0 else d.agent) for d in docs if d.status == "traced" and d.agent}

    def node(key: tuple, role=None) -> tuple:
        return graph.node(key, role, document=None)

    def edge(src: tuple, dst: tuple, doc, idx: int | None):
        if src == dst:
            return
        graph.link(src, dst)
        said = _said(doc, idx)
        # First-hand evidence (the document of `src` itself) beats a report of it from further down.
        if (src, dst) not in evidence or owner.get(doc.idx) == src:
            evidence[(src, dst)] = said

    for doc in docs:
        if doc.idx not in owner:
            continue
        atts = doc.attributions
        for i in doc.relevant:
            node((atts[i].source.name, atts[i].source.kind), atts[i].source.role)
        for src, dst, i, _ in hops_of(atts, doc.relevant, owner[doc.idx]):
            edge(src, node(dst), doc, i)

    for hop in hops:
        if hop.to_doc is None or hop.to_doc not in owner or hop.status != "followed":
            continue
        citing = docs[hop.from_doc]
        if citing.idx not in owner:
            continue
        target = node(owner[hop.to_doc])
        if hop.attribution is not None:
            a = citing.attributions[hop.attribution]
            if agent_of(a) is None:  # a person's words in another outlet's page: that outlet is the medium
                carrier = owner[citing.idx]
                if a.relayed_by is not None:
                    r = citing.attributions[a.relayed_by]
                    carrier = (r.source.name, r.source.kind)
                edge(carrier, target, citing, hop.attribution)
                edge(target, node((a.source.name, a.source.kind), a.source.role), citing, hop.attribution)
        else:
            edge(owner[citing.idx], target, citing, None)

    for doc in docs:  # a node read from its own page links to it
        if doc.idx in owner and doc.idx:
            n = nodes[node(owner[doc.idx])]
            if n["document"] is None:
                n.update(url=doc.final_url or doc.url, document=doc.idx, archived=doc.archived_dict())
    failed = {d.agent: d for d in docs if d.status != "traced" and d.agent}

    primaries = graph.primaries()
    chains = []
    for key in primaries:
        path = graph.path_to(key)
        if not path:
            continue
        chain = []
        for position, k in enumerate(path):
            hop = dict(nodes[k])
            hop["match"] = _match_into(hops, hop.get("document")) if position else None
            hop["evidence"] = evidence.get((path[position - 1], k)) if position else None
            chain.append(hop)
        chains.append(chain)
    for hop in hops:  # circular sourcing has no end: its chain stops where it comes back, marked
        if hop.status == "circular" and hop.from_doc in owner and hop.to_doc in owner:
            path = graph.path_to(owner[hop.from_doc])
            if path:
                chain = [dict(nodes[k], match=None, evidence=None) for k in path]
                chain.append(dict(nodes[owner[hop.to_doc]], match=None, evidence=None, circular=True))
                chains.append(chain)
    reachable = {hop_key for chain in chains for hop_key in [(h["name"], h["kind"]) for h in chain]}
    primary_sources = []
    for key in primaries:
        if key not in reachable:
            continue
        n = nodes[key]
        reason = PRIMARY_REASONS.get(key[1], "a source with no further attribution")
        if n["document"] is not None:
            reason = "a page with no further attribution for this claim"
        elif key in failed:
            reason = f"its page could not be read ({failed[key].error['message']})"
        primary_sources.append(
            {"name": key[0], "kind": key[1], "role": n["role"], "reason": reason, "document": n["document"]}
        )
    cycles = [
        {
            "urls": hop.cycle,
            "message": "Circular sourcing: " + ", which cites ".join(_label(docs, u) for u in hop.cycle) + ".",
        }
        for hop in hops
        if hop.status == "circular"
    ]
    return {"chains": chains, "primary_sources": primary_sources, "cycles": cycles}


def _said(doc, idx: int | None) -> dict:
    if idx is None:
        return {"document": doc.idx, "attribution": None}
    a = doc.attributions[idx]
    return {
        "document": doc.idx,
        "attribution": idx,
        "cue": a.cue.text,
        "content": a.content.text if a.content else None,
    }


def _match_into(hops: list, doc_idx: int | None) -> dict | None:
    if doc_idx is None:
        return None
    found = best([h.best for h in hops if h.to_doc == doc_idx and h.status == "followed" and h.best])
    return found.to_dict() if found else None


def _label(docs: list, url: str) -> str:
    for d in docs:
        if url in (d.url, d.final_url):
            return d.outlet or d.title or url
    return url
