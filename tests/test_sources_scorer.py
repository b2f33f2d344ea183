"""The source-list scorer (headwater.evaluation.sources) on small hand-made pages, not the real ones."""

import json

from headwater.evaluation.sources import (
    GoldSource,
    Predicted,
    distinct_predicted,
    gold_page,
    load_gold,
    match,
    normalize,
    score_page,
    table,
    total,
)

URL = "https://www.example-news.com/2019/11/a-story"


def page(*sources, outlet="Example News"):
    return gold_page({"page": "abc", "url": URL, "outlet": outlet, "genre": "news", "sources": list(sources)})


def trace(*attributions, site="Example News"):
    return {"site": site, "attributions": list(attributions)}


def said(name, kind="person", link=None, form=None, own_site=None):
    attribution = {"source": {"name": name, "kind": kind, "role": None}}
    if link:
        attribution["link"] = link
    if form:
        attribution["form"] = form
    if own_site is not None:
        attribution["own_site"] = own_site
    return attribution


def gold(name, kind="person", form="verb", url=None, aliases=(), own_site=False):
    return {"name": name, "kind": kind, "form": form, "url": url, "aliases": list(aliases), "own_site": own_site}


def test_normalize():
    assert normalize("The Tampa Bay Times’s") == "tampa bay times"
    assert normalize("Agence France-Presse") == "agence france presse"
    assert normalize("Dennis Schröder") == "dennis schroder"
    assert normalize("@Ilhan") == "ilhan"
    assert normalize("Centre for Disease Control (CDC)") == "centre for disease control"
    assert normalize("Dr. Owen Dempsey") == "owen dempsey"


def test_alias_match():
    score = score_page(page(gold("Agence France-Presse", "outlet", aliases=["AFP"])), trace(said("AFP", "outlet")))
    assert score.cells["outlets"].gold_hit == 1 and score.cells["outlets"].pred_hit == 1


def test_last_name_match_needs_full_gold_name():
    full = page(gold("Owen Dempsey"))
    assert score_page(full, trace(said("Dempsey"))).cells["people+organisations"].gold_hit == 1
    assert score_page(full, trace(said("Owen J. Dempsey Jr."))).cells["people+organisations"].gold_hit == 1
    assert score_page(full, trace(said("Owen"))).cells["people+organisations"].gold_hit == 0
    # a gold with one name only matches by that name, not a longer one ending with it
    assert score_page(page(gold("Madonna")), trace(said("Lisa Madonna"))).cells["people+organisations"].gold_hit == 0


def test_outlet_domain_match():
    g = page(gold("Reuters", "outlet", "link", url="https://www.reuters.com/article/x"))
    hit = score_page(g, trace(said("the report", "document", link="https://uk.reuters.com/other-story")))
    assert hit.cells["outlets"].gold_hit == 1
    # a person's gold URL on a platform is no outlet's domain
    social = page(gold("@someone", "outlet", "embed", url="https://twitter.com/someone/status/1"))
    miss = score_page(social, trace(said("post", "social", link="https://twitter.com/other/status/2")))
    assert miss.cells["all sources"].gold_hit == 0


def test_exact_url_matches_any_kind():
    g = page(gold("Court ruling", "document", "link", url="https://court.example.org/ruling.pdf"))
    score = score_page(g, trace(said("the judge's order", "document", link="https://court.example.org/ruling.pdf")))
    assert score.cells["documents+social"].gold_hit == 1


def test_own_site_excluded_on_both_sides():
    g = page(gold("Example News", "outlet", "link", url=URL + "-earlier", own_site=True), gold("Jane Roe"))
    t = trace(
        said("Example News", "outlet"),  # the page's own outlet by name
        said("earlier story", "outlet", link="https://example-news.com/x"),  # an own-site link
        said("a feed", "outlet", own_site=True),  # flagged by Headwater
        said("Jane Roe"),
    )
    score = score_page(g, t)
    assert score.cells["all sources"].gold == 1 and score.cells["all sources"].pred == 1
    assert score.cells["all sources"].pred_hit == 1 and score.cells["outlets"].pred == 0
    assert score.cells["own-site"].gold == 1 and score.cells["own-site"].pred == 3
    assert score.cells["own-site"].gold_hit == 1


def test_a_syndicated_pages_site_name_is_the_wires():
    # timesunion.com names itself "Associated Press" on an AP story; the gold lists AP's credit
    g = page(gold("Associated Press", "outlet", "credit"))
    score = score_page(g, trace(said("Associated Press", "outlet", form="credit"), site="Associated Press"))
    assert score.cells["outlets"].gold_hit == 1 and score.cells["own-site"].pred == 0
    # with no such gold source, a source named as the site is the page's own
    score = score_page(page(gold("Jane Roe")), trace(said("Associated Press", "outlet"), site="Associated Press"))
    assert score.cells["own-site"].pred == 1 and score.cells["outlets"].pred == 0


def test_one_to_one_matching():
    # two predicted names for one gold person: one match, one extra
    score = score_page(page(gold("Mark Esper", aliases=["Esper"])), trace(said("Mark Esper"), said("Esper")))
    cell = score.cells["people+organisations"]
    assert (cell.gold, cell.gold_hit, cell.pred, cell.pred_hit) == (1, 1, 2, 1)
    # a prediction that could match two gold sources takes one, and the other gold is left to its own match
    golds = [GoldSource("Ann Smith", "person", "verb"), GoldSource("Bob Smith", "person", "verb")]
    preds = [Predicted("Smith", "person", "verb"), Predicted("Ann Smith", "person", "verb")]
    assert sorted(match(golds, preds).items()) == [(0, 1), (1, 0)]


def test_name_beats_a_link_to_another_sources_url():
    golds = [
        GoldSource("Memo", "document", "link", url="https://gov.example/memo"),
        GoldSource("Gordon Sondland", "person", "verb"),
    ]
    preds = [Predicted("Gordon Sondland", "person", "verb", links=["https://gov.example/memo"])]
    assert match(golds, preds) == {0: 1}


def test_distinct_predicted_groups_and_strongest_form():
    sources = distinct_predicted(
        trace(
            said("Reuters", "outlet", form="credit"),
            said("reuters", "outlet", form="link"),
            said("Reuters", "organization", form="embed"),
            said("AP", "outlet", link="https://apnews.com/a"),
        )
    )
    by_name = {normalize(s.name): s for s in sources}
    assert set(by_name) == {"reuters", "ap"}
    assert by_name["reuters"].form == "link" and by_name["reuters"].kind == "outlet"
    assert by_name["ap"].form == "verb" and by_name["ap"].links == ["https://apnews.com/a"]


def test_form_counting():
    g = page(
        gold("Reuters", "outlet", "credit"),
        gold("NPR", "outlet", "link", url="https://www.npr.org/s"),
        gold("Ann Lee"),
        gold("officials", "anonymous"),
    )
    t = trace(
        said("Reuters", "outlet", form="credit"),
        said("Ann Lee"),
        said("BBC", "outlet", form="link"),
        said("officials", "anonymous"),
    )
    cells = score_page(g, t).cells
    assert (cells["form credit"].gold, cells["form credit"].gold_hit) == (1, 1)
    assert (
        cells["form link"].gold,
        cells["form link"].gold_hit,
        cells["form link"].pred,
        cells["form link"].pred_hit,
    ) == (1, 0, 1, 0)
    assert (cells["form verb"].gold, cells["form verb"].pred) == (1, 1)  # anonymous left out of form rows
    assert cells["form embed"].gold == 0 and cells["form embed"].precision is None


def test_noise_precision_counts_every_distinct_source():
    g = page(gold("Ann Lee"), gold("U.S. officials", "anonymous"))
    t = trace(
        said("Ann Lee"),
        said("Ann Lee"),
        said("U.S. officials", "anonymous"),
        said("It", "anonymous"),
        said("Vietnam", "organization"),
    )
    cells = score_page(g, t).cells
    assert (cells["all sources"].gold, cells["all sources"].gold_hit) == (2, 2)
    assert (cells["all sources"].pred, cells["all sources"].pred_hit) == (4, 2)
    assert cells["all sources"].precision == 0.5
    # anonymous sources stay out of the kind rows
    assert cells["people+organisations"].gold == 1 and cells["people+organisations"].pred == 2


def test_pooled_table_and_load_gold(tmp_path):
    (tmp_path / "abc.json").write_text(
        json.dumps(
            {
                "page": "abc",
                "url": URL,
                "outlet": "Example News",
                "genre": "news",
                "sources": [gold("Ann Lee")],
                "notes": [],
            }
        )
    )
    pages = load_gold(tmp_path)
    assert list(pages) == ["abc"] and pages["abc"].sources[0].name == "Ann Lee"
    scores = [score_page(pages["abc"], trace(said("Ann Lee"))), score_page(pages["abc"], trace(said("Bo")))]
    cells = total(scores)
    assert (cells["all sources"].gold, cells["all sources"].gold_hit, cells["all sources"].pred) == (2, 1, 2)
    text = table(cells)
    assert "people+organisations" in text and "MISSED" in text


def test_same_page_ignores_query_and_fragment():
    g = page(gold("@Ilhan", "social", "embed", url="https://twitter.com/Ilhan/status/1196847767764815872"))
    t = trace(
        said("Ilhan Omar", "person", link="https://twitter.com/Ilhan/status/1196847767764815872?ref_src=twsrc%5Etfw")
    )
    assert score_page(g, t).cells["documents+social"].gold_hit == 1
    assert (
        score_page(g, trace(said("x", "social", link="https://twitter.com/Ilhan/status/2")))
        .cells["documents+social"]
        .gold_hit
        == 0
    )
