"""A page's bytes as text, read as a browser reads them (used for fetched and saved pages)."""

from __future__ import annotations

import codecs
import re

from trafilatura.utils import decode_file

_BYTE_ORDER_MARKS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]{2,40})", re.IGNORECASE)
# Browsers read these labels as windows-1252 (the WHATWG Encoding standard);
# pages labelled latin-1 routinely use its curly quotes and dashes.
_WINDOWS_1252_LABELS = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii", "cp819"}


def decode_html(raw: bytes, content_type: str | None = None) -> str:
    """A page's bytes as text, read as a browser reads them: the byte-order mark, then the
    charset of the Content-Type header, then <meta charset>; undeclared (or declared wrongly),
    UTF-8 if most of the non-ASCII bytes are UTF-8 (the few bad ones replaced), else the
    charset trafilatura guesses. Used for fetched pages (FetchResult.html) and saved ones."""
    for bom, encoding in _BYTE_ORDER_MARKS:
        if raw.startswith(bom):
            return raw.decode(encoding, errors="replace")
    for label in (_header_charset(content_type), _meta_charset(raw)):
        encoding = _codec(label)
        if encoding:
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                break  # a wrong label: read the bytes for what they are
    text = raw.decode("utf-8", "replace")
    replaced = raw.count("\ufffd".encode("utf-8"))  # U+FFFD already in the page
    bad = text.count("\ufffd") - replaced
    if bad == 0:
        return text
    good = sum(1 for ch in text if ord(ch) > 127) - bad - replaced
    if good >= bad:  # UTF-8 with a few stray bytes, not another charset
        return text
    try:
        return decode_file(raw)  # trafilatura's guess (charset detection), lossy at worst
    except Exception:
        return text


def _header_charset(content_type: str | None) -> str | None:
    found = _HEADER_CHARSET.search(content_type or "")
    return found.group(1) if found else None


def _meta_charset(raw: bytes) -> str | None:
    found = _META_CHARSET.search(raw[:4096])
    if not found:
        return None
    label = found.group(1).decode("ascii", "replace")
    # A meta tag readable as ASCII cannot be in UTF-16 (HTML spec): the page is UTF-8.
    return "utf-8" if label.lower().startswith("utf-16") else label


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    if label in _WINDOWS_1252_LABELS:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None
