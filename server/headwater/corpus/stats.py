"""`headwater corpus stats DIR`: what a corpus run found, read from its Parquet datasets (pyarrow).

Most-cited outlets (pages citing each), the outlet pairs citing each other most, the
share of anonymous sources, and the errors by reason. Only the columns needed are read.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.compute as pc

from headwater.corpus import output
from headwater.corpus.load import check_output


def stats(out: str | Path, top: int = 10) -> dict:
    out = check_output(out)
    pages = output.dataset(out, "pages").count_rows()
    attributions = output.dataset(out, "attributions").to_table(columns=["page_id", "source_kind"])
    citations = output.dataset(out, "citations").to_table(columns=["page_id", "page_outlet", "source_outlet"])
    errors = output.dataset(out, "errors").to_table(columns=["reason"])

    cited = citations.filter(pc.is_valid(citations["source_outlet"]))
    by_outlet = (
        cited.group_by("source_outlet")
        .aggregate([("page_id", "count_distinct")])
        .sort_by([("page_id_count_distinct", "descending"), ("source_outlet", "ascending")])
    )
    most_cited = [(r["source_outlet"], r["page_id_count_distinct"]) for r in by_outlet.slice(0, top).to_pylist()]

    pairs = cited.filter(pc.is_valid(cited["page_outlet"]))
    directed = {}
    grouped = pairs.group_by(["page_outlet", "source_outlet"]).aggregate([("page_id", "count_distinct")])
    for row in grouped.to_pylist():
        if row["page_outlet"] != row["source_outlet"]:
            directed[(row["page_outlet"], row["source_outlet"])] = row["page_id_count_distinct"]
    mutual = []
    for (a, b), n in directed.items():
        if a < b and (b, a) in directed:
            mutual.append((a, b, n, directed[(b, a)]))
    mutual.sort(key=lambda m: (-(m[2] + m[3]), m[0], m[1]))
    one_way = sorted(directed.items(), key=lambda item: (-item[1], item[0]))[:top]

    kinds = attributions["source_kind"]
    anonymous = pc.sum(pc.equal(kinds, "anonymous")).as_py() or 0
    anonymous_pages = len(set(attributions.filter(pc.equal(kinds, "anonymous"))["page_id"].to_pylist()))
    reasons = (
        errors.group_by("reason")
        .aggregate([("reason", "count")])
        .sort_by([("reason_count", "descending"), ("reason", "ascending")])
    )
    return {
        "pages": pages,
        "attributions": attributions.num_rows,
        "errors": errors.num_rows,
        "most_cited_outlets": most_cited,
        "mutual_pairs": mutual[:top],
        "citing_pairs": one_way,
        "anonymous": anonymous,
        "anonymous_pages": anonymous_pages,
        "errors_by_reason": [(r["reason"], r["reason_count"]) for r in reasons.to_pylist()],
    }


def format_stats(found: dict) -> str:
    lines = [f"{found['pages']} pages, {found['attributions']} attributions, {found['errors']} errors", ""]
    lines.append("Most-cited outlets (pages citing them):")
    lines += [f"  {n:6}  {name}" for name, n in found["most_cited_outlets"]] or ["  none"]
    lines += ["", "Outlet pairs citing each other most (pages A -> B, B -> A):"]
    lines += [f"  {ab + ba:6}  {a} <-> {b}  ({ab}, {ba})" for a, b, ab, ba in found["mutual_pairs"]] or [
        "  none: no two outlets cite each other"
    ]
    lines += ["", "Outlets citing another most (pages):"]
    lines += [f"  {n:6}  {a} -> {b}" for (a, b), n in found["citing_pairs"]] or ["  none"]
    total = found["attributions"]
    share = 100 * found["anonymous"] / total if total else 0.0
    page_share = 100 * found["anonymous_pages"] / found["pages"] if found["pages"] else 0.0
    lines += [
        "",
        f"Anonymous sources: {share:.1f}% of {total} attributions "
        f"({found['anonymous']}), on {page_share:.1f}% of pages",
    ]
    lines += ["", "Errors by reason:"]
    lines += [f"  {n:6}  {reason}" for reason, n in found["errors_by_reason"]] or ["  none"]
    return "\n".join(lines)
