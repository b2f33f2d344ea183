"""The outlet gazetteer: the packaged list, name lookup, domain lookup and the spaCy patterns. Offline."""

from collections import Counter

import pytest

from headwater.attribution.gazetteer import CONTEXT_ID_PREFIX, TYPES, Gazetteer, Outlet, lookup_key, parse_tsv


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()


def name(outlet: Outlet | None) -> str | None:
    return outlet.name if outlet else None


# -- the list ---------------------------------------------------------------------------


def test_default_is_loaded_once(gaz):
    assert Gazetteer.default() is gaz


def test_at_least_300_outlets_of_every_type(gaz):
    assert len(gaz) >= 300
    counts = Counter(o.type for o in gaz)
    assert set(counts) == set(TYPES)
    # government bodies speak for themselves: organizations, not outlets
    assert all(o.kind == ("organization" if o.type == "government" else "outlet") for o in gaz)


def test_named_outlets_are_present(gaz):
    for wanted in [
        "Reuters",
        "Associated Press",
        "Agence France-Presse",
        "Bloomberg",
        "BBC",
        "CNN",
        "Fox News",
        "The New York Times",
        "The Washington Post",
        "The Guardian",
        "Al Jazeera",
        "Xinhua News Agency",
        "TASS",
        "RIA Novosti",
        "Kyodo News",
        "Yonhap News Agency",
        "Asian News International",
        "Press Trust of India",
        "Politico",
        "The Hill",
        "Axios",
        "NPR",
        "PBS",
        "MSNBC",
        "Breitbart News",
        "HuffPost",
        "BuzzFeed News",
        "Vox",
        "Daily Mail",
        "The Daily Telegraph",
        "The Times",
        "Financial Times",
        "The Economist",
        "Time",
        "Newsweek",
        "The Atlantic",
        "The New Yorker",
        "Der Spiegel",
        "Le Monde",
        "Haaretz",
        "The Times of Israel",
        "The Jerusalem Post",
        "Al-Monitor",
        "Arab News",
        "PR Newswire",
        "Business Wire",
        "GlobeNewswire",
        "Twitter",
        "Facebook",
        "YouTube",
        "White House",
        "U.S. Department of State",
        "Asharq al-Awsat",
        "The Wall Street Journal",
    ]:
        assert gaz.get(wanted) is not None, wanted


def test_no_alias_names_two_outlets_unless_context_dependent(gaz):
    owner: dict[str, str] = {}
    for outlet in gaz:
        for alias in (outlet.name, *outlet.aliases):
            key = lookup_key(alias)
            if key in owner and owner[key] != outlet.name:
                # only a name that is itself a context-dependent alias may be shared ("The Times")
                assert any(lookup_key(c) == key for o in gaz for c in o.context_aliases), (alias, owner[key])
            owner.setdefault(key, outlet.name)


def test_no_domain_belongs_to_two_outlets(gaz):
    counts = Counter(d for o in gaz for d in o.domains)
    assert [d for d, n in counts.items() if n > 1] == []


def test_a_bad_row_is_reported_with_its_line():
    with pytest.raises(ValueError, match="outlets.tsv:2"):
        parse_tsv("# header\nReuters\twire\tGB\treuters.com\n")
    with pytest.raises(ValueError, match="unknown type"):
        parse_tsv("Reuters\tblog\tGB\treuters.com\t-\n")


# -- lookup -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mention, expected",
    [
        ("The Wall Street Journal", "The Wall Street Journal"),
        ("Wall St. Journal", "The Wall Street Journal"),
        ("the Wall St. Journal", "The Wall Street Journal"),
        ("WSJ", "The Wall Street Journal"),
        ("Reuters", "Reuters"),
        ("REUTERS", "Reuters"),
        ("reuters", "Reuters"),
        ("the Associated Press", "Associated Press"),
        ("AP", "Associated Press"),
        ("AFP", "Agence France-Presse"),
        ("Agence France Presse", "Agence France-Presse"),
        ("BBC News", "BBC"),
        ("the BBC", "BBC"),
        ("the BBC's Today programme", "BBC"),
        ("Asharq Alawsat", "Asharq al-Awsat"),
        ("Al-Sharq al-Awsat", "Asharq al-Awsat"),
        ("NYT", "The New York Times"),
        ("The Times of London", "The Times"),
        ("Al-Jazeera", "Al Jazeera"),
        ("the State Department", "U.S. Department of State"),
        ("Iran's semi-official Fars news agency", "Fars News Agency"),
        ("the Tasnim news agency", "Tasnim News Agency"),
        ("The Economist", "The Economist"),
        ("The Hill", "The Hill"),
        ("Libération", "Libération"),
        ("Liberation", "Libération"),
    ],
)
def test_lookup_names_and_aliases(gaz, mention, expected):
    assert name(gaz.lookup(mention)) == expected


def test_lookup_normalises_spaces_quotes_and_possessives(gaz):
    assert name(gaz.lookup("Wall St.\u00a0Journal")) == "The Wall Street Journal"
    assert name(gaz.lookup("the Washington Post\u2019s")) == "The Washington Post"
    assert name(gaz.lookup("Al Jazeera's")) == "Al Jazeera"
    assert name(gaz.lookup("the Wall St. Journal\u2018s")) == "The Wall Street Journal"  # the seed's mark
    assert name(gaz.lookup("\u201cReuters\u201d")) == "Reuters"
    assert name(gaz.lookup("Agence France\u2013Presse")) == "Agence France-Presse"


def test_common_words_need_their_capitals(gaz):
    assert gaz.lookup("the economist") is None  # a person, not the magazine
    assert gaz.lookup("time") is None
    assert gaz.lookup("the white house") is None
    assert name(gaz.lookup("Time")) == "Time"


def test_surname_alone_is_not_an_outlet_whose_name_needs_its_article(gaz):
    assert gaz.lookup("Hill") is None  # Fiona Hill, not The Hill
    assert gaz.lookup("Fiona Hill") is None
    assert name(gaz.lookup("the Hill's")) == "The Hill"


def test_the_journal_needs_the_full_name_in_context(gaz):
    assert gaz.lookup("the Journal") is None
    assert gaz.lookup("the Journal", context="Mr. Khoram told the Journal on Monday.") is None
    text = "The Wall St.\u00a0Journal reported it first. Later the Journal said more."
    assert name(gaz.lookup("the Journal", context=text)) == "The Wall Street Journal"
    assert (
        name(gaz.lookup("the Journal's", context="WSJ said so, and the Journal's editor agreed."))
        == "The Wall Street Journal"
    )
    assert gaz.lookup("the journal", context=text) is None  # a scientific journal, in lower case


def test_the_times_resolves_to_the_times_named_in_the_text(gaz):
    assert gaz.lookup("the Times") is None
    assert gaz.lookup("The Times") is None  # London or New York: the text must say
    nyt = "The New York Times reported on Sunday. The Times said the talks had stalled."
    london = "The Times of London reported on Sunday. The Times said the talks had stalled."
    assert name(gaz.lookup("the Times", context=nyt)) == "The New York Times"
    assert name(gaz.lookup("The Times", context=london)) == "The Times"
    assert name(gaz.lookup("the Post", context="A Washington Post report; the Post said.")) == "The Washington Post"


def test_several_candidates_in_context_prefer_the_one_named_last_before_the_mention(gaz):
    text = "The Washington Post reported it. The Jerusalem Post followed. Then the Post said."
    assert name(gaz.lookup("the Post", context=text, at=text.index("the Post"))) == "The Jerusalem Post"
    assert name(gaz.lookup("the Post", context=text, at=text.index("The Jerusalem"))) == "The Washington Post"


def test_misspellings_match_tolerantly(gaz):
    # the seed's spelling; it is not an alias in the data
    assert not any(lookup_key(a) == lookup_key("Asharq al-Aswat") for o in gaz for a in (o.name, *o.aliases))
    assert name(gaz.lookup("Asharq al-Aswat")) == "Asharq al-Awsat"
    assert name(gaz.lookup("the Arabic daily Asharq al-Aswat")) == "Asharq al-Awsat"
    assert name(gaz.lookup("Washingtn Post")) == "The Washington Post"
    assert name(gaz.lookup("Jerusalem Psot")) == "The Jerusalem Post"


@pytest.mark.parametrize(
    "mention",
    [
        "Jay Solomon",
        "Ali Khoram",
        "Mr. Khoram",
        "Javad Zarif",
        "Mitt Romney",
        "Fiona Hill",
        "Washington",
        "New York",
        "A New York man",  # one letter from the alias "New York mag", but "man" is a word
        "Wall Street",
        "a senior official",
        "the report",
        "sources familiar with the matter",
        "the Iranian government",
        "",
        "   ",
    ],
)
def test_people_places_and_phrases_are_not_outlets(gaz, mention):
    assert gaz.lookup(mention) is None


@pytest.mark.parametrize("mention", ["CNM", "BCC", "Reutrs", "Foxx", "NRP", "Haarets", "Tme"])
def test_short_strings_are_never_matched_tolerantly(gaz, mention):
    assert gaz.lookup(mention) is None


# -- domains ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://www.wsj.com/articles/iran-nuclear-talks", "The Wall Street Journal"),
        ("blogs.wsj.com", "The Wall Street Journal"),
        ("WWW.NYTIMES.COM:443/2014/11/24/world", "The New York Times"),
        ("https://www.bbc.co.uk/news/world", "BBC"),
        ("news.bbc.co.uk", "BBC"),
        ("http://english.aawsat.com/2014/11/article55339040", "Asharq al-Awsat"),
        ("https://www.theguardian.com/world", "The Guardian"),
        ("www.telegraph.co.uk", "The Daily Telegraph"),
        ("https://news.sky.com/story", "Sky News"),
        ("https://x.com/Reuters/status/1", "Twitter"),
        ("https://www.whitehouse.gov/briefing-room/", "White House"),
    ],
)
def test_by_domain(gaz, url, expected):
    assert name(gaz.by_domain(url)) == expected


@pytest.mark.parametrize("url", ["https://example.com/news", "sky.com", "co.uk", "localhost", "http://127.0.0.1/", ""])
def test_by_domain_unknown_is_none(gaz, url):
    assert gaz.by_domain(url) is None


# -- spaCy patterns ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nlp(gaz):
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(gaz.ruler_patterns())
    return nlp


def test_ruler_tags_outlets_in_a_sentence(nlp):
    doc = nlp("As the Wall St.\u00a0Journal's Jay Solomon and Reuters reported, Asharq Al-Awsat said so.")
    ents = [(e.text, e.ent_id_) for e in doc.ents if e.label_ == "ORG"]
    assert ents == [
        ("Wall St.\u00a0Journal", "The Wall Street Journal"),
        ("Reuters", "Reuters"),
        ("Asharq Al-Awsat", "Asharq al-Awsat"),
    ]
    doc = nlp("As the Wall St. Journal and Reuters reported on Monday.")
    ents = {(e.text, e.ent_id_) for e in doc.ents}
    assert ("Wall St. Journal", "The Wall Street Journal") in ents
    assert ("Reuters", "Reuters") in ents


def test_ruler_matches_case_variants_but_not_common_words(nlp):
    assert [e.ent_id_ for e in nlp("REUTERS and the wall street journal").ents] == [
        "Reuters",
        "The Wall Street Journal",
    ]
    assert [e.ent_id_ for e in nlp("The economist said time will tell.").ents] == []
    assert [e.ent_id_ for e in nlp("The Economist said so.").ents] == ["The Economist"]


def test_ruler_marks_context_dependent_aliases(nlp):
    doc = nlp("Later the Journal said more.")
    assert [(e.text, e.ent_id_) for e in doc.ents] == [("the Journal", CONTEXT_ID_PREFIX + "the Journal")]


# The pipeline's OutletRuler (a PhraseMatcher) must tag exactly what the EntityRuler tags
# with the token patterns; only the id of two context-dependent aliases differing in case
# ("The Times" / "the Times") on the same words may differ, and callers resolve those by text.
RULER_SENTENCES = [
    "As the Wall St.\u00a0Journal's Jay Solomon and Reuters reported, Asharq Al-Awsat said so.",
    "REUTERS and the wall street journal",
    "The economist said time will tell. The Economist said so.",
    "Later the Journal said more, and the New  York Times (a double space) and The\u00a0Hill agreed.",
    "Hill said the hill was steep; The Hill said otherwise; the BBC's Today programme and CNN too.",
    "Associated Press, the Associated Press and AP reported; the Times and THE TIMES did not.",
    "",
]


@pytest.fixture(scope="module")
def outlet_ruler_nlp():
    spacy = pytest.importorskip("spacy")
    from headwater.attribution import nlp as _  # noqa: F401  registers the factory

    nlp = spacy.blank("en")
    nlp.add_pipe("headwater_outlet_ruler")
    return nlp


def _ents(doc):
    return [(e.start, e.end, e.label_, e.ent_id_.lower()) for e in doc.ents]


def test_outlet_ruler_tags_what_the_token_patterns_tag(nlp, outlet_ruler_nlp):
    for sentence in RULER_SENTENCES:
        assert _ents(outlet_ruler_nlp(sentence)) == _ents(nlp(sentence)), sentence


def test_outlet_ruler_on_news_paragraphs(nlp, outlet_ruler_nlp, shared_polnear_paragraphs):
    for paragraph in shared_polnear_paragraphs:
        assert _ents(outlet_ruler_nlp(paragraph)) == _ents(nlp(paragraph)), paragraph


@pytest.fixture(scope="module")
def shared_polnear_paragraphs():
    """Paragraphs of the first PolNeAR training articles, when ../shared is there."""
    import os
    from pathlib import Path

    root = Path(os.environ.get("HEADWATER_SHARED", Path(__file__).resolve().parents[2] / "shared")) / "polnear"
    files = sorted((root / "train" / "text").glob("*"))[:40]
    if not files:
        pytest.skip("no PolNeAR texts in ../shared")
    return [p for f in files for p in f.read_text(encoding="utf-8").split("\n") if p.strip()]
