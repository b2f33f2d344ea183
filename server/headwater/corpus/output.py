"""The output of a corpus run: Parquet datasets under one folder, written a partition at a time.

    OUT/pages/part-<partition>.parquet          one row per page
    OUT/attributions/part-<partition>.parquet   one row per attribution of a page
    OUT/citations/part-<partition>.parquet      one row per edge page -> source of the provenance graph
    OUT/errors/part-<partition>.parquet         one row per record, file or URL that gave no page
    OUT/outlet_graph/part-0.parquet             citing outlet -> cited outlet (after the run)
    OUT/outlet_graph.graphml                    the same, for graph tools
    OUT/_done/<partition>                       written last: the partition is complete

A partition's files are written under a temporary name (a leading dot, which readers
skip) and renamed into place, then its `_done` marker; a rerun with the same OUT skips
the partitions that have one. A partition written twice (a task re-run after its worker
died) replaces its own files: each page is in the output once.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

DATASETS = ("pages", "attributions", "citations", "errors")
DONE = "_done"

SCHEMAS = {
    "pages": pa.schema(
        [
            ("page_id", pa.string()),
            ("url", pa.string()),
            ("final_url", pa.string()),
            ("site", pa.string()),
            ("outlet", pa.string()),
            ("title", pa.string()),
            ("published", pa.string()),
            ("record_kind", pa.string()),  # "warc", "file" or "fetched"
            ("record_file", pa.string()),
            ("record_offset", pa.int64()),
            ("n_attributions", pa.int32()),
            ("partition", pa.string()),
            ("upstream_pages", pa.int32()),  # with --follow: the pages read upstream (this one included)
            ("primary_sources", pa.list_(pa.string())),
        ]
    ),
    "attributions": pa.schema(
        [
            ("page_id", pa.string()),
            ("idx", pa.int32()),
            ("source_name", pa.string()),
            ("source_kind", pa.string()),
            ("source_role", pa.string()),
            ("source_reporter", pa.string()),
            ("cue_text", pa.string()),
            ("cue_start", pa.int32()),
            ("cue_end", pa.int32()),
            ("content_text", pa.string()),
            ("content_start", pa.int32()),
            ("content_end", pa.int32()),
            ("via_name", pa.string()),
            ("via_kind", pa.string()),
            ("relayed_by", pa.int32()),
            ("link", pa.string()),
            ("form", pa.string()),
            ("own_site", pa.bool_()),  # the page's own outlet (its earlier story, its dateline): no outside source
            ("confidence", pa.float64()),
        ]
    ),
    "citations": pa.schema(
        [
            ("page_id", pa.string()),
            ("attribution_idx", pa.int32()),
            ("relation", pa.string()),
            ("page_site", pa.string()),
            ("page_outlet", pa.string()),
            ("published", pa.string()),
            ("source_name", pa.string()),
            ("source_kind", pa.string()),
            ("source_site", pa.string()),  # the host of the source's link, where it is linked
            ("source_outlet", pa.string()),  # the outlet cited: the source's own name, or its link's outlet
            ("form", pa.string()),
            ("own_site", pa.bool_()),
        ]
    ),
    "errors": pa.schema(
        [
            ("input", pa.string()),
            ("record", pa.string()),
            ("url", pa.string()),
            ("reason", pa.string()),
            ("message", pa.string()),
            ("partition", pa.string()),
        ]
    ),
    "outlet_graph": pa.schema(
        [
            ("citing_outlet", pa.string()),
            ("cited_outlet", pa.string()),
            ("pages", pa.int64()),
            ("first_published", pa.string()),
            ("last_published", pa.string()),
        ]
    ),
}

FLUSH_ROWS = 2000  # rows of a dataset kept in memory before they go to the partition's file


class PartitionWriter:
    """The four datasets of one partition, streamed to temporary files and renamed into place."""

    def __init__(self, out: str | Path, partition: str):
        self.out, self.partition = Path(out), partition
        self.tag = uuid.uuid4().hex[:8]
        self.buffers: dict[str, list[dict]] = {name: [] for name in DATASETS}
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.counts = {name: 0 for name in DATASETS}

    def _temp(self, name: str) -> Path:
        return self.out / name / f".part-{self.partition}.{self.tag}.tmp"

    def final(self, name: str) -> Path:
        return self.out / name / f"part-{self.partition}.parquet"

    def add(self, name: str, rows: list[dict]) -> None:
        self.buffers[name] += rows
        self.counts[name] += len(rows)
        if len(self.buffers[name]) >= FLUSH_ROWS:
            self._flush(name)

    def _flush(self, name: str) -> None:
        rows, self.buffers[name] = self.buffers[name], []
        if name not in self.writers:
            self._temp(name).parent.mkdir(parents=True, exist_ok=True)
            self.writers[name] = pq.ParquetWriter(self._temp(name), SCHEMAS[name])
        if rows:
            self.writers[name].write_table(pa.Table.from_pylist(rows, schema=SCHEMAS[name]))

    def commit(self, *, mark_done: bool = True) -> dict:
        """Rename the partition's files into place, then (mark_done) write its `_done` marker."""
        for name in DATASETS:
            self._flush(name)  # every dataset gets a file, empty or not: the partition is whole
            self.writers.pop(name).close()
            os.replace(self._temp(name), self.final(name))
        if not mark_done:
            return dict(self.counts)
        done = self.out / DONE
        done.mkdir(parents=True, exist_ok=True)
        marker = done / f".{self.partition}.{self.tag}.tmp"
        marker.write_text(repr(self.counts))
        os.replace(marker, done / self.partition)
        return dict(self.counts)

    def abort(self) -> None:
        for name, writer in self.writers.items():
            writer.close()
            self._temp(name).unlink(missing_ok=True)


def prepare(out: str | Path) -> None:
    """Make OUT's folders and clear what an interrupted run left half-written (temporary files)."""
    out = Path(out)
    for name in (*DATASETS, DONE):
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        for leftover in folder.glob(".*.tmp"):
            leftover.unlink(missing_ok=True)


def done_partitions(out: str | Path) -> set[str]:
    folder = Path(out) / DONE
    return {p.name for p in folder.iterdir() if not p.name.startswith(".")} if folder.is_dir() else set()


def dataset(out: str | Path, name: str):
    """A pyarrow dataset of OUT/name (files with a leading dot or underscore are skipped)."""
    import pyarrow.dataset as ds

    folder = Path(out) / name
    files = sorted(str(p) for p in folder.glob("part-*.parquet")) if folder.is_dir() else []
    return ds.dataset(files, schema=SCHEMAS[name], format="parquet")


def write_table(out: str | Path, name: str, rows: list[dict]) -> Path:
    """A small dataset (the outlet graph) as one file, written atomically."""
    folder = Path(out) / name
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / "part-0.parquet"
    temp = folder / f".part-0.{uuid.uuid4().hex[:8]}.tmp"
    pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMAS[name]), temp)
    os.replace(temp, final)
    return final
