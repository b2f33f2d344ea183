"""`make review`: the store in Datasette, read-only, on loopback, with canned queries.

Datasette opens a file database read-only (its SQL runs on a `mode=ro` connection)
and we bind it to 127.0.0.1 only: the store is the reader's browsing history. The
plugin in datasette_plugins/ refuses requests addressed to any other name (DNS rebinding).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from headwater import store

PLUGINS = Path(__file__).resolve().parent / "datasette_plugins"

CANNED_QUERIES = {
    "latest_traces": {
        "title": "Latest traces",
        "sql": """SELECT traces.id, traces.created_at, documents.title, documents.final_url,
       (SELECT COUNT(*) FROM attributions WHERE trace_id = traces.id) AS attributions,
       (SELECT GROUP_CONCAT(s.name, '; ') FROM primary_sources p JOIN sources s ON s.id = p.source_id
         WHERE p.trace_id = traces.id) AS primary_sources
FROM traces JOIN documents ON documents.id = traces.document_id
ORDER BY traces.id DESC LIMIT 100""",
    },
    "traces_of_a_site": {
        "title": "Newest traces of a site",
        "description": "Write the site as example.com: its registrable domain (news.bbc.co.uk is bbc.co.uk), "
        "as documents.domain holds it.",
        "sql": """SELECT traces.id, traces.created_at, documents.title, documents.final_url
FROM documents JOIN traces ON traces.document_id = documents.id
WHERE documents.domain = CASE WHEN lower(trim(:domain)) LIKE 'www.%'
                              THEN substr(lower(trim(:domain)), 5) ELSE lower(trim(:domain)) END
ORDER BY documents.id DESC LIMIT 100""",
    },
    "sources_by_kind": {
        "title": "Every source, by kind",
        "sql": """SELECT sources.kind, sources.name, COUNT(attributions.id) AS attributions,
       COUNT(DISTINCT attributions.trace_id) AS traces
FROM sources LEFT JOIN attributions ON attributions.source_id = sources.id
GROUP BY sources.id ORDER BY sources.kind, attributions DESC""",
    },
    "primary_sources": {
        "title": "Primary sources",
        "sql": """SELECT sources.name, sources.kind, primary_sources.role, primary_sources.reason,
       traces.id AS trace_id, documents.final_url
FROM primary_sources JOIN sources ON sources.id = primary_sources.source_id
JOIN traces ON traces.id = primary_sources.trace_id JOIN documents ON documents.id = traces.document_id
ORDER BY traces.id DESC""",
    },
    "failed_fetches": {
        "title": "Failed fetches",
        "sql": """SELECT fetched_at, url, final_url, status, error_code, error
FROM fetches WHERE error_code IS NOT NULL ORDER BY fetched_at DESC""",
    },
    "anonymous_sources": {
        "title": "Articles relying on anonymous sources",
        "sql": """SELECT documents.title, documents.final_url, attributions.mention_text, attributions.content_text
FROM attributions JOIN sources ON sources.id = attributions.source_id
JOIN traces ON traces.id = attributions.trace_id JOIN documents ON documents.id = traces.document_id
WHERE sources.kind = 'anonymous' ORDER BY traces.id DESC""",
    },
}


def metadata(db_path: str) -> dict:
    name = Path(db_path).stem
    return {
        "title": "Headwater provenance store",
        "description": "Every fetch and trace Headwater has made. Read-only.",
        "databases": {name: {"queries": CANNED_QUERIES}},
    }


def run_datasette(db_path: str, *, port: int) -> int:
    store.open_db(db_path).close()  # create it from schema.sql if missing, so there is something to open
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as meta:
        json.dump(metadata(db_path), meta)
    print(f"Reviewing {db_path} read-only at http://127.0.0.1:{port}/ (Ctrl-C stops it).", flush=True)
    command = [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        db_path,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--metadata",
        meta.name,
        "--setting",
        "default_allow_sql",
        "on",
        "--plugins-dir",
        str(PLUGINS),
    ]
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 0
    finally:
        Path(meta.name).unlink(missing_ok=True)
