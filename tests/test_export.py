"""Exports of a trace load in their standard tools: PROV-JSON through prov, GraphML through networkx, DOT."""

import io
import shutil
import subprocess

import networkx as nx
import pytest
from prov.model import ProvDocument

from headwater.cli import main as cli
from headwater.settings import FollowSettings
from tests.helpers.followweb import Web


@pytest.fixture(scope="module")
def fweb():
    web = Web().start()
    yield web
    web.stop()


@pytest.fixture
def followed(app, fweb):
    app.config["FOLLOW_SETTINGS"] = FollowSettings(
        politeness_delay=0, wayback_api=fweb.wayback_api, news_index_api=fweb.news_index_api
    )
    client = app.test_client()
    trace = client.post("/api/traces", json={"url": fweb.seed, "follow": True}).get_json()
    return client, trace


def records(document: ProvDocument, kind: str) -> list:
    return [r for r in document.get_records() if r.get_type().localpart == kind]


def test_prov_json_loads_with_the_prov_package(followed, fweb):
    client, trace = followed
    response = client.get(f"/api/traces/{trace['id']}/prov")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = ProvDocument.deserialize(content=response.get_data(as_text=True), format="json")

    agents = {
        str(r.label): {str(t) for t in r.get_asserted_types()}
        for r in document.get_records()
        if r.is_element() and r.get_type().localpart == "Agent"
    }
    assert agents["Ali Khoram"] == {"prov:Person"}
    assert agents["The Wall Street Journal"] == {"prov:Organization"}
    assert agents["Asharq al-Awsat"] == {"prov:Organization"}

    pages = {
        r.identifier: r
        for r in document.get_records()
        if r.is_element()
        and r.get_type().localpart == "Entity"
        and "schema:NewsArticle" in {str(t) for t in r.get_asserted_types()}
    }
    location = {ident: str(next(iter(r.get_attribute("prov:location")))) for ident, r in pages.items()}
    by_url = {url: ident for ident, url in location.items()}
    # blog wasQuotedFrom the Journal (block quotes, word for word)
    quoted = {
        (r.formal_attributes[0][1], r.formal_attributes[1][1])
        for r in records(document, "Derivation")
        if "prov:Quotation" in {str(t) for t in r.get_asserted_types()}
    }
    assert (by_url[fweb.seed], by_url[fweb.wsj]) in quoted
    # Ali Khoram's words are the blog's primary source, attributed to him
    primary = [
        r for r in records(document, "Derivation") if "prov:PrimarySource" in {str(t) for t in r.get_asserted_types()}
    ]
    used = {str(r.formal_attributes[1][1]) for r in primary}
    assert "hw:said/person/Ali_Khoram" in used
    attributed = {
        (str(r.formal_attributes[0][1]), str(r.formal_attributes[1][1])) for r in records(document, "Attribution")
    }
    assert ("hw:said/person/Ali_Khoram", "hw:person/Ali_Khoram") in attributed
    assert (str(by_url[fweb.wsj]), "hw:outlet/The_Wall_Street_Journal") in attributed


def test_graphml_loads_in_networkx(followed):
    client, trace = followed
    response = client.get(f"/api/traces/{trace['id']}/prov", query_string={"format": "graphml"})
    assert response.status_code == 200
    graph = nx.read_graphml(io.BytesIO(response.get_data()))
    path = nx.shortest_path(graph, "page", "person:Ali Khoram")
    assert path == ["page", "outlet:The Wall Street Journal", "outlet:Asharq al-Awsat", "person:Ali Khoram"]
    assert graph.nodes["person:Ali Khoram"]["primary"] is True
    assert graph.edges["page", "outlet:The Wall Street Journal"]["verdict"] == "quoted"


def test_dot_for_graphviz(followed):
    client, trace = followed
    body = client.get(f"/api/traces/{trace['id']}/prov", query_string={"format": "dot"}).get_data(as_text=True)
    assert body.startswith("digraph headwater {")
    assert '"outlet:The Wall Street Journal" -> "outlet:Asharq al-Awsat"' in body
    if shutil.which("dot"):  # Graphviz itself, when installed, must accept it
        subprocess.run(["dot", "-Tsvg"], input=body, text=True, check=True, capture_output=True)


def test_a_one_page_trace_exports_too(client, seed_html):
    trace = client.post("/api/traces", json={"url": "https://www.example-blog.com/x", "html": seed_html}).get_json()
    body = client.get(f"/api/traces/{trace['id']}/prov").get_data(as_text=True)
    document = ProvDocument.deserialize(content=body, format="json")
    assert any(str(r.label) == "Mitt Romney" for r in document.get_records() if r.is_element())
    graph = nx.read_graphml(io.BytesIO(client.get(f"/api/traces/{trace['id']}/prov?format=graphml").get_data()))
    assert graph.has_edge("page", "person:Mitt Romney")


def test_export_errors(client, followed):
    _, trace = followed
    assert client.get(f"/api/traces/{trace['id']}/prov?format=pdf").status_code == 400
    assert client.get("/api/traces/999/prov").status_code == 404


def test_cli_export(followed, app, capsys):
    _, trace = followed
    assert cli.main(["export", str(trace["id"]), "--format", "graphml", "--db", app.config["DATABASE"]]) == 0
    graph = nx.read_graphml(io.StringIO(capsys.readouterr().out))
    assert "person:Ali Khoram" in graph
    assert cli.main(["export", "999", "--db", app.config["DATABASE"]]) == 5
