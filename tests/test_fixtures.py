"""Our own fixture pages, each written to exercise one family of constructions.

Every `NAME.html` has a `NAME.expected.json` that says what a careful reader
expects: each attribution's source, kind, cue, medium, carrier and link, the
primary sources, and names that must not become sources (boilerplate, comments).
"""

import json
import re

import pytest

from headwater import store
from headwater.tracing.tracer import Tracer
from tests.helpers import FIXTURES

CASES = sorted(p.name.removesuffix(".expected.json") for p in FIXTURES.glob("*.expected.json"))


def norm(name: str | None) -> str | None:
    if name is None:
        return None
    return re.sub(r"^(the|a|an)\s+", "", " ".join(name.split()).lower())


def matches(expected: dict, got: dict, trace: dict) -> bool:
    source = got["source"]
    names = {norm(source["name"]), norm((source["mention"] or {}).get("text"))}
    if norm(expected["source"]) not in names:
        return False
    if expected["cue"].lower() != got["cue"]["text"].lower():
        return False
    return True


@pytest.fixture(scope="module")
def traces(attributor, tmp_path_factory):
    db = store.open_db(tmp_path_factory.mktemp("fixtures") / "provenance.db")
    tracer = Tracer(db, attributor=attributor)
    result = {}
    for case in CASES:
        expected = json.loads((FIXTURES / f"{case}.expected.json").read_text(encoding="utf-8"))
        html = (FIXTURES / f"{case}.html").read_bytes()
        url = expected.get("url") or f"https://fixtures.example/{case}"
        result[case] = (expected, tracer.trace(url, html=html).to_dict())
    return result


@pytest.mark.parametrize("case", CASES)
def test_every_expected_attribution_is_found(traces, case):
    expected, trace = traces[case]
    got = trace["attributions"]
    for want in expected["attributions"]:
        found = [g for g in got if matches(want, g, trace)]
        assert found, f"{case}: no attribution to {want['source']!r} with cue {want['cue']!r}"
        g = found[0]
        assert g["source"]["kind"] == want["kind"], f"{case}: {want['source']} kind"
        if want.get("via") is not None or g["via"] is not None:
            assert norm((g["via"] or {}).get("name")) == norm(want.get("via")), f"{case}: {want['source']} via"
        carrier = got[g["relayed_by"]]["source"]["name"] if g["relayed_by"] is not None else None
        assert norm(carrier) == norm(want.get("relayed_by_source")), f"{case}: {want['source']} relayed by"
        assert g["link"] == want.get("link"), f"{case}: {want['source']} link"
        if want.get("role"):
            role = norm(g["source"]["role"] or "")
            assert norm(want["role"]) in role or role and role in norm(want["role"]), f"{case}: {want['source']} role"


@pytest.mark.parametrize("case", CASES)
def test_primary_sources(traces, case):
    expected, trace = traces[case]
    primaries = {norm(p["name"]) for p in trace["primary_sources"]}
    for name in expected.get("primary_sources", []):
        assert norm(name) in primaries, f"{case}: {name} should be a primary source"


@pytest.mark.parametrize("case", CASES)
def test_boilerplate_never_becomes_a_source(traces, case):
    expected, trace = traces[case]
    names = {norm(a["source"]["name"]) for a in trace["attributions"]}
    names |= {norm((a["via"] or {}).get("name")) for a in trace["attributions"]}
    for name in expected.get("not_sources", []):
        assert norm(name) not in names, f"{case}: {name} must not be a source"
