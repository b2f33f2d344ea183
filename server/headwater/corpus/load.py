"""`headwater corpus load DIR --db FILE`: a corpus run's Parquet datasets as SQLite tables.

The tables are named corpus_pages, corpus_attributions, corpus_citations, corpus_errors
and corpus_outlet_graph (the store's own tables keep their names beside them), loaded
batch by batch; loading again replaces them. `headwater review --db FILE` browses them.
"""

from __future__ import annotations

import json
from pathlib import Path

from headwater.corpus import output
from headwater.corpus.inputs import UsageError

TABLES = {
    "pages": ("page_id",),
    "attributions": ("page_id", "idx"),
    "citations": None,
    "errors": None,
    "outlet_graph": ("citing_outlet", "cited_outlet"),
}
INDEXES = {
    "attributions": [["source_name"], ["source_kind"]],
    "citations": [["page_id"], ["source_outlet"], ["page_outlet"]],
    "pages": [["outlet"], ["site"]],
    "errors": [["reason"]],
}


def check_output(out: str | Path) -> Path:
    out = Path(out)
    if not (out / "pages").is_dir():
        raise UsageError(
            f"{out} holds no corpus output (no pages/ dataset): give the --out folder of `headwater corpus run`."
        )
    return out


def load(out: str | Path, db_path: str | Path) -> dict[str, int]:
    """Load every dataset of OUT into the SQLite file at db_path; the rows loaded per table."""
    import sqlite3

    import pyarrow.dataset as ds
    import sqlite_utils

    out = check_output(out)
    try:
        db = sqlite_utils.Database(sqlite3.connect(str(db_path)))
        db.execute("PRAGMA user_version").fetchone()
    except sqlite3.Error as error:
        raise UsageError(f"Cannot open {db_path} as an SQLite file: {error}.") from None
    counts = {}
    for name, pk in TABLES.items():
        table = db[f"corpus_{name}"]
        if table.exists():
            table.drop()
        if name == "outlet_graph":
            files = sorted(str(p) for p in (out / name).glob("part-*.parquet"))
            data = ds.dataset(files, schema=output.SCHEMAS[name], format="parquet")
        else:
            data = output.dataset(out, name)
        columns = {field.name: _sql_type(field.type) for field in output.SCHEMAS[name]}
        table.create(columns, pk=pk if pk is None or len(pk) > 1 else pk[0])
        counts[name] = 0
        for batch in data.to_batches():
            rows = batch.to_pylist()
            for row in rows:
                for key, value in row.items():
                    if isinstance(value, list):
                        row[key] = json.dumps(value, ensure_ascii=False)
            table.insert_all(rows, replace=pk is not None)
            counts[name] += len(rows)
        for columns_ in INDEXES.get(name, []):
            table.create_index(columns_, if_not_exists=True)
    db.close()
    return counts


def _sql_type(arrow_type):
    import pyarrow as pa

    if pa.types.is_integer(arrow_type):
        return int
    if pa.types.is_floating(arrow_type):
        return float
    if pa.types.is_boolean(arrow_type):
        return bool
    return str
