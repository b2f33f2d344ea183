"""A stored trace as W3C PROV-JSON (the `prov` package), GraphML (networkx) or DOT (Graphviz).

PROV: every page read is an entity (prov:location its URL) attributed to its
outlet; a hop between pages is `wasQuotedFrom` when the passage was copied word
for word, `wasDerivedFrom` when paraphrased, `wasInfluencedBy` when the claim was
not found in the cited page. A source's words are an entity attributed to the
source (an agent typed prov:Person or prov:Organization); the page that relays
them `wasQuotedFrom` them (a direct quote) or `wasDerivedFrom` them; each
primary source is the traced page's `hadPrimarySource`.

GraphML and DOT draw the chains: one node per source or page, one edge per hop.
Works on a single-page trace too (its chains, without the pages followed).
"""

from __future__ import annotations

import re

import networkx as nx
from prov.model import PROV_LABEL, PROV_LOCATION, PROV_TYPE, ProvDocument

from headwater.attribution.text import QUOTE_MARKS

NS = "https://headwater.invalid/ns#"  # our own terms (verdict, cue, passages); .invalid: never dereferenced
FORMATS = ("prov", "graphml", "dot")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_") or "x"


def _documents(trace: dict) -> list[dict]:
    follow = trace.get("follow")
    if follow and follow.get("documents"):
        docs = [dict(d) for d in follow["documents"]]
        docs[0]["attributions"] = trace["attributions"]
        return docs
    return [
        {
            "idx": 0,
            "url": trace["url"],
            "final_url": trace["final_url"],
            "title": trace["title"],
            "site": trace["site"],
            "outlet": None,
            "published": trace["published"],
            "sha256": trace["sha256"],
            "status": "traced",
            "archived": None,
            "attributions": trace["attributions"],
        }
    ]


def _chains(trace: dict) -> list[list[dict]]:
    follow = trace.get("follow")
    return follow["chains"] if follow and follow.get("state") == "done" else trace["chains"]


def _primaries(trace: dict) -> list[dict]:
    follow = trace.get("follow")
    return follow["primary_sources"] if follow and follow.get("state") == "done" else trace["primary_sources"]


# -- PROV ---------------------------------------------------------------------------


def to_prov(trace: dict) -> ProvDocument:
    doc = ProvDocument()
    doc.add_namespace("hw", NS)
    doc.add_namespace("schema", "https://schema.org/")
    agents: dict[tuple, object] = {}
    said: dict[tuple, object] = {}

    def agent(name: str, kind: str):
        key = (name, kind)
        if key not in agents:
            typed = "prov:Person" if kind in ("person", "anonymous") else "prov:Organization"
            agents[key] = doc.agent(f"hw:{kind}/{_slug(name)}", {PROV_TYPE: typed, PROV_LABEL: name, "hw:kind": kind})
        return agents[key]

    def words_of(name: str, kind: str):
        """What a source said, as an entity attributed to it (a document is its own words)."""
        key = (name, kind)
        if key not in said:
            if kind == "document":
                said[key] = doc.entity(f"hw:document/{_slug(name)}", {PROV_LABEL: name, PROV_TYPE: "hw:Document"})
            else:
                said[key] = doc.entity(f"hw:said/{kind}/{_slug(name)}", {PROV_LABEL: f"what {name} said"})
                doc.wasAttributedTo(said[key], agent(name, kind))
        return said[key]

    pages = {}
    for d in _documents(trace):
        if d["status"] != "traced":
            continue
        attributes = {
            PROV_TYPE: "schema:NewsArticle",
            PROV_LOCATION: d.get("final_url") or d["url"],
            PROV_LABEL: d.get("title") or d["url"],
        }
        for key in ("published", "sha256"):
            if d.get(key):
                attributes[f"hw:{key}"] = d[key]
        if d.get("archived"):
            attributes["hw:archivedCopy"] = d["archived"]["url"]
            attributes["hw:archivedDate"] = d["archived"]["date"]
        page = pages[d["idx"]] = doc.entity(f"hw:page/{d['idx']}", attributes)
        if d.get("outlet"):
            doc.wasAttributedTo(page, agent(d["outlet"], "outlet"))
        for a in d.get("attributions") or []:
            source = a["source"]
            if source["kind"] == "outlet":
                continue  # an outlet's words are its page, reached by a hop below
            words = words_of(source["name"], source["kind"])
            content = (a.get("content") or {}).get("text") or ""
            extra = {"hw:cue": a["cue"]["text"], "hw:passage": content} if content else {"hw:cue": a["cue"]["text"]}
            if content.lstrip()[:1] in QUOTE_MARKS:
                doc.wasQuotedFrom(page, words, other_attributes=extra)
            else:
                doc.wasDerivedFrom(page, words, other_attributes=extra)

    follow = trace.get("follow") or {}
    for hop in follow.get("hops", []):
        if hop["status"] != "followed" or hop["from"] not in pages or hop["to"] not in pages:
            continue
        match = hop.get("match") or {}
        extra = {
            "hw:verdict": match.get("verdict") or "not_found",
            "hw:confidence": hop["confidence"],
            "hw:certain": hop["certain"],
        }
        if match.get("citing"):
            extra["hw:citingPassage"] = match["citing"]["text"]
        if match.get("cited"):
            extra["hw:citedPassage"] = match["cited"]["text"]
        if hop.get("query"):
            extra["hw:query"] = hop["query"]
        citing, cited = pages[hop["from"]], pages[hop["to"]]
        if match.get("verdict") == "quoted":
            doc.wasQuotedFrom(citing, cited, other_attributes=extra)
        elif match.get("verdict") == "paraphrase":
            doc.wasDerivedFrom(citing, cited, other_attributes=extra)
        else:
            doc.wasInfluencedBy(citing, cited, other_attributes=extra)

    for p in _primaries(trace):
        used = pages.get(p.get("document")) if p.get("document") else None
        doc.hadPrimarySource(
            pages[0], used or words_of(p["name"], p["kind"]), other_attributes={"hw:reason": p["reason"]}
        )
    return doc


def prov_json(trace: dict) -> str:
    return to_prov(trace).serialize(format="json", indent=2)


# -- graphs ---------------------------------------------------------------------------


def to_networkx(trace: dict) -> nx.DiGraph:
    graph = nx.DiGraph(name=trace.get("title") or trace["url"])
    primaries = {(p["name"], p["kind"]) for p in _primaries(trace)}

    def node_id(hop: dict) -> str:
        return "page" if hop["kind"] == "page" and hop.get("document") in (0, None) else f"{hop['kind']}:{hop['name']}"

    for chain in _chains(trace):
        for position, hop in enumerate(chain):
            nid = node_id(hop)
            attributes = {
                "label": hop["name"],
                "kind": hop["kind"],
                "role": hop.get("role") or "",
                "url": hop.get("url") or "",
                "primary": (hop["name"], hop["kind"]) in primaries,
            }
            if hop.get("document") is not None:
                attributes["document"] = hop["document"]
            graph.add_node(nid, **attributes)
            if position:
                previous = node_id(chain[position - 1])
                match = hop.get("match") or {}
                evidence = hop.get("evidence") or {}
                graph.add_edge(
                    previous,
                    nid,
                    verdict=match.get("verdict") or "",
                    passage=(match.get("cited") or {}).get("text") or evidence.get("content") or "",
                    cue=evidence.get("cue") or "",
                    circular=bool(hop.get("circular")),
                )
    return graph


def graphml(trace: dict) -> str:
    return "\n".join(nx.generate_graphml(to_networkx(trace)))


def _dot_string(value) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def dot(trace: dict) -> str:
    """Graphviz DOT, written directly (no pydot): pages as boxes, people as ellipses, primaries bold."""
    graph = to_networkx(trace)
    shapes = {
        "page": "box",
        "outlet": "box",
        "person": "ellipse",
        "organization": "hexagon",
        "anonymous": "ellipse",
        "document": "note",
        "social": "ellipse",
    }
    lines = ["digraph headwater {", "  rankdir=LR;", '  node [fontname="Helvetica"];']
    for nid, data in graph.nodes(data=True):
        label = data["label"] + (f" ({data['role']})" if data.get("role") else "")
        style = ", style=bold" if data.get("primary") else ""
        dashed = ", style=dashed" if data["kind"] == "outlet" and "document" not in data else ""
        lines.append(
            f"  {_dot_string(nid)} [label={_dot_string(label)}, shape={shapes.get(data['kind'], 'box')}"
            f"{style or dashed}];"
        )
    for a, b, data in graph.edges(data=True):
        label = "circular" if data["circular"] else (data["verdict"] or data["cue"])
        lines.append(
            f"  {_dot_string(a)} -> {_dot_string(b)}" + (f" [label={_dot_string(label)}]" if label else "") + ";"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def export(trace: dict, fmt: str) -> tuple[str, str]:
    """(body, media type) of a trace in one of FORMATS."""
    if fmt == "prov":
        return prov_json(trace), "application/json"
    if fmt == "graphml":
        return graphml(trace), "application/graphml+xml"
    if fmt == "dot":
        return dot(trace), "text/vnd.graphviz"
    raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
