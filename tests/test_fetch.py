"""Fetching a page: what a reader sees when a page is fine, missing, slow, huge or not a page.

Every test talks only to the fixture web server on 127.0.0.1 (reached through
the `allow_private` fixture) or is refused before any connection is made.
"""

import gzip
import hashlib
import socket
import threading
import time
from dataclasses import replace
from datetime import datetime

import pytest

from headwater.errors import FetchError, InvalidURL, NotHTML, PageTooLarge
from headwater.evaluation.localweb import Response
from headwater.fetch.charset import decode_html
from headwater.fetch.client import READ_CHUNK, Fetcher, FetchResult, validate_url
from headwater.settings import FetchSettings

PAGE = "<!doctype html><html><head><title>Talks</title></head><body><p>Mr. Khoram told the daily.</p></body></html>"
QUICK = FetchSettings(connect_timeout=2, read_timeout=2, total_timeout=10)


@pytest.fixture
def fetcher(allow_private):
    """A fetcher that may reach the loopback fixture server (HEADWATER_ALLOW_PRIVATE=1)."""
    fetcher = Fetcher(QUICK)
    yield fetcher
    fetcher.close()


def fetcher_with(**limits) -> Fetcher:
    """A fetcher with tighter limits, allowed to reach the loopback fixture server."""
    return Fetcher(replace(QUICK, **limits), allow_private=True)


def redirect(to: str, status: int = 302) -> Response:
    return Response(b"", status=status, headers={"Location": to})


# -- a good page ------------------------------------------------------------------


def test_ok_page_after_redirect_has_final_url_hash_and_size(web, fetcher):
    web.add("/old", redirect("/2014/11/talks", status=301))
    web.add(
        "/2014/11/talks",
        Response(
            PAGE,
            headers={
                "Content-Type": "text/html; charset=utf-8",
                "ETag": '"v1"',
                "Last-Modified": "Tue, 25 Nov 2014 10:00:00 GMT",
            },
        ),
    )

    result = fetcher.fetch(web.url("/old"))

    assert result.ok, result.error
    assert result.url == web.url("/old")
    assert result.final_url == web.url("/2014/11/talks")
    assert result.status == 200
    assert result.content_type == "text/html; charset=utf-8"
    assert result.body == PAGE.encode()
    assert result.bytes == len(PAGE.encode())
    assert result.sha256 == hashlib.sha256(PAGE.encode()).hexdigest()
    assert result.html() == PAGE
    assert (result.etag, result.last_modified) == ('"v1"', "Tue, 25 Nov 2014 10:00:00 GMT")
    assert result.error_code is None and result.error is None
    fetched_at = datetime.fromisoformat(result.fetched_at)
    assert fetched_at.utcoffset().total_seconds() == 0 and "." in result.fetched_at
    result.raise_for_error()  # no exception for a good page


def test_the_server_sees_our_user_agent_and_the_real_host(web, fetcher):
    web.add("/page", PAGE)
    fetcher.fetch(web.url("/page"))
    ((_method, _path, headers),) = web.requests
    assert headers["User-Agent"] == QUICK.user_agent
    assert headers["Host"] == f"127.0.0.1:{web.port}"


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_every_redirect_status_is_followed(web, fetcher, status):
    web.add("/from", redirect(web.url("/to"), status=status))
    web.add("/to", PAGE)
    result = fetcher.fetch(web.url("/from"))
    assert result.ok and result.final_url == web.url("/to")


def test_log_row_has_the_columns_of_the_fetches_table(web, fetcher):
    web.add("/page", PAGE)
    row = fetcher.fetch(web.url("/page")).to_log()
    assert set(row) == {
        "url",
        "final_url",
        "status",
        "content_type",
        "bytes",
        "sha256",
        "duration_ms",
        "fetched_at",
        "error_code",
        "error",
        "etag",
        "last_modified",
    }
    assert row["status"] == 200 and row["error_code"] is None and row["bytes"] == len(PAGE)


def test_cookies_are_not_carried_from_one_request_to_the_next(web, fetcher):
    web.add("/login", Response(PAGE, headers={"Content-Type": "text/html", "Set-Cookie": "reader=42; Path=/"}))
    web.add("/next", PAGE)
    fetcher.fetch(web.url("/login"))
    fetcher.fetch(web.url("/next"))
    assert "Cookie" not in web.requests[-1][2]


# -- HTTP errors --------------------------------------------------------------------


def test_404_is_an_http_error_with_the_status_in_the_message(web, fetcher):
    url = web.url("/gone")  # no route: the fixture answers 404
    result = fetcher.fetch(url)
    assert result.error_code == "http_error"
    assert result.error == f"{url} answered 404 Not Found."
    assert result.status == 404 and result.body == b"" and result.sha256 is None
    with pytest.raises(FetchError) as raised:
        result.raise_for_error()
    assert raised.value.code == "http_error" and "404" in raised.value.message


def test_server_error_is_an_http_error(web, fetcher):
    web.add("/broken", Response("oops", status=503, headers={"Content-Type": "text/html"}))
    result = fetcher.fetch(web.url("/broken"))
    assert result.error_code == "http_error" and "503 Service Unavailable" in result.error


def test_redirect_without_location_is_an_http_error(web, fetcher):
    web.add("/nowhere", Response(b"", status=302, headers={}))
    result = fetcher.fetch(web.url("/nowhere"))
    assert result.error_code == "http_error" and "did not say where" in result.error


# -- time -------------------------------------------------------------------------


def test_a_server_slower_than_the_read_timeout_times_out(web):
    web.add("/slow", Response(PAGE, delay=1.5))
    result = fetcher_with(read_timeout=0.2).fetch(web.url("/slow"))
    assert result.error_code == "timeout"
    assert "did not answer within 0.2 seconds" in result.error
    with pytest.raises(FetchError) as raised:
        result.raise_for_error()
    assert raised.value.code == "timeout"


def test_a_page_dripping_in_stops_at_the_total_time_cap(web):
    # Each chunk comes well within the read timeout, but the whole takes too long.
    web.add(
        "/drip",
        Response(
            chunks=[b"<html><body>"] + [b"<p>more</p>"] * 40, chunk_delay=0.05, headers={"Content-Type": "text/html"}
        ),
    )
    result = fetcher_with(read_timeout=1, total_timeout=0.5).fetch(web.url("/drip"))
    assert result.error_code == "timeout"
    assert "longer than 0.5 seconds in all" in result.error
    assert result.duration_ms < 1500


# -- what is not a web page ---------------------------------------------------------


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("application/pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"),
        ("image/png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
    ],
)
def test_documents_and_images_are_not_html(web, fetcher, content_type, body):
    url = web.add("/file", Response(body, headers={"Content-Type": content_type}))
    result = fetcher.fetch(url)
    assert result.error_code == "not_html"
    assert result.error == f"{url} is not a web page: it is {content_type}."
    assert result.status == 200 and result.body == b""
    with pytest.raises(NotHTML):
        result.raise_for_error()


def test_binary_bytes_served_as_html_are_refused(web, fetcher):
    web.add(
        "/fake.html", Response(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", headers={"Content-Type": "text/html"})
    )
    result = fetcher.fetch(web.url("/fake.html"))
    assert result.error_code == "not_html" and "binary data" in result.error


def test_missing_content_type_is_accepted_when_the_body_is_html(web, fetcher):
    web.add("/untyped", Response(PAGE, headers={}))
    result = fetcher.fetch(web.url("/untyped"))
    assert result.ok and result.content_type is None and result.html() == PAGE


def test_missing_content_type_is_refused_when_the_body_is_not_html(web, fetcher):
    web.add("/untyped", Response(b"just some words, no markup", headers={}))
    result = fetcher.fetch(web.url("/untyped"))
    assert result.error_code == "not_html" and "does not look like a web page" in result.error


def test_xhtml_is_a_web_page(web, fetcher):
    web.add("/x", Response(PAGE, headers={"Content-Type": "application/xhtml+xml"}))
    assert fetcher.fetch(web.url("/x")).ok


# -- size ---------------------------------------------------------------------------


def test_a_page_over_the_size_cap_is_refused_from_its_content_length(web):
    body = "<html><body>" + "x" * 5000 + "</body></html>"
    url = web.add("/big", Response(body))
    result = fetcher_with(max_bytes=1000).fetch(url)
    assert result.error_code == "too_large"
    assert "over the 1000 bytes limit" in result.error
    assert result.bytes == 0  # refused before reading a byte
    with pytest.raises(PageTooLarge):
        result.raise_for_error()


def test_a_page_over_the_size_cap_without_content_length_stops_while_streaming(web):
    web.add("/stream", Response(chunks=[b"<html><body>"] + [b"x" * 1000] * 20, headers={"Content-Type": "text/html"}))
    result = fetcher_with(max_bytes=5000).fetch(web.url("/stream"))
    assert result.error_code == "too_large" and "larger than the 5 KB limit" in result.error
    assert result.body == b""


def test_a_page_just_under_the_cap_is_fine(web):
    body = ("<html><body>" + "x" * 900 + "</body></html>").encode()
    web.add("/fits", Response(body))
    result = fetcher_with(max_bytes=len(body)).fetch(web.url("/fits"))
    assert result.ok and result.bytes == len(body)


def test_a_gzip_bomb_stops_at_the_cap_counted_after_decompression(web):
    inflated = b"<html><body>" + b" " * (20 * 1024 * 1024) + b"</body></html>"  # 20 MB of spaces
    bomb = gzip.compress(inflated, compresslevel=9)
    assert len(bomb) < 100_000  # small on the wire: its Content-Length is under the cap
    web.add("/bomb", Response(bomb, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}))

    result = fetcher_with(max_bytes=200_000).fetch(web.url("/bomb"))

    assert result.error_code == "too_large"
    assert 200_000 < result.bytes <= 200_000 + READ_CHUNK  # stopped at the cap, not after inflating it all


def test_a_gzipped_page_is_decompressed(web, fetcher):
    web.add(
        "/gz", Response(gzip.compress(PAGE.encode()), headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})
    )
    result = fetcher.fetch(web.url("/gz"))
    assert result.ok and result.body == PAGE.encode() and result.bytes == len(PAGE.encode())


# -- redirects ----------------------------------------------------------------------


def test_a_redirect_loop_is_reported_as_a_loop(web, fetcher):
    web.add("/a", redirect("/b"))
    web.add("/b", redirect("/a"))
    result = fetcher.fetch(web.url("/a"))
    assert result.error_code == "too_many_redirects"
    assert "loop" in result.error
    assert len(web.requests) == 2  # noticed at once, not after max_redirects hops


def test_too_many_redirects_gives_up_after_the_limit(web):
    for hop in range(10):
        web.add(f"/hop{hop}", redirect(f"/hop{hop + 1}"))
    web.add("/hop10", PAGE)
    result = fetcher_with(max_redirects=3).fetch(web.url("/hop0"))
    assert result.error_code == "too_many_redirects"
    assert "more than 3 times" in result.error
    assert len(web.requests) == 4  # the first request and three redirects followed


def test_exactly_max_redirects_is_still_fine(web):
    for hop in range(3):
        web.add(f"/hop{hop}", redirect(f"/hop{hop + 1}"))
    web.add("/hop3", PAGE)
    result = fetcher_with(max_redirects=3).fetch(web.url("/hop0"))
    assert result.ok and result.final_url == web.url("/hop3")


def test_a_redirect_to_a_non_web_scheme_is_refused(web, fetcher):
    web.add("/ftp", redirect("ftp://files.example.com/report.pdf"))
    result = fetcher.fetch(web.url("/ftp"))
    assert result.error_code == "invalid_url"
    assert "redirected to ftp://files.example.com/report.pdf" in result.error


# -- names and connections ----------------------------------------------------------


def test_a_name_that_does_not_resolve_is_a_dns_failure():
    def resolver(host):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    result = Fetcher(QUICK, resolver=resolver).fetch("https://no-such-paper.example/story")
    assert result.error_code == "dns_failure"
    assert "no-such-paper.example could not be found" in result.error
    with pytest.raises(FetchError) as raised:
        result.raise_for_error()
    assert raised.value.code == "dns_failure"


def test_a_name_with_no_addresses_is_a_dns_failure():
    result = Fetcher(QUICK, resolver=lambda host: []).fetch("https://empty.example/")
    assert result.error_code == "dns_failure"


def test_a_refused_connection_is_connection_failed(allow_private):
    with socket.socket() as probe:  # a loopback port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = Fetcher(QUICK).fetch(f"http://127.0.0.1:{port}/")
    assert result.error_code == "connection_failed" and "Could not connect to 127.0.0.1" in result.error


# -- invalid URLs -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, says",
    [
        ("", "No web address was given"),
        ("   ", "No web address was given"),
        ("not a url", "spaces"),
        ("example.com/story", "should start with http:// or https://"),
        ("ftp://example.com/report.pdf", "ftp: address"),
        ("javascript:alert(1)", "javascript: address"),
        ("file:///etc/passwd", "file: address"),
        ("http://user:pass@example.com/", "user name or password"),
        ("http://user@example.com/", "user name or password"),
        ("http:///story", "no host name"),
        ("http://example.com:8080/", "port 8080"),
        ("http://example.com:99999/", "invalid port"),
        ("http://exa$mple.com/", "host name that is not valid"),
    ],
)
def test_invalid_urls_are_refused_with_a_clear_sentence(url, says):
    with pytest.raises(InvalidURL) as raised:
        validate_url(url, allow_private=False)
    assert says in raised.value.message

    def resolver(host):
        raise AssertionError("an invalid URL must not reach DNS")

    result = Fetcher(QUICK, allow_private=False, resolver=resolver).fetch(url)
    assert result.error_code == "invalid_url"
    assert result.error == raised.value.message
    with pytest.raises(InvalidURL):
        result.raise_for_error()


def test_validate_url_returns_the_url_stripped():
    assert validate_url("  https://example.com/a?b=1#c \n") == "https://example.com/a?b=1#c"
    assert validate_url("http://example.com:80/") == "http://example.com:80/"


def test_other_ports_only_when_configured():
    assert validate_url("https://example.com:8443/", allowed_ports=(443, 8443), allow_private=False)
    with pytest.raises(InvalidURL):
        validate_url("https://example.com:8443/", allow_private=False)
    assert validate_url("https://example.com:8443/", allow_private=True)  # the fixture server's random port


# -- decoding -----------------------------------------------------------------------


def test_latin1_page_decoded_from_the_header_charset(web, fetcher):
    page = "<html><body><p>Le café de M. Zarif</p></body></html>"
    web.add("/fr", Response(page.encode("latin-1"), headers={"Content-Type": "text/html; charset=ISO-8859-1"}))
    result = fetcher.fetch(web.url("/fr"))
    assert "Le café de M. Zarif" in result.html()


def test_meta_charset_is_used_when_the_header_has_none(web, fetcher):
    page = '<html><head><meta charset="windows-1252"></head><body><p>“Sanctions,” he said — café</p></body></html>'
    web.add("/meta", Response(page.encode("cp1252"), headers={"Content-Type": "text/html"}))
    assert "“Sanctions,” he said — café" in fetcher.fetch(web.url("/meta")).html()


def test_http_equiv_meta_charset_is_used():
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"></head>é</html>'
    assert decode_html(page.encode("latin-1"), "text/html").endswith("é</html>")


def test_pages_labelled_latin1_get_windows_1252_curly_quotes():
    # What browsers do: the bytes 0x93/0x94 in a "latin-1" page are curly quotes.
    assert decode_html(b"<p>\x93Yes\x94</p>", "text/html; charset=iso-8859-1") == "<p>“Yes”</p>"


def test_the_header_charset_wins_over_the_meta_tag():
    page = '<meta charset="windows-1252"><p>café</p>'.encode()
    assert "café" in decode_html(page, "text/html; charset=utf-8")


def test_no_charset_means_utf8_with_bad_bytes_replaced():
    assert decode_html("café".encode() + b"\xff", "text/html") == "café\ufffd"
    assert decode_html(b"\xef\xbb\xbf<p>bom</p>", None) == "<p>bom</p>"


def test_an_unknown_charset_falls_back_to_utf8():
    assert decode_html("café".encode(), "text/html; charset=klingon") == "café"


LEGACY_PAGE = (
    "<html><body><p>Le caf\xe9 est ferm\xe9, a d\xe9clar\xe9 le ministre \u201cau journal\u201d.</p></body></html>"
)


def test_an_undeclared_legacy_page_is_read_in_its_charset_not_as_replacement_characters():
    assert decode_html(LEGACY_PAGE.encode("cp1252"), "text/html") == LEGACY_PAGE


def test_a_page_whose_label_is_wrong_is_read_for_what_its_bytes_are():
    assert decode_html(LEGACY_PAGE.encode("cp1252"), "text/html; charset=utf-8") == LEGACY_PAGE


def test_a_saved_page_gets_the_same_reading_as_a_fetched_one():
    """extract() on bytes decodes as a fetched page is decoded: a latin-1 label means windows-1252."""
    from headwater.extract import extract

    page = (
        '<html><head><meta charset="iso-8859-1"></head><body><article><p>\x93We will not give up,\x94 '
        "the minister said on Monday, after a week of talks in Geneva with the other delegations.</p>"
        "</article></body></html>"
    ).encode("latin-1")
    assert "\u201cWe will not give up,\u201d the minister said" in extract(page).text


def test_a_result_decodes_itself():
    result = FetchResult(
        url="https://x.example/", body="ü".encode("latin-1"), content_type="text/html; charset=latin-1"
    )
    assert result.html() == "ü"


def test_a_resolver_that_hangs_is_a_timeout_not_a_hang():
    release = threading.Event()

    def stuck_resolver(host):  # a DNS server that never answers
        release.wait(30)
        return []

    settings = FetchSettings(connect_timeout=0.5, read_timeout=2, total_timeout=10)
    started = time.monotonic()
    try:
        result = Fetcher(settings, resolver=stuck_resolver).fetch("https://slow-dns.example/story")
    finally:
        release.set()
    assert result.error_code == "timeout"
    assert "slow-dns.example did not resolve" in result.error
    assert time.monotonic() - started < 10  # the resolver alone would take 30 s
