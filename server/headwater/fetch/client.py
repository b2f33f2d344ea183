"""Fetch one web page, safely: the first step of every trace.

`Fetcher.fetch(url)` never raises for a bad URL or a bad page: it returns a
`FetchResult` whose `error_code` says what went wrong and whose `error` says it
in a sentence a journalist understands. `raise_for_error()` turns that into the
matching exception of errors.py when the caller wants one.

Limits (timeouts, size cap, redirects, ports) live in settings.FetchSettings.

Server-side request forgery: the backend fetches whatever URL a reader sends,
so a URL must not become a way into this machine or its network. Every hop
(the URL and each redirect) is checked the same way:
  1. only http/https, no credentials, only ports 80/443 (settings.allowed_ports);
  2. the host is resolved once; if ANY address is loopback, private, link-local
     (cloud metadata), carrier-grade NAT, multicast, reserved, unspecified, or
     one of those wrapped in IPv6 (::ffff:, 6to4, NAT64), the fetch is refused;
  3. the connection goes to the checked address itself (the URL is rewritten
     to the IP and the original Host header is sent; for https the host name is
     used for SNI and certificate checks), so no second DNS lookup can hand us
     a different address between check and connect (DNS rebinding).
HEADWATER_ALLOW_PRIVATE=1 (or allow_private=True) turns the address and port
checks off; it exists for tests against the local fixture server.
"""

from __future__ import annotations

import codecs
import hashlib
import ipaddress
import os
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.client import responses as HTTP_REASONS
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter

from headwater.errors import FetchError, ForbiddenAddress, InvalidURL, NotHTML, PageTooLarge
from headwater.fetch.charset import decode_html
from headwater.settings import FetchSettings

ERROR_CODES = (
    "invalid_url",
    "forbidden_address",
    "dns_failure",
    "connection_failed",
    "timeout",
    "http_error",
    "too_many_redirects",
    "too_large",
    "not_html",
)
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
READ_CHUNK = 64 * 1024  # at most this much decompressed data per read
ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"

Resolver = Callable[[str], list[str]]  # host name -> IP addresses as strings


def resolve_host(host: str) -> list[str]:
    """The system resolver: every address `host` resolves to, in the resolver's order."""
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM):
        if sockaddr[0] not in addresses:
            addresses.append(sockaddr[0])
    return addresses


def resolve_within(resolver: Resolver, host: str, seconds: float) -> list[str]:
    """`resolver(host)`, or TimeoutError after `seconds`.

    getaddrinfo has no timeout of its own and a stuck resolver can hang for
    minutes, past the fetch's whole time budget. The lookup runs in a daemon
    thread that is abandoned if it does not answer in time (a thread per lookup:
    a fixed pool would fill up with stuck lookups and then stall every fetch).
    """
    outcome: dict[str, object] = {}

    def lookup() -> None:
        try:
            outcome["addresses"] = resolver(host)
        except BaseException as error:  # handed to the caller's thread
            outcome["error"] = error

    worker = threading.Thread(target=lookup, name=f"resolve {host}", daemon=True)
    worker.start()
    worker.join(max(seconds, 0.0))
    if worker.is_alive():
        raise TimeoutError(f"{host} did not resolve within {seconds:.1f} s")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["addresses"]  # type: ignore[return-value]


def private_allowed_by_env() -> bool:
    return os.environ.get("HEADWATER_ALLOW_PRIVATE") == "1"


# -- the result -----------------------------------------------------------------


@dataclass
class FetchResult:
    url: str  # as asked
    final_url: str | None = None  # after redirects
    status: int | None = None  # HTTP status of the last response
    content_type: str | None = None
    body: bytes = b""  # b"" on error
    bytes: int = 0  # bytes read (decompressed)
    sha256: str | None = None  # of body
    duration_ms: int = 0
    fetched_at: str = ""  # ISO 8601 UTC with microseconds
    error_code: str | None = None  # None when ok; else one of ERROR_CODES
    error: str | None = None  # a sentence for the reader
    etag: str | None = None
    last_modified: str | None = None

    @property
    def ok(self) -> bool:
        return self.error_code is None

    def html(self) -> str:
        """The body as text: charset from the header, then <meta charset>, then UTF-8 (charset.decode_html)."""
        return decode_html(self.body, self.content_type)

    def raise_for_error(self) -> None:
        if self.ok:
            return
        exception = {
            "invalid_url": InvalidURL,
            "forbidden_address": ForbiddenAddress,
            "too_large": PageTooLarge,
            "not_html": NotHTML,
        }.get(self.error_code)
        if exception:
            raise exception(self.error)
        raise FetchError(self.error, code=self.error_code)

    def to_log(self) -> dict:
        """The row for the store's fetches table."""
        return {
            "url": self.url,
            "final_url": self.final_url,
            "status": self.status,
            "content_type": self.content_type,
            "bytes": self.bytes,
            "sha256": self.sha256,
            "duration_ms": self.duration_ms,
            "fetched_at": self.fetched_at,
            "error_code": self.error_code,
            "error": self.error,
            "etag": self.etag,
            "last_modified": self.last_modified,
        }


class _Failed(Exception):
    """Internal: stops a fetch; Fetcher.fetch turns it into the result's error."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# -- URL checks -----------------------------------------------------------------

# A host written only with numbers (2130706433, 0177.0.0.1, 0x7f.1, 127.1) is an
# IPv4 address in the spelling inet_aton (and so getaddrinfo and browsers) accept.
_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]*|\d+)(\.(0x[0-9a-f]*|\d+)){0,3}\.?$", re.IGNORECASE)
_HOST_NAME = re.compile(r"^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$")
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]")


@dataclass(frozen=True)
class _Target:
    """A checked URL, split into what the connection needs."""

    url: str
    scheme: str
    host: str  # ASCII, lower case, no brackets: "example.com", "::1"
    host_header: str  # what the Host header says: "example.com", "[::1]:8080"
    port: int | None  # None: the scheme's default
    path: str  # path and query, "/" at least

    def url_for_address(self, address: str) -> str:
        """The same URL with the host replaced by one checked IP address (the pin)."""
        ip = address.split("%")[0]
        netloc = f"[{ip}]" if ":" in ip else ip
        if self.port is not None:
            netloc += f":{self.port}"
        return f"{self.scheme}://{netloc}{self.path}"


def _parse_url(url, *, allowed_ports: tuple[int, ...], any_port: bool) -> _Target:
    if not isinstance(url, str) or not url.strip():
        raise InvalidURL("No web address was given.")
    url = url.strip()
    shown = url if len(url) <= 200 else url[:200] + "…"
    if _CONTROL_OR_SPACE.search(url):
        raise InvalidURL(f"“{shown}” is not a valid web address: it contains spaces or control characters.")
    try:
        parts = urlsplit(url)
    except ValueError:
        raise InvalidURL(f"“{shown}” is not a valid web address.") from None
    if not parts.scheme or not url[len(parts.scheme) + 1 :].startswith("//"):
        if parts.scheme in ("", "http", "https") or "." in parts.scheme:
            raise InvalidURL(f"“{shown}” is not a web address: it should start with http:// or https://.")
    if parts.scheme not in ("http", "https"):
        raise InvalidURL(
            f"“{shown}” is a {parts.scheme}: address; Headwater only fetches web pages (http:// and https://)."
        )
    if "@" in parts.netloc:
        raise InvalidURL(
            f"“{shown}” contains a user name or password; remove them from the address "
            "(Headwater never sends credentials)."
        )
    if not parts.hostname:
        raise InvalidURL(f"“{shown}” has no host name.")
    try:
        port = parts.port
    except ValueError:
        raise InvalidURL(f"“{shown}” has an invalid port number.") from None
    default_port = 443 if parts.scheme == "https" else 80
    if port == default_port:
        port = None
    if port is not None and port not in allowed_ports and not any_port:
        ports = " and ".join(str(p) for p in allowed_ports) or "none"
        raise InvalidURL(
            f"“{shown}” uses port {port}; Headwater only fetches pages on the standard web ports ({ports})."
        )

    host = parts.hostname  # urlsplit has lower-cased it and removed IPv6 brackets
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise InvalidURL(f"“{shown}” has a host name that is not valid.") from None
        host_header = f"[{host}]"
    else:
        try:
            host = host.encode("idna").decode("ascii")  # bücher.de -> xn--bcher-kva.de
        except UnicodeError:
            raise InvalidURL(f"“{shown}” has a host name that is not valid.") from None
        if not _HOST_NAME.match(host):
            raise InvalidURL(f"“{shown}” has a host name that is not valid.")
        host_header = host
    if port is not None:
        host_header += f":{port}"
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return _Target(url=url, scheme=parts.scheme, host=host, host_header=host_header, port=port, path=path)


def validate_url(url: str, *, allowed_ports: tuple[int, ...] | None = None, allow_private: bool | None = None) -> str:
    """The URL stripped, or InvalidURL with a sentence saying what is wrong with it.

    Checks the spelling only (scheme, credentials, host, port); where the host
    points is checked by Fetcher.fetch. allow_private (default: the
    HEADWATER_ALLOW_PRIVATE environment variable) also allows any port.
    """
    if allowed_ports is None:
        allowed_ports = FetchSettings.from_env().allowed_ports
    if allow_private is None:
        allow_private = private_allowed_by_env()
    return _parse_url(url, allowed_ports=allowed_ports, any_port=allow_private).url


# -- address checks (SSRF) ------------------------------------------------------

_CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
_METADATA = {
    ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack...
    ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
    ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
}


def literal_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host written as a number stands for, in any spelling; None for a name.

    "2130706433", "0177.0.0.1", "0x7f.0.0.1" and "127.1" all mean 127.0.0.1 to
    getaddrinfo and to browsers, so they are read the way inet_aton reads them.
    """
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _NUMERIC_HOST.match(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host.rstrip(".")))
        except OSError:
            raise InvalidURL(f"The host “{host}” looks like an IP address but is not a valid one.") from None
    return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries: ::ffff:a.b.c.d, 6to4, NAT64, ::a.b.c.d."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if any(ip in network for network in _NAT64) or (int(ip) >> 32 == 0 and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def forbidden_reason(address: str | ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why Headwater will not connect to this address ("a loopback address (this computer)"), or None."""
    try:
        ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    except ValueError:
        return "not a valid IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            ip = ipaddress.IPv6Address(str(ip).split("%")[0])
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            reason = forbidden_reason(embedded)
            if reason:
                return f"{reason}, written as an IPv6 address"
            if not (int(ip) >> 32 == 0):  # a public IPv4 address seen through IPv6
                return None
    if ip in _METADATA:
        return "the cloud metadata service"
    if ip.is_unspecified:
        return "the unspecified address (it means this computer)"
    if ip.is_loopback:
        return "a loopback address (this computer)"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return "a carrier-grade NAT address (a provider's private network)"
    if ip.is_link_local:
        return "a link-local address (the local network segment)"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_reserved:
        return "a reserved address"
    if ip.is_private:
        return "a private network address"
    if not ip.is_global:
        return "not a public internet address"
    return None


# -- sniffing --------------------------------------------------------------------

# The HTML signatures of the WHATWG MIME sniffing standard, for pages sent without a type.
_HTML_SIGNATURES = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<script",
    b"<iframe",
    b"<h1",
    b"<div",
    b"<font",
    b"<table",
    b"<a",
    b"<style",
    b"<title",
    b"<b",
    b"<body",
    b"<br",
    b"<p",
    b"<!--",
)


def looks_like_html(body: bytes) -> bool:
    start = body[:1024].lstrip(b"\xef\xbb\xbf").lstrip(b" \t\n\r\x0c").lower()
    for signature in _HTML_SIGNATURES:
        if start.startswith(signature):
            after = start[len(signature) : len(signature) + 1]
            if signature == b"<!--" or after in (b" ", b">", b"\t", b"\n", b"\r", b"\x0c"):
                return True
    return False


def looks_binary(body: bytes, content_type: str | None) -> bool:
    """NUL bytes never occur in an HTML page, except one encoded as UTF-16/32."""
    if b"\x00" not in body[:8192]:
        return False
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return "utf-16" not in (content_type or "").lower() and "utf-32" not in (content_type or "").lower()


# -- transport ------------------------------------------------------------------


class PinnedHostAdapter(HTTPAdapter):
    """Requests' adapter, able to speak https to an IP address on behalf of a host name.

    The fetcher rewrites each URL to the IP it checked (so the connection goes
    there and nowhere else) and sends the real host name in the Host header.
    For https this adapter passes that name to urllib3 as `server_hostname`, so
    SNI and certificate verification are done for the name, not the IP.

    Why our own: `advocate` (the package made for this) was last released in
    2020 and targets urllib3 1.x internals; no maintained package pins
    addresses for requests. This uses requests' documented extension point
    (build_connection_pool_key_attributes, requests >= 2.32) and urllib3's public
    `server_hostname` pool argument; urllib3 keys its pools by it, so
    connections to one IP for different names are never mixed up.
    """

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        host_header = request.headers.get("Host")
        if host_params.get("scheme") == "https" and host_header:
            hostname = urlsplit("//" + host_header).hostname
            if hostname and hostname != host_params.get("host", "").strip("[]"):
                pool_kwargs["server_hostname"] = hostname
        return host_params, pool_kwargs


def _new_session(user_agent: str) -> requests.Session:
    session = requests.Session()
    # No proxies or .netrc from the environment: a proxy would resolve the host
    # itself (undoing the pin) and .netrc would send credentials to any site.
    session.trust_env = False
    # Keep no cookies: a site must not recognise the reader from one trace to the next.
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    session.headers.update({"User-Agent": user_agent, "Accept": ACCEPT})
    adapter = PinnedHostAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    if n >= 1024:
        return f"{round(n / 1024)} KB"
    return f"{n} bytes"


def _seconds(value: float) -> str:
    return f"{value:g} second" + ("" if value == 1 else "s")


# -- the fetcher ----------------------------------------------------------------


class Fetcher:
    """One HTTP session and the rules for using it; `fetch(url)` never raises for a bad page."""

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        allow_private: bool | None = None,
        resolver: Resolver | None = None,
    ):
        self.settings = settings or FetchSettings()
        self.allow_private = private_allowed_by_env() if allow_private is None else allow_private
        self.resolver = resolver or resolve_host
        self.session = _new_session(self.settings.user_agent)

    def validate_url(self, url: str) -> str:
        """validate_url() with this fetcher's ports and allow_private."""
        return validate_url(url, allowed_ports=self.settings.allowed_ports, allow_private=self.allow_private)

    def close(self) -> None:
        self.session.close()

    def fetch(self, url: str, *, headers: dict[str, str] | None = None) -> FetchResult:
        """`headers` adds request headers, e.g. If-None-Match / If-Modified-Since for a
        conditional GET; a 304 answer is then a success with status 304 and an empty body."""
        started = time.monotonic()
        result = FetchResult(url=url, fetched_at=datetime.now(UTC).isoformat(timespec="microseconds"))
        try:
            self._fetch(url, result, deadline=started + self.settings.total_timeout, headers=headers or {})
        except _Failed as failure:
            result.error_code, result.error = failure.code, failure.message
            result.body, result.sha256 = b"", None
        finally:
            result.duration_ms = int((time.monotonic() - started) * 1000)
        return result

    # -- one fetch, hop by hop

    def _fetch(self, url: str, result: FetchResult, deadline: float, headers: dict[str, str]) -> None:
        current, previous = url, None
        seen: set[str] = set()
        redirects = 0
        while True:
            try:
                target = _parse_url(current, allowed_ports=self.settings.allowed_ports, any_port=self.allow_private)
                addresses = self._checked_addresses(target, deadline)
            except InvalidURL as error:
                code = error.code if error.code in ERROR_CODES else "invalid_url"
                prefix = f"{previous} redirected to {current}, which Headwater will not fetch. " if previous else ""
                raise _Failed(code, prefix + error.message) from None
            seen.add(target.url.split("#")[0])
            response = self._send(target, addresses, deadline, headers)
            result.final_url = target.url
            result.status = response.status_code
            result.content_type = response.headers.get("Content-Type")
            result.etag = response.headers.get("ETag")
            result.last_modified = response.headers.get("Last-Modified")
            if response.status_code == 304 and headers:  # not modified since the copy we hold
                response.close()
                return
            if response.status_code not in REDIRECT_STATUSES:
                self._read_page(target, response, result, deadline)
                return
            location = response.headers.get("Location")
            response.close()
            if not location:
                raise _Failed(
                    "http_error", f"{target.url} answered {self._status(response)} but did not say where the page went."
                )
            redirects += 1
            previous, current = target.url, urljoin(target.url, location.strip())
            if current.split("#")[0] in seen:
                raise _Failed(
                    "too_many_redirects", f"{url} redirects in a loop (back to {current}), so it never reaches a page."
                )
            if redirects > self.settings.max_redirects:
                raise _Failed(
                    "too_many_redirects",
                    f"{url} redirected more than {self.settings.max_redirects} times without "
                    "reaching a page; Headwater gave up.",
                )

    def _checked_addresses(self, target: _Target, deadline: float) -> list[str]:
        """The addresses to connect to, resolved once and all checked (InvalidURL/ForbiddenAddress if not)."""
        ip = literal_ip(target.host)
        if ip is not None:
            addresses = [str(ip)]
        else:
            # The name lookup gets the connect timeout, within what is left of the total.
            seconds = min(self.settings.connect_timeout, deadline - time.monotonic())
            try:
                resolved = resolve_within(self.resolver, target.host, seconds)
                addresses = [str(ipaddress.ip_address(a)) for a in resolved]
            except TimeoutError:
                raise _Failed(
                    "timeout",
                    f"The name {target.host} did not resolve within {_seconds(seconds)}; its DNS may be down.",
                ) from None
            except (OSError, UnicodeError, ValueError):
                addresses = []
            if not addresses:
                raise _Failed(
                    "dns_failure",
                    f"The site {target.host} could not be found "
                    f"(its name does not resolve); check the address {target.url}.",
                )
        if not self.allow_private:
            for address in addresses:
                reason = forbidden_reason(address)
                if reason:
                    where = f"its address {address}" if ip is not None else f"{target.host} points to {address},"
                    raise ForbiddenAddress(
                        f"Headwater will not fetch {target.url}: {where} is {reason}. "
                        "Pages on this computer, on private networks or on cloud metadata services are off limits."
                    )
        return addresses

    def _send(
        self, target: _Target, addresses: list[str], deadline: float, headers: dict[str, str] | None = None
    ) -> requests.Response:
        """Send the GET to the first checked address that accepts a connection."""
        settings = self.settings
        failure: _Failed | None = None
        for address in addresses[:3]:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            request = requests.Request(
                "GET", target.url_for_address(address), headers={**(headers or {}), "Host": target.host_header}
            )
            try:
                return self.session.send(
                    self.session.prepare_request(request),
                    allow_redirects=False,
                    stream=True,
                    timeout=(min(settings.connect_timeout, remaining), min(settings.read_timeout, remaining)),
                )
            except requests.exceptions.ConnectTimeout:
                failure = _Failed(
                    "timeout", f"{target.host} did not accept a connection within {_seconds(settings.connect_timeout)}."
                )
            except requests.exceptions.ReadTimeout:
                raise _Failed(
                    "timeout", f"{target.host} did not answer within {_seconds(min(settings.read_timeout, remaining))}."
                ) from None
            except requests.exceptions.SSLError:
                raise _Failed(
                    "connection_failed",
                    f"The secure connection to {target.host} failed: its certificate could not be verified.",
                ) from None
            except requests.exceptions.ConnectionError:
                failure = _Failed(
                    "connection_failed",
                    f"Could not connect to {target.host}: the server refused or dropped the connection.",
                )
            except requests.exceptions.RequestException as error:
                raise _Failed("connection_failed", f"Could not fetch {target.url} ({error}).") from None
        raise failure or self._out_of_time(target)

    def _out_of_time(self, target: _Target) -> _Failed:
        return _Failed(
            "timeout",
            f"Fetching {target.url} took longer than "
            f"{_seconds(self.settings.total_timeout)} in all; Headwater gave up.",
        )

    @staticmethod
    def _status(response: requests.Response) -> str:
        return f"{response.status_code} {HTTP_REASONS.get(response.status_code, response.reason or '')}".strip()

    def _read_page(self, target: _Target, response: requests.Response, result: FetchResult, deadline: float) -> None:
        settings = self.settings
        try:
            if response.status_code >= 400:
                raise _Failed("http_error", f"{target.url} answered {self._status(response)}.")
            media_type = (result.content_type or "").split(";")[0].strip().lower()
            if media_type and media_type not in settings.accepted_types:
                raise _Failed("not_html", f"{target.url} is not a web page: it is {media_type}.")
            declared = response.headers.get("Content-Length", "").strip()
            if declared.isdigit() and int(declared) > settings.max_bytes:
                raise _Failed(
                    "too_large",
                    f"The page at {target.url} is {_size(int(declared))}, over the {_size(settings.max_bytes)} limit.",
                )
            body = self._read_body(target, response, result, deadline)
        finally:
            response.close()
        if not media_type and not looks_like_html(body):
            raise _Failed("not_html", f"{target.url} did not say what it is and does not look like a web page.")
        if looks_binary(body, result.content_type):
            raise _Failed("not_html", f"{target.url} claims to be a web page but holds binary data.")
        result.body = body
        result.bytes = len(body)
        result.sha256 = hashlib.sha256(body).hexdigest()

    def _read_body(self, target: _Target, response: requests.Response, result: FetchResult, deadline: float) -> bytes:
        """Stream the body, decompressed, stopping at the size cap and the total time cap.

        read1 returns after one read from the socket and decompresses at most
        READ_CHUNK bytes at a time, so a slow drip cannot outlast the total
        time cap and a gzip bomb stops at the size cap (urllib3 >= 2.6).
        """
        limit = self.settings.max_bytes
        chunks: list[bytes] = []
        try:
            while True:
                if time.monotonic() > deadline:
                    raise self._out_of_time(target)
                chunk = response.raw.read1(READ_CHUNK, decode_content=True)
                if not chunk:
                    return b"".join(chunks)
                result.bytes += len(chunk)
                if result.bytes > limit:
                    raise _Failed("too_large", f"The page at {target.url} is larger than the {_size(limit)} limit.")
                chunks.append(chunk)
        except urllib3.exceptions.ReadTimeoutError:
            raise _Failed(
                "timeout",
                f"{target.host} stopped sending the page for more than {_seconds(self.settings.read_timeout)}.",
            ) from None
        except urllib3.exceptions.DecodeError:
            raise _Failed(
                "http_error", f"{target.url} sent a compressed page that could not be decompressed."
            ) from None
        except (urllib3.exceptions.HTTPError, OSError):
            raise _Failed(
                "connection_failed", f"The connection to {target.host} broke while the page was being read."
            ) from None
