"""What a corpus run reads, cut into partitions, and the records of each partition.

    partitions(["crawl.warc.gz", "saved/", "urls.txt"]) -> [Partition, ...]

An INPUT is a WARC file (.warc, .warc.gz), a directory of saved pages (.html,
.htm, .html.gz, .htm.gz, found recursively; WARC files in it are read too) or a list of URLs (one a line, blank
lines and # comments skipped: `read_url_list`, as `headwater trace --from` reads).
A partition is one WARC file, a chunk of a directory's files, or a group of hosts
from the URL lists: every URL of a host is in one partition, so one worker fetches
from a host at a time and per-host politeness holds across a cluster without
shared locks. A partition's id is a hash of what it holds, the same in every run
of the same inputs (a rerun skips the partitions already written).

`records(partition, ...)` streams a WARC or directory partition as `Page`s (bytes to
analyse) and `Problem`s (a record that is no page: why, and where); it never holds
more than one record in memory. URL partitions are fetched by the task (tasks.py).
"""

from __future__ import annotations

import gzip
import hashlib
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from headwater.errors import HeadwaterError
from headwater.fetch.client import looks_like_html
from headwater.urls import host_and_port

WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz", ".xhtml")
FILES_PER_PARTITION = 50  # saved pages in one partition (a few partitions per worker, even in a small folder)
URLS_PER_PARTITION = 200  # URLs in one partition, unless a single host has more (a host is never split)
HTML_TYPES = ("text/html", "application/xhtml+xml")


class UsageError(HeadwaterError):
    code = "usage"


@dataclass(frozen=True)
class Partition:
    kind: str  # "warc", "files" or "urls"
    id: str  # stable: a hash of what it holds
    input: str  # the WARC file, the directory, or the URL list(s)
    items: tuple[str, ...] = ()  # files (under `input`) or URLs
    limit: int | None = None  # a WARC's records to read at most (--limit)

    @property
    def label(self) -> str:
        if self.kind == "urls":
            hosts = sorted({host_and_port(u) for u in self.items})
            return f"{len(self.items)} URLs of {', '.join(hosts[:3])}{'...' if len(hosts) > 3 else ''}"
        if self.kind == "files":
            return f"{self.input} ({len(self.items)} files)"
        return self.input


@dataclass
class Page:
    """A record that may be a page: its bytes, and where it came from."""

    page_id: str
    url: str | None
    body: bytes
    content_type: str | None
    record_kind: str  # "warc", "file" or "fetched"
    record_file: str | None
    record_offset: int | None = None
    final_url: str | None = None  # after redirects (fetched pages)


@dataclass
class Problem:
    """A record, file or URL that gives no page: the `errors` dataset's row."""

    input: str
    record: str  # "offset 1234" in a WARC, a file, a URL
    reason: str  # a stable code: truncated, not_html, revisit, too_large, undecodable, ...
    message: str
    extra: dict = field(default_factory=dict)


def page_id(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _hash(*parts: str) -> str:
    return hashlib.sha1("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def read_url_list(name: str) -> list[str]:
    """The URLs of a list file (or stdin for "-"): one a line, blank lines and # comments skipped."""
    try:
        if name == "-":
            lines = sys.stdin.read().splitlines()
        else:
            lines = Path(name).read_text(encoding="utf-8-sig").splitlines()
    except OSError as error:
        raise UsageError(f"Cannot read {name}: {error.strerror}.") from None
    except UnicodeDecodeError:
        raise UsageError(f"Cannot read {name}: not UTF-8 text.") from None
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


def input_kind(path: Path) -> str:
    if path.is_dir():
        return "dir"
    name = path.name.lower()
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    if name.endswith(HTML_SUFFIXES):
        return "html"
    return "list"


def partitions(inputs: list[str], *, limit: int | None = None) -> tuple[list[Partition], list[str]]:
    """The partitions of `inputs` in input order (URL lists last, grouped by host), and the
    URLs that are not valid as listed are kept in: the task reports them. UsageError for an
    input that does not exist or cannot be read. `limit`: at most this many records in all."""
    warcs_and_dirs: list[Partition] = []
    urls: list[str] = []
    lists: list[str] = []
    for name in inputs:
        path = Path(name)
        if not path.exists():
            raise UsageError(
                f"No such input: {name} (give WARC files, directories of .html/.html.gz files, or lists of URLs)."
            )
        kind = input_kind(path)
        if kind == "warc":
            warcs_and_dirs.append(Partition("warc", _hash("warc", str(path.resolve())), str(path)))
        elif kind == "dir":
            found = sorted(p for p in path.rglob("*") if p.is_file())
            for warc in (p for p in found if p.name.lower().endswith(WARC_SUFFIXES)):  # a folder of WARC files
                warcs_and_dirs.append(Partition("warc", _hash("warc", str(warc.resolve())), str(warc)))
            files = [str(p.relative_to(path)) for p in found if p.name.lower().endswith(HTML_SUFFIXES)]
            for start in range(0, len(files), FILES_PER_PARTITION):
                chunk = tuple(files[start : start + FILES_PER_PARTITION])
                warcs_and_dirs.append(Partition("files", _hash("files", str(path.resolve()), *chunk), str(path), chunk))
        elif kind == "html":
            warcs_and_dirs.append(
                Partition(
                    "files", _hash("files", str(path.parent.resolve()), path.name), str(path.parent), (path.name,)
                )
            )
        else:
            listed = read_url_list(name)
            if not listed:
                raise UsageError(f"No URLs in {name}.")
            urls += listed
            lists.append(name)
    url_parts = url_partitions(list(dict.fromkeys(urls)), ", ".join(lists))
    parts = list({part.id: part for part in warcs_and_dirs + url_parts}.values())  # an input given twice: once
    if limit is not None:
        parts = _limited(parts, limit)
    return parts, lists


def url_partitions(urls: list[str], source: str, size: int | None = None) -> list[Partition]:
    """URLs grouped by host (host and port: the politeness unit), hosts packed into partitions of
    about `size` URLs (URLS_PER_PARTITION); a host is never split between two partitions."""
    size = size or URLS_PER_PARTITION
    by_host: dict[str, list[str]] = {}
    for url in urls:
        try:
            host = host_and_port(url)
        except ValueError:
            host = ""
        by_host.setdefault(host, []).append(url)
    parts, current = [], []
    for host in sorted(by_host):
        if current and len(current) + len(by_host[host]) > size:
            parts.append(current)
            current = []
        current = current + by_host[host]
    if current:
        parts.append(current)
    return [Partition("urls", _hash("urls", *chunk), source, tuple(chunk)) for chunk in parts]


def _limited(parts: list[Partition], limit: int) -> list[Partition]:
    """The first `limit` records of the inputs: WARCs are counted (only as far as needed)."""
    kept, left = [], limit
    for part in parts:
        if left <= 0:
            break
        if part.kind == "warc":
            n = count_warc_records(part.input, left + 1)
            if n > left:
                part = Partition("warc", _hash(part.id, f"limit {left}"), part.input, limit=left)
                n = left
            kept.append(part)
            left -= n
        else:
            items = part.items[:left]
            if len(items) < len(part.items):
                part = Partition(part.kind, _hash(part.kind, part.input, *items), part.input, items)
            kept.append(part)
            left -= len(items)
    return kept


PAGE_RECORD_TYPES = ("response", "resource", "revisit")  # request, metadata, warcinfo... are no pages


def count_warc_records(path: str, upto: int) -> int:
    from warcio.archiveiterator import ArchiveIterator

    count = 0
    try:
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type in PAGE_RECORD_TYPES:
                    count += 1
                    if count >= upto:
                        break
    except Exception:
        pass  # a damaged file: its task reports what it can read and where it broke
    return count


# -- the records of a partition ------------------------------------------------------


def records(part: Partition, max_bytes: int, where: dict | None = None) -> Iterator[Page | Problem]:
    """The partition's records; `where["fraction"]` tells how far through it the reading is."""
    where = where if where is not None else {}
    if part.kind == "warc":
        yield from warc_records(part.input, max_bytes, part.limit, where)
    elif part.kind == "files":
        for index, name in enumerate(part.items):
            where["fraction"] = (index + 1) / len(part.items)
            yield file_record(part.input, name, max_bytes)
    else:
        raise ValueError(f"no records to read in a {part.kind} partition")


def file_record(folder: str, name: str, max_bytes: int) -> Page | Problem:
    path = Path(folder) / name
    shown = str(path)
    try:
        with open(path, "rb") as stream:
            if name.lower().endswith(".gz"):
                try:
                    with gzip.GzipFile(fileobj=stream) as unzipped:
                        body = unzipped.read(max_bytes + 1)
                except EOFError:
                    return Problem(folder, shown, "truncated", f"{shown}: the gzip file is cut short")
                except (gzip.BadGzipFile, zlib.error) as error:
                    return Problem(folder, shown, "undecodable", f"{shown}: not readable as gzip ({error})")
            else:
                body = stream.read(max_bytes + 1)
    except OSError as error:
        return Problem(folder, shown, "unreadable", f"{shown}: {error.strerror or error}")
    if len(body) > max_bytes:
        return Problem(
            folder, shown, "too_large", f"{shown}: larger than the size cap of {max_bytes} bytes (HEADWATER_MAX_BYTES)"
        )
    return Page(page_id(f"file:{path.resolve()}"), None, body, None, "file", str(path))


def _content_type(headers) -> str | None:
    value = headers.get_header("Content-Type") if headers is not None else None
    return value.strip() if value else None


def _is_html_type(content_type: str | None) -> bool:
    return bool(content_type) and content_type.split(";")[0].strip().lower() in HTML_TYPES


def warc_records(
    path: str, max_bytes: int, limit: int | None = None, where: dict | None = None
) -> Iterator[Page | Problem]:
    """Every page-like record of a WARC file, streamed; problems in place of the records that are not
    pages; a file cut short or damaged ends with a `truncated` problem after the good records."""
    from warcio.archiveiterator import ArchiveIterator

    resolved = str(Path(path).resolve())
    try:
        stream = open(path, "rb")
    except OSError as error:
        yield Problem(path, path, "unreadable", f"{path}: {error.strerror or error}")
        return
    with stream:
        size = Path(path).stat().st_size
        iterator = ArchiveIterator(stream)
        seen, offset = 0, 0
        try:
            for record in iterator:
                offset = iterator.offset  # where this record starts (get_record_offset() would read it first)
                if record.rec_type not in PAGE_RECORD_TYPES:
                    continue
                if limit is not None and seen >= limit:
                    return
                seen += 1
                if where is not None:
                    where["fraction"] = (seen / limit) if limit else (stream.tell() / size if size else 1.0)
                item = _warc_record(record, path, resolved, offset, max_bytes)
                if isinstance(item, Page) and getattr(record.raw_stream, "limit", 0):
                    item = Problem(
                        path,
                        f"offset {offset}",
                        "truncated",
                        f"{path}: the record at offset {offset} ({item.url}) is cut short: "
                        f"{record.raw_stream.limit} bytes missing",
                        {"url": item.url},
                    )
                yield item
            end = iterator.offset
        except Exception as error:  # the reader gave up: a damaged or cut file
            yield Problem(
                path,
                f"offset {offset}",
                "truncated",
                f"{path}: cannot be read after offset {offset}: {type(error).__name__}: {error}",
            )
            return
        if end < size:
            yield Problem(
                path,
                f"offset {end}",
                "truncated",
                f"{path}: the file ends in the middle of a record: the last {size - end} bytes "
                f"(from offset {end}) hold no complete record",
            )


def _warc_record(record, path: str, resolved: str, offset: int, max_bytes: int) -> Page | Problem:
    url = record.rec_headers.get_header("WARC-Target-URI")
    where = f"offset {offset}"
    label = f"{path} at offset {offset} ({url or 'no URL'})"
    if record.rec_type == "revisit":
        return Problem(
            path,
            where,
            "revisit",
            f"{label}: a revisit record (the page is stored elsewhere), not a page",
            {"url": url},
        )
    http = record.http_headers
    if record.rec_type == "response" and http is not None:
        status = http.get_statuscode()
        if status and not status.startswith("2"):
            return Problem(
                path, where, "http_status", f"{label}: HTTP status {http.get_statuscode()}, not a page", {"url": url}
            )
        content_type = _content_type(http)
    else:
        content_type = _content_type(record.rec_headers)
    declared = record.length or 0
    if declared > max_bytes + 64 * 1024 or (http is not None and _length(http) > max_bytes):
        return Problem(
            path,
            where,
            "too_large",
            f"{label}: {declared} bytes, over the size cap of {max_bytes} bytes (HEADWATER_MAX_BYTES)",
            {"url": url},
        )
    if content_type and not _is_html_type(content_type):
        return Problem(path, where, "not_html", f"{label}: {content_type.split(';')[0]}, not HTML", {"url": url})
    try:
        body = record.content_stream().read(max_bytes + 1)
    except Exception as error:  # a body that cannot be decoded (bad chunking or Content-Encoding)
        return Problem(path, where, "undecodable", f"{label}: its body cannot be decoded ({error})", {"url": url})
    if len(body) > max_bytes:
        return Problem(
            path,
            where,
            "too_large",
            f"{label}: over the size cap of {max_bytes} bytes (HEADWATER_MAX_BYTES)",
            {"url": url},
        )
    if not content_type and not looks_like_html(body):
        return Problem(path, where, "not_html", f"{label}: no content type, and the body is not HTML", {"url": url})
    return Page(page_id(f"warc:{resolved}@{offset}"), url, body, content_type, "warc", path, offset)


def _length(headers) -> int:
    try:
        return int(headers.get_header("Content-Length") or 0)
    except ValueError:
        return 0
