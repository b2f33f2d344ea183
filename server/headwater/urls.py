"""Hosts, sites and page keys: the one reading of a URL's host that the whole package shares.

One tldextract, built once, with the bundled public-suffix snapshot (no download at run
time) and private suffixes counted as suffixes: `someone.github.io` is one site to the
store, to the gazetteer and to the tracer alike.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit, urlunsplit

import courlan

_HOST_NAME = re.compile(r"(?:[\w-]+\.)*[\w-]+", re.UNICODE)

# Query parameters that say where a reader came from, not which page it is.
TRACKING_PREFIXES = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "cmpid", "smid")


def host_of(url_or_host: str | None) -> str:
    """The host name of a URL or of a bare host, lower case, without a trailing dot; "" if none."""
    text = (url_or_host or "").strip()
    if not text:
        return ""
    try:
        host = urlsplit(text if "://" in text else "//" + text).hostname or ""
    except ValueError:
        return ""
    return host.rstrip(".").lower()


def host_and_port(url: str) -> str:
    """The politeness unit: host and port ("127.0.0.1:8001" and "127.0.0.1:8002" are two sites)."""
    return urlsplit(url).netloc.lower()


@functools.lru_cache(maxsize=4096)
def registrable_domain(host: str) -> str:
    """The registrable domain of a host name ("news.bbc.co.uk" -> "bbc.co.uk"); "" when the host
    has no public suffix (127.0.0.1, localhost, a made-up top-level domain)."""
    return _extractor()(host).top_domain_under_public_suffix.lower()


@functools.cache
def _extractor():
    import tldextract

    # The bundled public-suffix snapshot: no download at run time, no cache on disk.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


def domain_of(url_or_host: str | None) -> str | None:
    """The site a page is on, as `documents.domain` holds it: the registrable domain of the
    host, lower case (https://www.news.bbc.co.uk/a -> bbc.co.uk; a private suffix counts as
    one: someone.github.io stays whole), or, for a host without one (127.0.0.1, localhost,
    a made-up top-level domain), the host without "www.". None when there is no host.

    Takes a URL or a bare host name; GET /api/traces?domain= reads its parameter with it,
    so that www.bbc.co.uk, news.bbc.co.uk and bbc.co.uk all name the same site.
    """
    host = host_of(url_or_host)
    if not host:
        return None
    return registrable_domain(host) or (host[4:] if host.startswith("www.") and len(host) > 4 else host)


def valid_domain(text: str) -> str | None:
    """A site as a user writes it (example.com, www.example.com, news.bbc.co.uk) in its stored
    form (domain_of), or None if it is not a host name."""
    text = text.strip().rstrip(".")
    if not text or len(text) > 253 or not _HOST_NAME.fullmatch(text):
        return None
    return domain_of(text)


def url_key(url: str) -> str:
    """The same page under its spellings: host case, default port, query order, tracking
    parameters, fragment and trailing slash do not make a different page. `documents.page_key`
    holds it, so a lookup finds a page traced from "...?utm_source=x" under its plain address
    and the reverse; a follow reads each page once by it."""
    try:
        url = courlan.normalize_url(url)
    except Exception:  # courlan refuses a few odd URLs: fall back to the plain split below
        pass
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    query = "&".join(p for p in parts.query.split("&") if p and not p.lower().startswith(TRACKING_PREFIXES))
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))
