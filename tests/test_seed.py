"""The founding example, end to end: the seed page's trace in the CLI, the API and the store.

blog post -> The Wall Street Journal (Jay Solomon) -> Asharq al-Awsat -> Ali Khoram,
adviser to Javad Zarif (primary source); Mitt Romney is a separate chain.
"""

import json

from headwater import store
from headwater.cli import main as cli
from tests.helpers import FIXTURES, SEED_URL, WSJ_URL


def assert_seed_trace(trace: dict):
    attributions = trace["attributions"]
    names = {a["source"]["name"] for a in attributions}
    assert {"The Wall Street Journal", "Ali Khoram", "Mitt Romney"} <= names

    # The Journal: an outlet, cue "reported", with its link, and its reporter Jay Solomon.
    journal = [a for a in attributions if a["source"]["name"] == "The Wall Street Journal"]
    assert all(a["source"]["kind"] == "outlet" for a in journal)
    reported = next(a for a in journal if a["cue"]["text"] == "reported")
    assert reported["link"] == WSJ_URL
    assert reported["relayed_by"] is None
    assert any(a["source"]["reporter"] == "Jay Solomon" for a in journal)

    # Ali Khoram: a person, his role names Javad Zarif, via Asharq al-Awsat, relayed by the Journal.
    khoram = [a for a in attributions if a["source"]["name"] == "Ali Khoram"]
    assert all(a["source"]["kind"] == "person" for a in khoram)
    assert all("Javad Zarif" in a["source"]["role"] for a in khoram)
    told = next(a for a in khoram if a["cue"]["text"] == "told")
    assert told["via"] == {"name": "Asharq al-Awsat", "kind": "outlet"}
    assert attributions[told["relayed_by"]]["source"]["name"] == "The Wall Street Journal"

    # The anonymous "Iranian official" of the first sentence is Ali Khoram, relayed by the Journal.
    official = next(a for a in khoram if a["source"]["mention"]["text"] == "an Iranian official")
    assert attributions[official["relayed_by"]] is reported

    # Mitt Romney: a person with his role, quoted first-hand, through "he".
    romney = [a for a in attributions if a["source"]["name"] == "Mitt Romney"]
    assert romney and all(a["relayed_by"] is None for a in romney)
    assert romney[0]["source"]["role"] == "the Republican nominee for president in 2012"
    assert romney[0]["source"]["mention"]["text"] == "he"

    # Offsets point into the text.
    for a in attributions:
        for span in (a["cue"], a["source"]["mention"], a["content"]):
            if span:
                assert trace["text"][span["start"] : span["end"]] == span["text"]

    # Nothing from navigation, sidebar or comments: Reuters and the AP appear only there.
    assert not names & {"Reuters", "Associated Press", "The Associated Press"}

    chains = [[hop["name"] for hop in chain[1:]] for chain in trace["chains"]]
    assert ["The Wall Street Journal", "Asharq al-Awsat", "Ali Khoram"] in chains
    assert ["Mitt Romney"] in chains
    assert trace["chains"][0][0]["kind"] == "page"
    journal_hop = next(hop for chain in trace["chains"] for hop in chain if hop["name"] == "The Wall Street Journal")
    assert journal_hop["url"] == WSJ_URL
    primaries = {p["name"]: p for p in trace["primary_sources"]}
    assert "Ali Khoram" in primaries and primaries["Ali Khoram"]["kind"] == "person"
    assert "Mitt Romney" in primaries
    assert "The Wall Street Journal" not in primaries


def test_seed_through_the_cli(db_path, capsys):
    code = cli.main(["trace", "--html", str(FIXTURES / "seed.html"), "--url", SEED_URL, "--json", "--db", db_path])
    assert code == 0
    trace = json.loads(capsys.readouterr().out)
    assert_seed_trace(trace)
    # and the stored trace reads back the same
    assert store.load_trace(store.open_db(db_path), trace["id"]).to_dict()["chains"] == trace["chains"]


def test_seed_readable_output(db_path, capsys):
    assert cli.main(["trace", "--html", str(FIXTURES / "seed.html"), "--url", SEED_URL, "--db", db_path]) == 0
    out = capsys.readouterr().out
    assert "The Wall Street Journal (outlet)\n     -> Asharq al-Awsat (outlet)\n     -> Ali Khoram (person" in out
    assert "Mitt Romney (person, the Republican nominee for president in 2012)" in out


def test_seed_through_the_api(client, seed_html):
    response = client.post("/api/traces", json={"url": SEED_URL, "html": seed_html})
    assert response.status_code == 201, response.get_json()
    trace = response.get_json()
    assert_seed_trace(trace)
    again = client.get(f"/api/traces/{trace['id']}").get_json()
    assert_seed_trace(again)
    assert again["attributions"] == trace["attributions"]
    latest = client.get("/api/provenance", query_string={"url": SEED_URL}).get_json()
    assert latest["id"] == trace["id"]


def test_seed_in_the_store(client, seed_html, app):
    trace_id = client.post("/api/traces", json={"url": SEED_URL, "html": seed_html}).get_json()["id"]
    db = store.open_db(app.config["DATABASE"])
    hops = [
        r["name"]
        for r in db.query(
            "SELECT name FROM chain_hops WHERE trace_id = ? AND chain = ("
            " SELECT chain FROM chain_hops WHERE trace_id = ? AND name = 'Ali Khoram') ORDER BY position",
            [trace_id, trace_id],
        )
    ]
    assert hops[1:] == ["The Wall Street Journal", "Asharq al-Awsat", "Ali Khoram"]
    primary = {
        r["name"]
        for r in db.query(
            "SELECT s.name FROM primary_sources p JOIN sources s ON s.id = p.source_id WHERE trace_id = ?", [trace_id]
        )
    }
    assert {"Ali Khoram", "Mitt Romney"} <= primary
    relayed = db.execute(
        """SELECT COUNT(*) FROM attributions a JOIN attributions carrier
           ON carrier.trace_id = a.trace_id AND carrier.idx = a.relayed_by
           JOIN sources s ON s.id = a.source_id JOIN sources c ON c.id = carrier.source_id
           WHERE a.trace_id = ? AND s.name = 'Ali Khoram' AND c.name = 'The Wall Street Journal'""",
        [trace_id],
    ).fetchone()[0]
    assert relayed >= 2
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
