"""What a reader would not call a source: the filter over a page's attributions.

A source is someone or something that can say or publish: a person, an organisation, an
outlet, a document, an account. The rules and the tagger also take as subjects of "said",
"shows", "suggests" things and abstractions ("results", "its many features", "one
estimate"), headings and timestamps ("06.10 Update"), pronouns nobody stands behind ("It",
"I"). PolNeAR marks many of these as sources, so `headwater analyze` (`Attributor.attribute`)
keeps them; what a reader sees (`Attributor.attribute_page`: the trace, the API) goes through
`for_readers`, which

- drops an attribution whose cue says nothing was said or published: the cue must hold a
  verb of saying, publishing or thinking, a stance verb, a statement noun or "according
  to" ("Beauvillier added a goal", "Amazon offers", "the e-tron Sportback allows" are no
  citations), and it must carry content, unless it is publishing itself ("articles
  published on Walikali"); a passive cue ("was considered") cites nobody by its subject,
  nor does a hypothetical one ("would agree to", "to admit"), nor what a thing is made to
  do ("allows the e-tron Sportback to highlight"). A stance verb that reports an act or an
  attitude ("who oppose his presidency", "continues to offer") cites nobody unless the page
  quotes the source's words or says what was held ("that ..."); nor does a figure "posted"
  ("posted a 93.2 grade") or a request for a thing ("asking for noise cancellation").
  The page's own voice ("I think") stays, to be marked the page's own;
- drops a mention that is a pronoun or a quantifier alone ("It", "Those", "Many", "Some");
- drops the page speaking of itself ("This post will discuss"), and an acronym after "a"
  ("A CT of his chest showed": a thing, no organisation);
- drops a heading or a timestamp ("06.10 Update", "... Review", "HS Roundup");
- drops what a line of linked headlines seems to say (a "DON'T MISS" or "[Video]" list of
  other stories: navigation, whatever its verbs);
- drops a common noun phrase whose head cannot speak ("stock", "Blood tests", "conspiracy
  theories"): the head must be a word for people, an organisation, a document or an outlet
  (lexicon.py's lists, a few more, and agent nouns: "-er", "-or", "-ist", "-ian");
- names an unnamed source by its whole description ("the staff member who reported the
  call"), not its head alone ("staff member");
- names a bare job title as the unnamed source it is: "CEO" -> "a CEO", kind anonymous;
- names a country (or its capital) speaking as its government: "Sweden" -> "the Swedish
  government", "the U.S." -> "the U.S. government", kind organization. Not a US state or
  a city: in sports copy "New Jersey" is the team.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

from headwater.attribution.entities import AUTHOR
from headwater.attribution.lexicon import (
    AFTER_HEAD,
    ANONYMOUS_HEADS,
    DOCUMENT_HEADS,
    ORGANIZATION_HEADS,
    ROLE_HEADS,
    SPEECH_VERBS,
    STANCE_VERBS,
    STATEMENT_NOUNS,
    STORY_NOUNS,
    TITLES,
)
from headwater.attribution.links import in_linked_headline
from headwater.records import Attribution, Link

# Words that stand for nobody on their own.
_NOBODY = frozenset(
    """it its i me my we us our you your he him his she her they them their that this those these
    there here some all most many others other another so q about one ones none no nobody
    everyone everybody someone somebody anyone anybody both each either neither few several
    which what who whom whose something everything nothing anything such then now also""".split()
)
_HEADING = re.compile(
    r"\b\d{1,2}[.:]\d{2}\b|\b(?:update|updates|updated|review|roundup|recap|preview|highlights|takeaways|"
    r"live|breaking)\s*$",
    re.I,
)
# Nouns for who can speak, beyond lexicon.py's head lists.
_SPEAKERS = (
    frozenset(
        """people person man woman men women user users police authorities family families
    relative relatives neighbor neighbors neighbour neighbours patient patients victim victims
    fan fans player players coach coaches customer customers consumer consumers student students
    parent parents child children teen teens teenager teenagers citizen citizens public audience
    crowd jury panel court media press team club league government regime agency company firm
    site sites website websites outlet outlets newspaper newspapers paper magazine network
    blog blogs journal channel station study studies poll polls survey surveys research
    source sources account accounts page pages video author authors writer writers blogger
    physician physicians practitioner practitioners nurse nurses surgeon surgeons doctor doctors
    scholar scholars academic academics professor professors historian historians
    attorney attorneys prosecutor prosecutors senator senators legislator legislators
    progressives conservatives liberals democrats republicans candidate candidates
    administration ministry office department state states county city town village community
    committee group groups organization organizations organisation organisations association
    coalition alliance movement opposition rebels militants protesters protestors demonstrators
    officials official staff crew management board leadership spokesperson""".split()
    )
    | ANONYMOUS_HEADS
    | ORGANIZATION_HEADS
    | DOCUMENT_HEADS
    | ROLE_HEADS
    | STORY_NOUNS
    | TITLES
)
_AGENT = re.compile(r"(?:er|or|ist|ian|ant|ent|eer|ier)s?$")
_NOT_AGENTS = frozenset(
    """number numbers matter matters water power order orders center centre computer cancer
    factor factors sector sectors error errors mirror color colour colours colors paper water
    weather winter summer chapter letter letters border borders corner danger disorder fever
    character characters layer layers filter meter monitor monitors motor motors vector
    element elements content contents event events percent moment moments comment comments
    statement agreement argument government judgment treatment development environment
    amendment component components equipment department payment payments management
    incident incidents accident accidents segment segments talent extent intent
    plant plants grant grants giant variant variants other others""".split()
)

# Country (and capitals standing for it) -> the adjective that names its government.
_COUNTRIES = {
    "afghanistan": "Afghan",
    "albania": "Albanian",
    "algeria": "Algerian",
    "argentina": "Argentine",
    "armenia": "Armenian",
    "australia": "Australian",
    "austria": "Austrian",
    "azerbaijan": "Azerbaijani",
    "bahrain": "Bahraini",
    "bangladesh": "Bangladeshi",
    "belarus": "Belarusian",
    "belgium": "Belgian",
    "bolivia": "Bolivian",
    "bosnia": "Bosnian",
    "brazil": "Brazilian",
    "britain": "British",
    "great britain": "British",
    "united kingdom": "British",
    "the united kingdom": "British",
    "uk": "UK",  # an abbreviation keeps the writer's letters: "the UK" -> "the UK government"
    "u.k.": "U.K.",
    "bulgaria": "Bulgarian",
    "cambodia": "Cambodian",
    "canada": "Canadian",
    "chile": "Chilean",
    "china": "Chinese",
    "colombia": "Colombian",
    "croatia": "Croatian",
    "cuba": "Cuban",
    "cyprus": "Cypriot",
    "czech republic": "Czech",
    "czechia": "Czech",
    "denmark": "Danish",
    "ecuador": "Ecuadorian",
    "egypt": "Egyptian",
    "estonia": "Estonian",
    "ethiopia": "Ethiopian",
    "finland": "Finnish",
    "france": "French",
    "georgia": None,
    "germany": "German",
    "ghana": "Ghanaian",
    "greece": "Greek",
    "hungary": "Hungarian",
    "iceland": "Icelandic",
    "india": "Indian",
    "indonesia": "Indonesian",
    "iran": "Iranian",
    "iraq": "Iraqi",
    "ireland": "Irish",
    "israel": "Israeli",
    "italy": "Italian",
    "japan": "Japanese",
    "jordan": "Jordanian",
    "kazakhstan": "Kazakh",
    "kenya": "Kenyan",
    "kuwait": "Kuwaiti",
    "latvia": "Latvian",
    "lebanon": "Lebanese",
    "libya": "Libyan",
    "lithuania": "Lithuanian",
    "malaysia": "Malaysian",
    "mexico": "Mexican",
    "moldova": "Moldovan",
    "morocco": "Moroccan",
    "myanmar": "Myanmar",
    "nepal": "Nepalese",
    "netherlands": "Dutch",
    "the netherlands": "Dutch",
    "new zealand": "New Zealand",
    "nigeria": "Nigerian",
    "north korea": "North Korean",
    "norway": "Norwegian",
    "oman": "Omani",
    "pakistan": "Pakistani",
    "palestine": "Palestinian",
    "panama": "Panamanian",
    "peru": "Peruvian",
    "philippines": "Philippine",
    "the philippines": "Philippine",
    "poland": "Polish",
    "portugal": "Portuguese",
    "qatar": "Qatari",
    "romania": "Romanian",
    "russia": "Russian",
    "rwanda": "Rwandan",
    "saudi arabia": "Saudi",
    "serbia": "Serbian",
    "singapore": "Singaporean",
    "slovakia": "Slovak",
    "slovenia": "Slovenian",
    "somalia": "Somali",
    "south africa": "South African",
    "south korea": "South Korean",
    "spain": "Spanish",
    "sri lanka": "Sri Lankan",
    "sudan": "Sudanese",
    "sweden": "Swedish",
    "switzerland": "Swiss",
    "syria": "Syrian",
    "taiwan": "Taiwanese",
    "tanzania": "Tanzanian",
    "thailand": "Thai",
    "tunisia": "Tunisian",
    "turkey": "Turkish",
    "uganda": "Ugandan",
    "ukraine": "Ukrainian",
    "united arab emirates": "Emirati",
    "uae": "UAE",
    "venezuela": "Venezuelan",
    "vietnam": "Vietnamese",
    "yemen": "Yemeni",
    "zimbabwe": "Zimbabwean",
    "united states": "U.S.",
    "the united states": "U.S.",
    "u.s.": "U.S.",
    "us": "U.S.",
    "america": "U.S.",
    "the u.s.": "U.S.",
    "hong kong": "Hong Kong",
    "scotland": "Scottish",
    "wales": "Welsh",
}
_CAPITALS = {
    "beijing": "china",
    "moscow": "russia",
    "tehran": "iran",
    "kyiv": "ukraine",
    "kiev": "ukraine",
    "pyongyang": "north korea",
    "seoul": "south korea",
    "tokyo": "japan",
    "ankara": "turkey",
    "riyadh": "saudi arabia",
    "damascus": "syria",
    "baghdad": "iraq",
    "kabul": "afghanistan",
    "islamabad": "pakistan",
    "new delhi": "india",
    "hanoi": "vietnam",
    "taipei": "taiwan",
    "caracas": "venezuela",
    "havana": "cuba",
    "minsk": "belarus",
    "cairo": "egypt",
    "jerusalem": "israel",
    "berlin": "germany",
    "paris": "france",
    "london": "britain",
    "ottawa": "canada",
    "canberra": "australia",
    "stockholm": "sweden",
    "oslo": "norway",
    "copenhagen": "denmark",
    "helsinki": "finland",
    "warsaw": "poland",
    "budapest": "hungary",
    "brasilia": "brazil",
    "manila": "philippines",
}


def for_readers(found: list[Attribution], text: str, links: list[Link] = ()) -> list[Attribution]:
    """`found` as a reader is shown it: non-sources dropped (a dropped attribution's
    relayed ones are relayed by whoever relayed it), bare titles and countries named.
    A verbal attribution on a line of linked headlines (`links.in_linked_headline`: "DON'T
    MISS <a>CDC names eight deadly diseases</a> [WARNING]") is navigation, and goes too."""
    out: list[Attribution | None] = []
    for a in found:
        headline = a.form == "verb" and links and in_linked_headline(text, a.cue.start, links)
        out.append(None if headline else judge(a, text))
    kept = [i for i, a in enumerate(out) if a is not None]
    index = {old: new for new, old in enumerate(kept)}

    def carrier(i: int | None) -> int | None:
        seen = set()
        while i is not None and i not in index and i not in seen:
            seen.add(i)
            i = found[i].relayed_by
        return index.get(i) if i is not None else None

    return [replace(out[i], relayed_by=carrier(out[i].relayed_by)) for i in kept]


# Beyond lexicon.py's cue lists, the verbs of saying and publishing a reader counts as citing;
# less "refer" ("referred him to a specialist", "refers to investments"), which in news copy
# seldom introduces what anyone said. A plea ("pleaded guilty") is ruled out in says_something.
_SAYING = (
    SPEECH_VERBS
    | STANCE_VERBS
    | STATEMENT_NOUNS
    | frozenset("speak talk publish share blog brag feel remember dub label characterize inform assure".split())
) - {"refer"}
# Publishing is itself the citation: "articles published on Walikali" needs no content span.
_PUBLISHING = frozenset("publish post tweet report write blog".split())
_IRREGULAR = {
    "said": "say",
    "told": "tell",
    "wrote": "write",
    "written": "write",
    "thought": "think",
    "found": "find",
    "spoke": "speak",
    "spoken": "speak",
    "felt": "feel",
    "led": "lead",
}


def verb_lemmas(word: str) -> set[str]:
    """The lemmas an inflected English word may have ("admitted" -> {"admit", ...}). The
    attributions reach this filter without their parse, and the cue lists need only
    regular inflection and a few irregular verbs, so a suffix reading serves."""
    w = word.lower().strip(".,:;!?\"'“”‘’()")
    out = {w, _IRREGULAR.get(w, w)}
    for suffix, stem_end in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e")):
        if w.endswith(suffix):
            out.add(w[: -len(suffix)] + stem_end)
    for suffix in ("es", "s", "d"):
        if w.endswith(suffix):
            out.add(w[: -len(suffix)])
    doubled = re.match(r"(.*([bdglmnprt]))\2(?:ed|ing)$", w)  # "admitted", "committing"
    if doubled:
        out.add(doubled.group(1))
    return out


# "X was considered", "X is described": a passive cue's subject is who was spoken of.
_PASSIVE = re.compile(
    r"^(?:is|was|were|are|been|being|be)\s+(?:\w+\s+)?(?:\w+ed|told|written|thought|shown|seen|known)$", re.I
)


# Stance verbs that report an attitude or an act, not words, unless the page quotes some or
# gives what was held ("that ..."): "Never Trumpers who oppose his presidency", "Apple
# continues to offer free repairs", "declined to send arms". Not "show", "rule out", "back
# up": a video, a study, blood work "shows", officials "ruled out", witnesses "backed up"
# a claim; nor "worry", "fear", "consider", which report a belief as "believe" does.
_ACTS = frozenset("oppose support prefer continue decline refuse signal deem".split())
# The sports and business sense of "post": a figure, not a publication ("posted a 93.2 grade").
_POSTED_FIGURE = re.compile(
    r"^(?:\S+\s+){0,3}?[$€£]?\d[\d.,]*\s*(?:%|percent|per\s+cent|million|billion)?\s+"
    r"(?:\S+\s+){0,3}?(?:grades?|scores?|ratings?|averages?|records?|loss(?:es)?|profits?|gains?|wins?|"
    r"yards|points|revenues?|sales|earnings|increases?|declines?|drops?|rises?|times?|finish|victory)\b",
    re.I,
)


def says_something(a: Attribution, text: str = "") -> bool:
    """Whether a verbal attribution's cue says that something was said or published (with
    `text`, the page, also what stands between its mention and its cue)."""
    cue = " ".join((a.cue.text if a.cue else "").split())
    has_content = bool(a.content and a.content.text.strip())
    if re.search(r"\baccording\b", cue, re.I):
        return has_content
    if re.match(r"(?:to|would|could|might|may|should)\b", cue, re.I):
        return False  # "would agree to", "to accidentally admit": what someone might say, not what they said
    mention = a.source.mention
    if (
        text
        and a.source.kind != "person"
        and mention
        and a.cue
        and mention.end <= a.cue.start
        and re.fullmatch(r"\s+to\s+", text[mention.end : a.cue.start])
    ):
        # "allows the e-tron Sportback to highlight": what a thing is made to do. A person so
        # allowed speaks ("allowed Mosseri to claim that ...").
        return False
    agent = mention is not None and a.cue is not None and mention.start > a.cue.start
    if _PASSIVE.match(cue) and not agent:
        return False  # the subject of "was considered" is spoken of; "was revealed by the WSJ" names the speaker
    lemmas = set().union(*(verb_lemmas(w) for w in cue.split())) if cue else set()
    if "plead" in lemmas or not lemmas & _SAYING:
        return False  # "pleaded guilty to threatening" is a plea, whatever verb follows
    verbs = lemmas & _SAYING
    content = a.content.text if a.content else ""
    quoted = re.search(r"[\"“”]", content) is not None
    if verbs <= _ACTS and not quoted and not re.match(r"that\b", content) and a.source.kind != "document":
        return False  # an attitude or an act, and none of the source's words
    if verbs == {"post"} and _POSTED_FIGURE.match(content):
        return False  # "posted an elite 93.2 defensive grade": a figure, not a post
    if (
        verbs == {"ask"}
        and (cue.endswith(" for") or re.match(r"\s+for\s", text[a.cue.end : a.cue.end + 6]))
        and not re.search(r"\bto\b", content)
    ):
        # "users have been asking for noise cancellation": a request for a thing; "asked for
        # the investigation to be resumed" asks for an act, which is a statement
        return False
    if verbs == {"add"} and a.content and a.content.start > a.cue.end + len(' that "'):
        # "added" is next to what was said ('..., he added', 'added that'); "Marchand added three
        # assists to lead Boston" is a score, its "content" words away from the verb
        return False
    return has_content or bool(lemmas & _PUBLISHING)


def judge(a: Attribution, text: str) -> Attribution | None:
    """The attribution as a reader is shown it, or None when its source cannot say or publish."""
    if a.form in ("credit", "embed", "link"):
        return a
    if a.source.name != AUTHOR and not says_something(a, text):
        return None  # the page's own voice ("I think", "we haven't seen") stays, as its own
    name = " ".join(a.source.name.split())
    bare = re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.I)
    lower = bare.lower().strip(" .,'’\"")
    if not lower or lower in _NOBODY or all(w in _NOBODY for w in lower.split()):
        return None
    if _HEADING.search(bare) or re.search(r"[=<>{}|\\]", bare) or not re.search(r"[A-Za-z]{2}", bare):
        return None  # a heading, a timestamp, a ticker code ("XAU=")
    if re.fullmatch(r"this\s+(?:post|article|story|piece|report|column|review|guide|page)", lower):
        return None  # the page itself ("This post will discuss"): no outside source
    country = _government(lower)
    if country and a.source.kind in ("organization", "person", "anonymous"):
        return replace(a, source=replace(a.source, name=country, kind="organization"))
    mention = (a.source.mention.text if a.source.mention else name).strip().lower()
    if (lower in ROLE_HEADS or lower in TITLES) and not re.match(
        r"(?:the|this|that|our|his|her|its|their)\b|\w+'s\b", mention
    ):
        if a.source.kind in ("organization", "person", "anonymous"):
            article = "an" if lower[0] in "aeiou" else "a"
            a = replace(a, source=replace(a.source, name=f"{article} {bare}", kind="anonymous"))
            return _described(a, text)
    if (
        a.source.kind == "organization"
        and a.source.mention
        and re.match(r"(?i:an?)\s+[A-Z]{2,5}\b", a.source.mention.text)
    ):
        return None  # "A CT of his chest showed": an acronym with "a" is a thing (a scan, a test), no body
    common = _common(bare, a, text)
    if a.source.kind in ("anonymous", "document", "organization") and common:
        if not can_speak(bare):
            return None
    return _described(a, text) if a.source.kind == "anonymous" or (common and a.source.kind == "organization") else a


# What may follow an unnamed source's head and still describe it: "the staff member who
# reported the call", "a group representing rural counties", "officials familiar with".
_MODIFIER = re.compile(r"\s*(?:who|that|which|with|from|at|in|of|for|familiar|close|involved|[a-z]+ing)\b")
_NOT_MODIFIER = re.compile(
    r"\s*(?:on|last|this|earlier|later|also|have|has|had|was|were|is|are|in\s+a\s+statement)\b"
    # why a source is unnamed says nothing of who it is: "an official who asked not to be named"
    r"|\s*(?:who|that)\s+(?:asked|requested|spoke|declined|insisted|(?:was|were|is|are)\s+not\s+authori[sz]ed)\b"
)


def _described(a: Attribution, text: str) -> Attribution:
    """An unnamed source named by its whole description, which is all a reader has of it:
    "staff member" -> "The staff member who reported the call", "group" -> "a group
    representing rural counties in California"; the description runs from the mention to
    the cue after it, or to the end of the clause when the cue comes first ("according to")."""
    m = a.source.mention
    if m is None or a.cue is None or not a.cue.text:
        return a
    end = a.cue.start if m.start < a.cue.start else len(text)
    rest = text[m.end : end]
    stop = re.search(r"[.,;:!?()\n\"“”—–]|\s-\s", rest)
    rest = rest[: stop.start()] if stop else rest
    if (m.start < a.cue.start and stop) or not _MODIFIER.match(rest) or _NOT_MODIFIER.match(rest):
        rest = ""  # the cue is not right after the description, or what follows is no part of it
    described = re.sub(r"^the\s+", "", " ".join((m.text + rest).split()), flags=re.I)
    core = re.sub(r"^(?:a|an)\s+", "", described, flags=re.I)  # an article alone adds nothing
    name = re.sub(r"^(?:the|a|an)\s+", "", a.source.name, flags=re.I)
    longer = len(core.split()) > len(name.split()) and core.lower().endswith(name.lower())
    # the mention itself names nobody (its capitalised words: a sentence's first, a title);
    # its modifier may name places and bodies ("representing rural counties in California")
    head_words = m.text.split()[1:]
    named = any(w[:1].isupper() and w.lower().strip(".,") not in TITLES for w in head_words)
    if not (longer or rest) or len(described.split()) > 12 or named:
        return a
    indefinite = re.match(r"(?:a|an|one|some)\s", m.text, re.I)  # "a group representing ...": nobody named
    return replace(a, source=replace(a.source, name=described, kind="anonymous" if indefinite else a.source.kind))


def _government(lower: str) -> str | None:
    key = _CAPITALS.get(lower, lower)
    if key in _COUNTRIES:
        adjective = _COUNTRIES[key]
        return f"the {adjective} government" if adjective else None
    return None


def _common(bare: str, a: Attribution, text: str) -> bool:
    """Whether a mention is a common noun phrase: no capitalised word but a sentence's first."""
    words = bare.split()
    if any(w[:1].isupper() for w in words[1:] if w.lower() not in AFTER_HEAD):
        return False
    if not words[0][:1].isupper():
        return True
    # A capitalised first word is a name unless the sentence starts there and the parse
    # made it no name (the rules call an unknown capitalised subject a person).
    if a.source.kind == "organization" or a.source.mention is None:
        return False
    before = text[: a.source.mention.start].rstrip(" \"“‘'")
    return not before or before[-1] in '.!?\n:;"”'


def can_speak(bare: str) -> bool:
    """Whether a common noun phrase names who can speak: one of its words before a
    post-modifier ("people familiar with ...", "officials who ...") is a word for people,
    an organisation, a document or an outlet, or an agent noun."""
    words = [w.strip(",.;:'\"()’").lower() for w in bare.split()]
    head_words = list(itertools.takewhile(lambda w: w not in AFTER_HEAD, words)) or words
    head_words = [re.sub(r"'s$|’s$", "", w) for w in head_words if w]
    if any(_speaker_word(w) for w in head_words):
        return True
    head = head_words[-1] if head_words else ""  # an agent noun only as the head: "analyst", not "other games"
    return (
        head not in _NOT_AGENTS and _singular(head) not in _NOT_AGENTS and bool(_AGENT.search(head)) and len(head) > 4
    )


def _singular(word: str) -> str:
    return re.sub(r"ies$", "y", word) if word.endswith("ies") else word[:-1] if word.endswith("s") else word


def _speaker_word(word: str) -> bool:
    return word in _SPEAKERS or _singular(word) in _SPEAKERS
