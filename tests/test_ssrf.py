"""Server-side request forgery (issue 6): a URL must not become a way into this machine or its network.

Name resolution is replaced in every test, and no test sends traffic anywhere
but 127.0.0.0/8: "public" hops are answered by a fake transport mounted on the
fetcher's session, and the loopback fixture server is reached only when a test
allows it explicitly.
"""

import io
import shutil
import ssl
import subprocess
from dataclasses import replace

import pytest
import requests
import urllib3
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from headwater.errors import ForbiddenAddress, InvalidURL
from headwater.evaluation.localweb import FixtureWeb
from headwater.fetch.client import Fetcher, forbidden_reason, literal_ip
from headwater.settings import FetchSettings

PAGE = "<!doctype html><html><body><p>Reuters reported the deal.</p></body></html>"
PUBLIC_IP = "93.184.216.34"  # looks public; never connected to (the fake transport answers)
QUICK = FetchSettings(connect_timeout=2, read_timeout=2, total_timeout=10)


@pytest.fixture(autouse=True)
def default_environment(monkeypatch):
    """These tests are about the default: the private-network switch is off unless a test turns it on."""
    monkeypatch.delenv("HEADWATER_ALLOW_PRIVATE", raising=False)


def resolver_from(table: dict[str, list[str]]):
    def resolve(host):
        if host not in table:
            raise AssertionError(f"unexpected DNS lookup of {host}")
        return table[host]

    return resolve


def no_dns(host):
    raise AssertionError(f"a numeric host must not be looked up, but {host} was")


class FakeInternet(BaseAdapter):
    """A transport that answers from a table instead of the network, and records what it was asked."""

    def __init__(self, pages: dict[str, tuple[int, dict, bytes]]):
        super().__init__()
        self.pages = pages  # "http://93.184.216.34/story" -> (status, headers, body)
        self.sent: list[requests.PreparedRequest] = []

    def send(self, request, **kwargs):
        self.sent.append(request)
        if request.url not in self.pages:
            raise AssertionError(f"the fetcher tried to reach {request.url}")
        status, headers, body = self.pages[request.url]
        response = requests.Response()
        response.status_code = status
        response.headers = CaseInsensitiveDict(headers)
        response.raw = urllib3.HTTPResponse(
            body=io.BytesIO(body), headers=headers, status=status, preload_content=False
        )
        response.url = request.url
        response.request = request
        return response

    def close(self):
        pass


def fetcher_on(internet: FakeInternet | None, resolver, **settings) -> Fetcher:
    fetcher = Fetcher(replace(QUICK, **settings), allow_private=False, resolver=resolver)
    if internet is not None:
        fetcher.session.mount("http://", internet)
        fetcher.session.mount("https://", internet)
    return fetcher


# -- the address check --------------------------------------------------------------


@pytest.mark.parametrize(
    "address, says",
    [
        ("127.0.0.1", "loopback"),
        ("127.255.255.254", "loopback"),
        ("10.0.0.5", "private"),
        ("172.16.0.1", "private"),
        ("172.31.255.255", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "cloud metadata"),
        ("169.254.1.1", "link-local"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("100.127.255.254", "carrier-grade NAT"),
        ("100.100.100.200", "cloud metadata"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("0.0.0.0", "unspecified"),
        ("0.1.2.3", "private"),
        ("192.0.2.1", "private"),  # documentation range (TEST-NET-1)
        ("198.18.0.1", "private"),  # benchmarking range
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("fd00:ec2::254", "cloud metadata"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback address (this computer), written as an IPv6 address"),
        ("::ffff:10.0.0.1", "private network address, written as an IPv6 address"),
        ("::ffff:169.254.169.254", "cloud metadata service, written as an IPv6 address"),
        ("2002:7f00:1::1", "loopback address (this computer), written as an IPv6 address"),  # 6to4 of 127.0.0.1
        ("2002:a00:5::", "private network address, written as an IPv6"),  # 6to4 of 10.0.0.5
        ("64:ff9b::7f00:1", "loopback address (this computer), written as an IPv6 address"),  # NAT64 of 127.0.0.1
        ("64:ff9b::a9fe:a9fe", "cloud metadata service, written as an IPv6"),  # NAT64 of the metadata address
        ("::127.0.0.1", "loopback address (this computer), written as an IPv6 address"),  # IPv4-compatible (deprecated)
        ("2001:db8::1", "private"),  # documentation range
    ],
)
def test_every_blocked_range_is_refused(address, says):
    reason = forbidden_reason(address)
    assert reason is not None and says in reason


@pytest.mark.parametrize(
    "address",
    [
        "93.184.216.34",
        "8.8.8.8",
        "1.1.1.1",
        "151.101.1.69",
        "2606:2800:220:1:248:1893:25c8:1946",
        "2a00:1450:4001:82a::200e",
        "::ffff:93.184.216.34",  # a public IPv4 address written as IPv6
        "64:ff9b::5db8:d822",  # the same through NAT64
        "2002:5db8:d822::1",  # and through 6to4
    ],
)
def test_public_addresses_are_allowed(address):
    assert forbidden_reason(address) is None


@pytest.mark.parametrize(
    "host, address",
    [
        ("2130706433", "127.0.0.1"),  # decimal
        ("0177.0.0.1", "127.0.0.1"),  # octal
        ("017700000001", "127.0.0.1"),  # octal, one number
        ("0x7f.0.0.1", "127.0.0.1"),  # hex
        ("0x7f000001", "127.0.0.1"),  # hex, one number
        ("127.1", "127.0.0.1"),  # short form
        ("127.0.0.1.", "127.0.0.1"),  # trailing dot
        ("0.0.0.0", "0.0.0.0"),
        ("0", "0.0.0.0"),
        ("::1", "::1"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("news.example", None),
        ("1st.example", None),
        ("cafe", None),
    ],
)
def test_numeric_hosts_are_read_the_way_inet_aton_reads_them(host, address):
    ip = literal_ip(host)
    assert (str(ip) if ip else None) == address


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",
        "http://0177.0.0.1/",
        "http://0x7f.0.0.1/",
        "http://0x7f000001/",
        "http://127.1/",
        "http://127.0.0.1/",
        "http://127.0.0.1./",
        "http://0.0.0.0/",
        "http://0/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]/",
        "http://[::]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "https://10.0.0.5/",
    ],
)
def test_numeric_spellings_of_private_addresses_are_refused_before_any_connection(url):
    internet = FakeInternet({})
    result = fetcher_on(internet, no_dns).fetch(url)
    assert result.error_code == "forbidden_address", result.error
    assert result.error.startswith(f"Headwater will not fetch {url}")
    assert internet.sent == []
    with pytest.raises(ForbiddenAddress) as raised:
        result.raise_for_error()
    assert isinstance(raised.value, InvalidURL) and raised.value.code == "forbidden_address"


def test_an_invalid_numeric_host_is_an_invalid_url():
    result = fetcher_on(FakeInternet({}), no_dns).fetch("http://999.0.0.1/")
    assert result.error_code == "invalid_url" and "not a valid one" in result.error


def test_a_name_resolving_to_a_private_address_is_refused():
    internet = FakeInternet({})
    result = fetcher_on(internet, resolver_from({"intranet.example": ["10.0.0.5"]})).fetch("https://intranet.example/")
    assert result.error_code == "forbidden_address"
    assert "intranet.example points to 10.0.0.5, is a private network address" in result.error
    assert internet.sent == []


def test_a_name_resolving_to_public_and_private_addresses_is_refused():
    internet = FakeInternet({})
    resolver = resolver_from({"mixed.example": [PUBLIC_IP, "10.0.0.5"]})
    result = fetcher_on(internet, resolver).fetch("http://mixed.example/story")
    assert result.error_code == "forbidden_address" and "10.0.0.5" in result.error
    assert internet.sent == []


def test_localhost_by_name_is_refused():
    internet = FakeInternet({})
    result = fetcher_on(internet, resolver_from({"localhost": ["127.0.0.1", "::1"]})).fetch("http://localhost/")
    assert result.error_code == "forbidden_address" and internet.sent == []


def test_non_standard_ports_are_refused_by_default():
    for url in ("http://news.example:22/", "http://news.example:6379/", "https://news.example:8443/"):
        result = fetcher_on(FakeInternet({}), no_dns).fetch(url)
        assert result.error_code == "invalid_url" and "standard web ports (80 and 443)" in result.error


# -- pinning: one lookup, and the connection goes to the checked address ---------------


def test_the_connection_goes_to_the_checked_address_with_the_real_host_header():
    internet = FakeInternet({f"http://{PUBLIC_IP}/story?id=1": (200, {"Content-Type": "text/html"}, PAGE.encode())})
    result = fetcher_on(internet, resolver_from({"news.example": [PUBLIC_IP]})).fetch("http://news.example/story?id=1")
    assert result.ok, result.error
    assert result.final_url == "http://news.example/story?id=1"  # the reader's URL, not the IP
    (sent,) = internet.sent
    assert sent.headers["Host"] == "news.example"


def test_dns_rebinding_cannot_swap_the_address_after_the_check():
    answers = iter([[PUBLIC_IP], ["127.0.0.1"], ["127.0.0.1"]])
    lookups = []

    def rebinding_resolver(host):
        lookups.append(host)
        return next(answers)

    internet = FakeInternet({f"http://{PUBLIC_IP}/": (200, {"Content-Type": "text/html"}, PAGE.encode())})
    result = fetcher_on(internet, rebinding_resolver).fetch("http://rebind.example/")
    assert result.ok
    assert lookups == ["rebind.example"]  # resolved once
    assert [r.url for r in internet.sent] == [f"http://{PUBLIC_IP}/"]  # and connected there


# -- redirects are checked like the first URL ------------------------------------------


def test_a_public_looking_url_that_redirects_to_loopback_is_refused(web):
    secret = web.add("/admin/secret", "the fixture server must never be reached")
    internet = FakeInternet({f"http://{PUBLIC_IP}/story": (302, {"Location": secret}, b"")})
    fetcher = fetcher_on(internet, resolver_from({"news.example": [PUBLIC_IP]}), allowed_ports=(80, 443, web.port))

    result = fetcher.fetch("http://news.example/story")

    assert result.error_code == "forbidden_address"
    assert result.error.startswith(f"http://news.example/story redirected to {secret}, which Headwater will not fetch.")
    assert "loopback" in result.error
    assert web.requests == []  # the loopback server saw nothing
    assert len(internet.sent) == 1


@pytest.mark.parametrize(
    "location, table",
    [
        ("http://169.254.169.254/latest/meta-data/iam/", {}),
        ("http://internal.example/", {"internal.example": ["192.168.0.10"]}),
        ("http://[::ffff:127.0.0.1]/", {}),
        ("http://2130706433/", {}),
    ],
)
def test_every_redirect_hop_is_rechecked(location, table):
    internet = FakeInternet({f"http://{PUBLIC_IP}/story": (301, {"Location": location}, b"")})
    resolver = resolver_from({"news.example": [PUBLIC_IP], **table})
    result = fetcher_on(internet, resolver).fetch("http://news.example/story")
    assert result.error_code == "forbidden_address" and "redirected to" in result.error
    assert len(internet.sent) == 1


def test_a_redirect_with_credentials_is_refused():
    internet = FakeInternet({f"http://{PUBLIC_IP}/": (302, {"Location": "http://admin:admin@news.example/"}, b"")})
    result = fetcher_on(internet, resolver_from({"news.example": [PUBLIC_IP]})).fetch("http://news.example/")
    assert result.error_code == "invalid_url" and "user name or password" in result.error


# -- the fixture server on loopback: refused unless explicitly allowed ------------------


def test_the_local_fixture_server_is_refused_by_default(web):
    url = web.add("/page", PAGE)
    result = Fetcher(QUICK).fetch(url)  # its random port is refused too
    assert not result.ok
    result = Fetcher(replace(QUICK, allowed_ports=(web.port,))).fetch(url)
    assert result.error_code == "forbidden_address" and "loopback" in result.error
    assert web.requests == []


def test_the_local_fixture_server_is_reached_only_with_the_explicit_setting(web, allow_private):
    url = web.add("/page", PAGE)
    assert Fetcher(QUICK).fetch(url).ok  # HEADWATER_ALLOW_PRIVATE=1
    assert Fetcher(QUICK, allow_private=False).fetch(url).error_code == "invalid_url"  # the argument wins


def test_only_the_value_1_turns_the_switch_on(web, monkeypatch):
    url = web.add("/page", PAGE)
    monkeypatch.setenv("HEADWATER_ALLOW_PRIVATE", "yes")
    assert not Fetcher(replace(QUICK, allowed_ports=(web.port,))).fetch(url).ok
    assert web.requests == []


# -- https: SNI and certificate checked for the host name, connection to the pinned IP ---


def _make_certificates(directory, name: str):
    """A throwaway CA and a certificate for `name`, made with the openssl command."""

    def openssl(*args):
        subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True)

    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl(
        "req",
        "-x509",
        *ec,
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=Headwater test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    )
    openssl("req", *ec, "-keyout", "site.key", "-out", "site.csr", "-subj", f"/CN={name}")
    (directory / "site.ext").write_text(
        f"subjectAltName=DNS:{name}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
        "authorityKeyIdentifier=keyid,issuer\n"
    )
    openssl(
        "x509",
        "-req",
        "-in",
        "site.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "site.pem",
        "-days",
        "2",
        "-extfile",
        "site.ext",
    )
    return directory / "ca.pem", directory / "site.pem", directory / "site.key"


@pytest.fixture
def tls_web(tmp_path):
    """The fixture web server speaking https with a certificate for pinned.example; records the SNI names."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a test certificate")
    ca, cert, key = _make_certificates(tmp_path, "pinned.example")
    server = FixtureWeb()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.sni_names = []
    context.sni_callback = lambda sock, name, ctx: server.sni_names.append(name)
    server.server.socket = context.wrap_socket(server.server.socket, server_side=True)
    server.ca = str(ca)
    server.start()
    yield server
    server.stop()


def test_https_to_the_pinned_address_verifies_the_certificate_for_the_host_name(tls_web):
    tls_web.add("/story", PAGE)
    fetcher = Fetcher(QUICK, allow_private=True, resolver=resolver_from({"pinned.example": ["127.0.0.1"]}))
    fetcher.session.verify = tls_web.ca

    result = fetcher.fetch(f"https://pinned.example:{tls_web.port}/story")

    assert result.ok, result.error
    assert result.body == PAGE.encode()
    assert tls_web.sni_names == ["pinned.example"]
    assert tls_web.requests[0][2]["Host"] == f"pinned.example:{tls_web.port}"


def test_https_refuses_a_certificate_for_another_name(tls_web):
    tls_web.add("/story", PAGE)
    fetcher = Fetcher(QUICK, allow_private=True, resolver=resolver_from({"impostor.example": ["127.0.0.1"]}))
    fetcher.session.verify = tls_web.ca

    result = fetcher.fetch(f"https://impostor.example:{tls_web.port}/story")

    assert result.error_code == "connection_failed"
    assert "certificate could not be verified" in result.error
    assert tls_web.requests == []
