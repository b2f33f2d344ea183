"""The review surface: every canned query runs on a real store and answers what its title says."""

from headwater import store
from headwater.cli import review
from tests.helpers import SEED_URL


def test_canned_queries_answer_on_a_traced_store(client, app, seed_html, web):
    client.post("/api/traces", json={"url": SEED_URL, "html": seed_html})
    client.post("/api/traces", json={"url": web.add("/gone", "missing")})  # fetched, but no article text
    db = store.open_db(app.config["DATABASE"])
    params = {"traces_of_a_site": {"domain": " WWW.Example-Blog.com"}}  # as a user may type it
    results = {name: list(db.query(q["sql"], params.get(name, {}))) for name, q in review.CANNED_QUERIES.items()}
    assert results["latest_traces"][0]["title"].startswith("Iranian Official Confirms")
    assert "Ali Khoram" in results["latest_traces"][0]["primary_sources"]
    kinds = {(r["kind"], r["name"]) for r in results["sources_by_kind"]}
    assert ("outlet", "The Wall Street Journal") in kinds and ("person", "Mitt Romney") in kinds
    assert {r["name"] for r in results["primary_sources"]} >= {"Ali Khoram", "Mitt Romney"}
    assert [r["error_code"] for r in results["failed_fetches"]] == ["no_text"]
    assert any(r["mention_text"] == "Iranian officials" for r in results["anonymous_sources"])
    assert [r["final_url"] for r in results["traces_of_a_site"]] == [SEED_URL]


def test_metadata_names_the_database_by_its_file():
    meta = review.metadata("/data/stores/provenance.db")
    assert set(meta["databases"]) == {"provenance"}
    assert set(meta["databases"]["provenance"]["queries"]) == set(review.CANNED_QUERIES)
