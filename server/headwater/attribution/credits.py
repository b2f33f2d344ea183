"""Credits and embeds: the sources a page names by how news is laid out, with no verb.

Form "credit" (records.FORMS): a wire dateline ("WASHINGTON (AP) —", "(Reuters) -"), a
credit line closing the story ("— Bloomberg", "The Associated Press contributed to this
report"), "originally published by X", "via X" (an outlet or an account), "h/t X", and a
byline that names a wire ("AP Sports Writer", "Detroit News wire services").
Form "embed": an embedded social post signed as the platforms sign them
("— Name (@handle) November 19, 2019"): the source is the account, the platform its via.

What is never a source: a photo or video credit ("(AP Photo/Jane Doe)", "Photo: Reuters",
"Getty Images"). Whether a credit names the page's own outlet (its own staff contributed,
its own dateline) only the page's URL says: `Attributor.attribute_page` marks those
own_site. Every rule reads the shape of the line, never one page's words.
"""

from __future__ import annotations

import re
from dataclasses import replace

from headwater.records import Attribution, Link, Source, Span, Via

_DASH = r"(?:—|–|--|-)"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# Photo, video and graphics credits: who took a picture is no source of the story.
_PICTURE = re.compile(
    r"\b(?:photo|photos|photograph|image|images|video|graphic|illustration|file|pool|getty|"
    r"shutterstock|afp/getty|via getty)\b",
    re.I,
)
# "WASHINGTON (AP) —", "NAIROBI, Kenya (AP) —", "(Reuters) -", "LONDON, Nov 19 (Reuters) -"
_DATELINE = re.compile(
    rf"(?:[A-Z][A-Z.'’ -]{{1,40}}(?:,\s*[A-Z][\w.’' -]{{1,30}})?(?:,\s*{_MONTH}\s*\d{{1,2}})?\s*)?"
    rf"\((?P<name>[A-Z][\w&.'’ -]{{0,40}}?)\)\s*{_DASH}\s"
)
# A closing line "— Bloomberg", "-- Reuters": nothing else in its paragraph.
_CLOSING = re.compile(rf"\s*{_DASH}\s*(?P<name>[A-Z][\w&.'’ -]{{1,50}}?)\s*\Z")
# "— Rep. Ilhan Omar (@Ilhan) November 19, 2019": the platforms' embed signature.
_EMBED = re.compile(
    rf"\s*(?:{_DASH}|—)\s*(?P<name>[^\n()]{{0,80}}?)\s*\((?P<handle>@\w{{1,30}})\)\s*"
    rf"(?P<date>{_MONTH}\s+\d{{1,2}},\s+\d{{4}})?\s*\Z"
)
_CONTRIBUTED = re.compile(
    r"(?P<who>[A-Z][^.;\n]{1,200}?)\s+contributed(?:\s+reporting)?\s+to\s+this\s+(?:report|story|article)", re.I
)
_ORIGINALLY = re.compile(
    r"\b(?:originally|first)\s+(?:appeared|published|ran|posted)\s+(?:by|in|on|at)\s+(?P<name>(?:the\s+)?[A-Z@][\w&.'’@-]*"
    r"(?:\s+(?:of\s+|&\s+)?[A-Z][\w&.'’-]*){0,5})"
)
# "articles published on Walikali and Gossipgist", "a story that appeared in the Nairobi Star":
# the sites that published what the text relies on.
_PUBLISHED_ON = re.compile(
    r"\b(?i:articles?|stories|story|reports?|posts?|pieces?|columns?|op-eds?)\s+(?P<cue>(?:first\s+)?(?:published|posted|"
    r"that\s+appeared|appearing|which\s+appeared|run)\s+(?:on|in|by))\s+(?:the\s+)?"
    r"(?P<names>[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,4}(?:(?:,\s+|\s+and\s+)(?:the\s+)?[A-Z][\w&.'’-]*"
    r"(?:\s+[A-Z][\w&.'’-]*){0,4}){0,3})"
)
# The name after "via" or "h/t": an optional "the", then up to six capitalised words ("of" allowed).
_CREDITED_NAME = r"(?P<name>(?:the\s+)?[A-Z@][\w&.'’@-]*(?:\s+(?:of\s+)?[A-Z][\w&.'’-]*){0,5})"
_VIA = re.compile(r"\bvia\s+" + _CREDITED_NAME)
_HAT_TIP = re.compile(r"\b(?:h/t|H/T|HT:|hat\s+tip(?:\s+to)?)\s*:?\s*" + _CREDITED_NAME)
# Words a byline uses for a person's job: "Ap Sports Writer", "National Security Writer".
_JOB = re.compile(
    r"(?:\s+[A-Z][\w-]*)*\s+(?:writer|writers|reporter|reporters|correspondent|correspondents|"
    r"editor|editors|staff|contributor)\s*$",
    re.I,
)
_WIRE_WORDS = re.compile(r"\b(?:(?:news\s+)?wire\s+(?:services?|reports)|news\s+services?|news\s*wire)\b", re.I)
PLATFORM_HOSTS = {
    "twitter.com": "Twitter",
    "x.com": "Twitter",
    "instagram.com": "Instagram",
    "facebook.com": "Facebook",
    "tiktok.com": "TikTok",
    "threads.net": "Threads",
    "bsky.app": "Bluesky",
    "youtube.com": "YouTube",
}


def _paragraphs(text: str):
    for m in re.finditer(r"[^\n]+", text):
        if m.group().strip():
            yield m.start(), m.end()


def _attr(
    text: str,
    name: str,
    kind: str,
    mention: tuple[int, int],
    cue: tuple[int, int],
    form: str,
    content: tuple[int, int] | None = None,
    via: Via | None = None,
    confidence: float = 0.8,
) -> Attribution:
    return Attribution(
        source=Source(name, kind, None, Span.of(text, *mention)),
        cue=Span.of(text, *cue),
        content=Span.of(text, *content) if content else None,
        via=via,
        confidence=confidence,
        form=form,
    )


def _outlet(gazetteer, name: str, text: str):
    name = name.strip(" ,.;:")
    if not name or _PICTURE.search(name):
        return None
    return gazetteer.lookup(name, context=text)


def _shortened(gazetteer, name: str, text: str):
    """The outlet a capitalised run opens with: "The Associated Press writers Alan Fram" -> AP."""
    words = name.split()
    for k in range(min(len(words), 6), 0, -1):
        outlet = _outlet(gazetteer, " ".join(words[:k]), text)
        if outlet:
            return outlet, len(" ".join(words[:k]))
    return None, 0


def credits(text: str, links: list[Link], gazetteer) -> list[Attribution]:
    """The credits and embeds of a text (offsets into `text`), in text order."""
    found: list[Attribution] = []
    paragraphs = list(_paragraphs(text))
    for i, (start, end) in enumerate(paragraphs):
        para = text[start:end]
        # A dateline opens one of the first paragraphs.
        if i < 4:
            m = _DATELINE.match(para)
            if m and not _PICTURE.search(m.group("name")):
                outlet = _outlet(gazetteer, m.group("name"), text)
                if outlet:
                    s, e = start + m.start("name"), start + m.end("name")
                    cue = (start + m.start(), start + m.end())  # the whole dateline: "HANOI, Vietnam (AP) —"
                    found.append(_attr(text, outlet.name, outlet.kind, (s, e), cue, "credit"))
        m = _EMBED.match(para)
        if m:
            found.append(_embed(text, links, paragraphs, i, start, m, gazetteer))
            continue
        # A closing credit line stands alone in one of the last paragraphs.
        if i >= len(paragraphs) - 3 and i > 0:
            m = _CLOSING.match(para)
            if m:
                outlet = _outlet(gazetteer, m.group("name"), text)
                if outlet:
                    s, e = start + m.start("name"), start + m.end("name")
                    found.append(_attr(text, outlet.name, outlet.kind, (s, e), (start, e), "credit"))
        for m in _CONTRIBUTED.finditer(para):
            who = m.group("who")
            lead = re.match(r"(?:.*?[:—-]\s+)?", who).end()  # "___ The Associated Press ..."
            outlet, n = _shortened(gazetteer, who[lead:], text)
            if outlet:
                s = start + m.start("who") + lead
                found.append(
                    _attr(text, outlet.name, outlet.kind, (s, s + n), (start + m.start(), start + m.end()), "credit")
                )
        for m in _PUBLISHED_ON.finditer(para):
            cue = (start + m.start("cue"), start + m.end("cue"))
            for n in re.finditer(r"[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*)*", m.group("names")):
                if _DATE_WORD.match(n.group()):
                    continue
                s = start + m.start("names") + n.start()
                outlet = _outlet(gazetteer, n.group(), text)
                found.append(
                    _attr(
                        text,
                        outlet.name if outlet else n.group(),
                        "outlet",
                        (s, s + len(n.group())),
                        cue,
                        "verb",
                        confidence=0.6,
                    )
                )
        for pattern in (_ORIGINALLY, _VIA, _HAT_TIP):
            for m in pattern.finditer(para):
                item = _named_credit(text, gazetteer, start, m, strict=pattern is _VIA)
                if item:
                    found.append(item)
    found.sort(key=lambda a: a.cue.start)
    unique: list[Attribution] = []
    for a in found:  # one credit per name where two shapes read the same words
        m = a.source.mention
        if not any(m.start < b.source.mention.end and b.source.mention.start < m.end for b in unique):
            unique.append(a)
    return unique


def byline_credits(byline: str | None, gazetteer) -> list[Attribution]:
    """The wire a byline names, a credit of the whole story: "Detroit News wire services" (as
    written), "AP Sports Writer" and "By The Associated Press" (the outlet). A byline is no part
    of the text: the cue is empty, at offset 0, and the source has no mention. A byline naming
    the page's own outlet ("Detroit News Staff") is the page's own: `on_page` marks it."""
    if not byline:
        return []
    byline = re.sub(r"^\s*(?:compiled\s+)?(?:by|from)\s+", "", " ".join(byline.split()), flags=re.I)
    found = []
    wire = _WIRE_WORDS.search(byline)
    if wire:  # "Detroit News wire services": the desk that compiled the wire copy, named as written
        name = re.split(r",|\band\b|\|", byline[: wire.end()])[-1].strip()
        found.append(name)
    else:
        for part in re.split(r",|\band\b|\||/", byline):
            part = part.strip()
            job = _JOB.search(part)
            outlet, _ = _shortened(gazetteer, part, part)
            # "AP Sports Writer" names a wire by the job; a bare name only when it is a wire's
            if outlet and (job or outlet.type == "wire"):
                found.append(outlet.name)
    names = list(dict.fromkeys(found))
    return [_attr("", name, "outlet", (0, 0), (0, 0), "credit", confidence=0.7) for name in names]


def _named_credit(text: str, gazetteer, offset: int, m: re.Match, strict: bool) -> Attribution | None:
    """ "originally published by X", "via X", "h/t X": an outlet by the gazetteer, an account
    ("@handle"), or (not for "via", which also names shops and routes) a capitalised name as written."""
    name = m.group("name").rstrip(" .,;:'’")
    s = offset + m.start("name")
    e = s + len(name)
    cue = (offset + m.start(), e)
    if _PICTURE.search(name) or _PICTURE.search(text[max(0, offset + m.start() - 30) : offset + m.start()]):
        return None
    if name.startswith("@"):
        handle = re.match(r"@\w+", name).group()
        return _attr(text, handle, "social", (s, s + len(handle)), (cue[0], s + len(handle)), "credit")
    outlet, n = _shortened(gazetteer, name, text)
    if outlet:
        return _attr(text, outlet.name, outlet.kind, (s, s + n), (cue[0], s + n), "credit")
    if strict:
        # "via X" after a quote or in parentheses: X relayed the words ("... ,' via Reuters")
        before = text[max(0, offset + m.start() - 3) : offset + m.start()]
        if not re.search(r"[\"”(]\s*$|[\"”],?\s*$", before):
            return None
    if not re.search(r"[A-Z]", name[1:]) and " " not in name and strict:
        return None
    name = re.sub(r"^the\s+", "", name)
    s = e - len(name)
    return _attr(
        text,
        name,
        "outlet" if m.re is _ORIGINALLY else "person" if " " in name else "organization",
        (s, e),
        (cue[0], e),
        "credit",
        confidence=0.6,
    )


def _embed(text: str, links: list[Link], paragraphs, i: int, start: int, m: re.Match, gazetteer) -> Attribution:
    """An embedded post: the account is the source, named "Name (@handle)" as it signs."""
    handle = m.group("handle")
    who = m.group("name").strip()
    name = f"{who} ({handle})" if who else handle
    s = start + (m.start("name") if who else m.start("handle"))
    e = start + m.end("handle") + 1
    # The post is the paragraph(s) just before the signature, back to the last that holds no sentence end.
    content = paragraphs[i - 1] if i > 0 else None
    platform = None
    near = [ln.href for ln in links if content and content[0] - 1 <= ln.start <= e]
    near_text = text[content[0] : content[1]] if content else ""
    for host, label in PLATFORM_HOSTS.items():
        if any(host in (h or "") for h in near) or host.split(".")[0] in near_text.lower().replace(
            "pic.twitter", "twitter"
        ):
            platform = label
            break
    if platform is None and m.group("date"):
        platform = "Twitter"  # "— Name (@handle) Month D, YYYY" is how an embedded tweet signs
    via = None
    if platform:
        outlet = gazetteer.lookup(platform)
        via = Via(outlet.name if outlet else platform, outlet.kind if outlet else "outlet")
    return _attr(
        text, name, "social", (s, e), (start, start + m.end()), "embed", content=content, via=via, confidence=0.85
    )


def with_credits(found: list[Attribution], added: list[Attribution], block_quotes=()) -> list[Attribution]:
    """`found` (the rules' and the tagger's) with the credits and embeds `added` after them.
    What the parse made of a credit line itself ("HANOI" said, "(@handle)" as a subject) is
    dropped for the credit; a quote signed with a dash inside a block quote is an embed."""
    spans = [(a.cue.start, a.cue.end) for a in added]

    def inside(a: Attribution) -> bool:
        m = a.source.mention
        return m is not None and any(s <= m.start and m.end <= e for s, e in spans)

    kept = [i for i, a in enumerate(found) if not inside(a)]
    index = {old: new for new, old in enumerate(kept)}
    out = []
    for i in kept:
        a = found[i]
        relayed = a.relayed_by
        while relayed is not None and relayed not in index:
            relayed = found[relayed].relayed_by
        a = replace(a, relayed_by=index.get(relayed) if relayed is not None else None)
        if (
            a.cue.text.strip() in ("—", "―", "–", "-", "--")
            and a.content is not None
            and any(s <= a.content.start < e for s, e in block_quotes)
        ):
            a = replace(a, form="embed")
        out.append(a)
    seen = {(a.source.name, a.cue.start) for a in out}
    return out + [a for a in added if (a.source.name, a.cue.start) not in seen]


def on_page(
    found: list[Attribution],
    own_names: set[str],
    host: str | None,
    author: str,
    gazetteer=None,
    text: str = "",
) -> list[Attribution]:
    """Credits and embeds as one page reads them.

    The page's own (own_site), no outside source: a credit naming the page's own outlet, the
    page's own account posting ("@9to5mac" on 9to5mac.com), the page's author speaking in the
    first person (`author`), and the page's own journalists: a person with a newsroom role
    that opens with the outlet's name ("CBS Sports NFL Insider Jason La Canfora" on
    cbssports.com) or ends with it ("a columnist for The Hill"), or one named in the outlet's
    possessive ("CBS Sports' Jason La Canfora reported"; that needs the page's `text`) with a
    newsroom role or a reporting verb. A company's officers quoted on its own site ("my6sense's
    Chief Strategy Officer") stay sources. An own name written as an address ("CBSSports.com")
    is read without its domain ending.

    An embedded post by a source the page already cites is that source, under one name:
    "Rep. Ilhan Omar (@Ilhan)" is the person "Ilhan Omar" the page names (first and last
    name); an account whose shown name or handle opens with the name of an organisation or
    outlet the page cites ("Tottenham Hotspur (@SpursOfficial)" where "Tottenham said",
    "PFF CLE Browns (@PFF_Browns)" where "PFF said") is that organisation or outlet. The post
    takes the name the prose uses and the kind of the prose citation: the prose names it
    as the story knows it, and a verb, link or credit is a stronger citation than an embed.
    Only when exactly one cited name fits; a fan or news account named after a club
    ("Spurs Fans", "Browns Nation") is not the club, and no account is a person by a
    first name alone.

    With the `gazetteer`, an own name whose outlet publishes on other addresses is not the
    page's: a syndicated wire story carries the wire's name as its site name ("Associated
    Press" on timesunion.com), and its "(AP) —" dateline credits the wire."""
    if gazetteer is not None and host:
        own_names = {n for n in own_names if n and not _published_elsewhere(gazetteer, n, host)}
    own = {_squash(n) for n in own_names if n}
    own |= {_squash(_DOMAIN_ENDING.sub("", n)) for n in own_names if n}  # "CBSSports.com" -> "cbssports"
    own.discard("")
    label = _squash((host or "").removeprefix("www.").split(".")[0]) if host else ""
    people = {}
    cited = {}  # organisations and outlets the page cites otherwise than by an embed, by squashed name
    for a in found:
        if a.source.kind == "person":
            words = a.source.name.split()
            if len(words) >= 2:
                people[(words[0].lower(), words[-1].lower())] = a.source.name
        elif a.source.kind in ("organization", "outlet") and a.form != "embed" and not a.own_site:
            cited.setdefault(_squash(a.source.name), a.source)
    cited.pop("", None)
    out = []
    for a in found:
        if a.form in ("credit", "embed") and _squash(a.source.name) in own:
            a = replace(a, own_site=True)
        elif a.form == "embed":
            handle = re.search(r"@(\w+)", a.source.name)
            if handle and (_squash(handle.group(1)) in own or _squash(handle.group(1)) == label):
                a = replace(a, own_site=True)
            else:
                a = _embed_as_cited(a, people, cited)
        elif a.source.name == author and a.source.kind == "person":
            a = replace(a, own_site=True)
        elif a.source.kind == "person" and own and _own_staff(a, own, text):
            a = replace(a, own_site=True)
        out.append(a)
    return out


# "CBSSports.com", "Salon.com": a site name written as its address.
_DOMAIN_ENDING = re.compile(r"\.(?:com|net|org|co\.uk|co|news|tv|us|ca|in|au)$", re.I)
# What an account adds to a club's or company's name when it is a fan or news account, not theirs.
_FAN_WORDS = frozenset(
    "fan fans nation news daily rumors rumours talk hq central zone updates report watch world universe".split()
)


def _opens_with(words: list[str], names) -> int:
    """How many of `words` spell one of `names` (squashed) from the start, 0 if none do."""
    for k in range(len(words), 0, -1):
        if _squash(re.sub(r"['’]s?$", "", " ".join(words[:k]))) in names:
            return k
    return 0


def _embed_as_cited(a: Attribution, people: dict, cited: dict[str, Source]) -> Attribution:
    """The embed `a` under the name of the person, organisation or outlet the page cites
    that posted it, if exactly one fits (see `on_page`); else `a` as it is."""
    handle = re.search(r"\(@(\w+)\)$", a.source.name)
    shown = re.sub(r"\s*\(@\w+\)$", "", a.source.name).split()
    titled = [w for w in shown if not w.endswith(".")]  # "Rep.", "Dr."
    person = people.get((titled[0].lower(), titled[-1].lower())) if len(titled) >= 2 else None
    if person:
        return replace(a, source=replace(a.source, name=person, kind="person"))
    handle_words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", handle.group(1)) if handle else []
    fits = set()
    for words in (shown, handle_words):
        for key in cited:
            n = _opens_with(words, {key})
            if n and not {w.lower() for w in words[n:]} & _FAN_WORDS:
                fits.add(key)
    if len(fits) != 1:
        return a
    source = cited[fits.pop()]
    return replace(a, source=replace(a.source, name=source.name, kind=source.kind))


# A newsroom job in a role ("CBS Sports NFL Insider", "a columnist for The Hill"): a company's
# officers on its own site ("my6sense's Chief Strategy Officer") are sources, its journalists not.
_NEWSROOM_JOB = re.compile(
    r"\b(?:reporters?|insiders?|writers?|correspondents?|columnists?|editors?|contributors?|staff|critics?|"
    r"anchors?|hosts?|analysts?|producers?|journalists?|bloggers?|reporting)\b",
    re.I,
)
# A reporting verb: with no role, "CBS Sports' Jason La Canfora reported" is the outlet's journalist at work.
_REPORTED = re.compile(r"\b(?:report(?:s|ed|ing)?|wr(?:ote|ites|itten|iting)|broke)\b", re.I)


def _own_staff(a: Attribution, own: set[str], text: str) -> bool:
    """Whether the person `a` cites is the page's own journalist (see `on_page`): the role names
    a newsroom job and opens with the outlet ("CBS Sports NFL Insider") or ends with it ("an
    NFL insider for CBS Sports"); or the outlet's possessive ("CBS Sports' Jason La Canfora")
    or "of" ("Jason La Canfora of CBS Sports") names them, with a newsroom role or a
    reporting verb."""
    role = " ".join((a.source.role or "").split())
    job = bool(_NEWSROOM_JOB.search(role)) if role else bool(_REPORTED.search(a.cue.text))
    if not job:
        return False
    if role and _opens_with(re.sub(r"^(?:the|a|an)\s+", "", role, flags=re.I).split(), own):
        return True  # "CBS Sports NFL Insider"
    mention = a.source.mention
    for phrase in (role, " ".join(mention.text.split()) if mention else ""):
        at = re.search(r"\b(?:of|for|at|with)\s+(?P<outlet>[^,;()]+)$", phrase)
        if at and _squash(at.group("outlet")) in own:
            return True  # "an NFL insider for CBS Sports", "Jason La Canfora of CBS Sports"
    if mention and text:
        before = text[max(0, mention.start - 60) : mention.start]
        owner = re.search(r"((?:[A-Z][\w&.-]*\s+){0,4}[A-Z][\w&.-]*)['’]s?\s+$", before)
        if owner:
            words = owner.group(1).split()
            return any(_squash(" ".join(words[k:])) in own for k in range(len(words)))  # "CBS Sports' X"
    return False


def _published_elsewhere(gazetteer, name: str, host: str) -> bool:
    """Whether the gazetteer's outlet of this name publishes only on addresses other than `host`."""
    outlet = gazetteer.lookup(name)
    return bool(outlet and outlet.domains and gazetteer.by_domain(host) is not outlet)


def _squash(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", re.sub(r"^the\s+", "", name.lower()))


# -- outlets the gazetteer does not know, by the shape of the sentence (issue 17, item 3) --
_OUTLET_WORDS = (
    r"newspaper|daily|weekly|tabloid|broadsheet|site|website|news site|blog|broadcaster|outlet|"
    r"news outlet|magazine|network|news network|channel|station|agency|news agency|wire service|"
    r"publication|journal"
)
# "the Nairobi daily The Standard", "the Kenyan newspaper Daily Nation", "news site Walikali"
_DESCRIBED = re.compile(rf"^(?:the\s+|a\s+|an\s+)?(?:[\w'’-]+\s+){{0,3}}?(?:{_OUTLET_WORDS})\s+(?P<name>[A-Z\d].*)$")
# "The Standard, a Kenyan newspaper,", "Walikali, a gossip site"
_APPOSITIVE = re.compile(rf"\A,\s+(?:a|an|the)\s+(?:[\w'’-]+\s+){{0,4}}?(?:{_OUTLET_WORDS})\b")
# A name that says it is a news title: "The Nairobi Gazette", "SportsBusiness Journal".
_TITLE_NAME = re.compile(
    r"\b(?:Times|Post|Journal|Herald|Gazette|Tribune|Chronicle|Courier|Observer|Telegraph|"
    r"Examiner|Inquirer|Dispatch|Bulletin|Sentinel|Courant|Daily|Newsweek|Gazeta|Zeitung|"
    r"Magazine|News)$"
)
_DATE_WORD = re.compile(
    r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|January|February|March|April|May|June|July|"
    r"August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b"
)
# "told the Kenyan newspaper Taifa Leo", "told the Nairobi daily, The Standard"
_TOLD = re.compile(
    rf"\s+(?:the\s+|a\s+)?(?:[\w'’-]+\s+){{0,3}}?(?:{_OUTLET_WORDS}),?\s+"
    r"(?P<name>(?:The\s+)?[A-Z][\w&.'’-]*(?:\s+(?:of\s+)?[A-Z][\w&.'’-]*){0,4})"
)
_PLACES = {
    "nairobi": "kenya",
    "mombasa": "kenya",
    "lagos": "nigeria",
    "abuja": "nigeria",
    "johannesburg": "south africa",
    "cape town": "south africa",
    "kampala": "uganda",
    "dar es salaam": "tanzania",
    "harare": "zimbabwe",
    "accra": "ghana",
    "addis ababa": "ethiopia",
    "kuala lumpur": "malaysia",
    "dhaka": "bangladesh",
    "lima": "peru",
    "bogota": "colombia",
    "mumbai": "india",
    "karachi": "pakistan",
    "lahore": "pakistan",
    "dubai": "uae",
    "abu dhabi": "uae",
    "sydney": "australia",
    "melbourne": "australia",
    "toronto": "canada",
}


def _place_country(mention: str) -> str | None:
    """The country a mention's place words name: "the Nairobi daily" -> "kenya"."""
    from headwater.attribution.noise import _CAPITALS, _COUNTRIES

    lower = mention.lower()
    adjectives = {adj.lower(): country for country, adj in _COUNTRIES.items() if adj}
    for table in (_PLACES, _CAPITALS, adjectives):
        for word, country in table.items():
            if re.search(rf"\b{re.escape(word)}\b", lower):
                return country
    for country in _COUNTRIES:
        if re.search(rf"\b{re.escape(country)}\b", lower):
            return country
    return None


def _placed(gazetteer, mention: str, name: str) -> str | None:
    """The gazetteer outlet of the mention's country with a name shared across countries:
    "the Nairobi daily The Standard" is "The Standard (Kenya)", not London's Evening Standard."""
    country = _place_country(mention)
    if not country:
        return None
    from headwater.attribution.noise import _COUNTRIES

    labels = {country, (_COUNTRIES.get(country) or "").lower()}
    for outlet in gazetteer:
        m = re.fullmatch(r"(?P<base>.+?)\s+\((?P<where>[^)]+)\)", outlet.name)
        if m and m.group("where").lower() in labels and m.group("base").lower() in mention.lower():
            return outlet.name
    return None


def outlets_by_shape(found: list[Attribution], text: str, gazetteer) -> list[Attribution]:
    """Sources and media that are outlets by how the sentence names them, whether or not
    the gazetteer knows them: a descriptor before the name ("the Nairobi daily The
    Standard"), an appositive after it ("Walikali, a gossip site,"), a title's last word
    ("SportsBusiness Journal"). Named as the text names them; a place in the descriptor
    picks among outlets of the same name."""
    out = []
    for a in found:
        if a.form == "verb" and re.search(r"\b(?:told|tells|tell|telling)$", a.cue.text):
            m = _TOLD.match(text, a.cue.end)
            if m and not _DATE_WORD.match(m.group("name")):
                s, e = m.span("name")
                via_text = text[a.cue.end : e]
                name = _placed(gazetteer, via_text, m.group("name")) or (
                    None
                    if a.via is not None and gazetteer.get(a.via.name) and not _place_country(via_text)
                    else m.group("name")
                )
                if name:
                    a = replace(a, via=Via(name, "outlet", Span.of(text, s, e)))
        if a.via is not None and a.via.mention is not None:
            placed = _placed(gazetteer, a.via.mention.text, a.via.name)
            if placed is None and gazetteer.get(a.via.name) is None:
                m = _DESCRIBED.match(" ".join(a.via.mention.text.split()))
                placed = m.group("name") if m else None
            if placed and placed != a.via.name:
                a = replace(a, via=replace(a.via, name=placed, kind="outlet"))
        m = a.source.mention
        if m is not None and a.source.kind in ("person", "organization", "outlet") and a.form in ("verb", "link"):
            mention = " ".join(m.text.split())
            name = None
            if a.source.kind == "outlet":
                name = _placed(gazetteer, mention, a.source.name)
            else:
                described = _DESCRIBED.match(mention)
                if described:
                    name = described.group("name")
                elif _APPOSITIVE.match(text[m.end : m.end + 80]) or (
                    _TITLE_NAME.search(a.source.name)
                    and a.source.name[:1].isupper()
                    and " " in a.source.name
                    and a.source.kind == "organization"
                ):
                    name = a.source.name
            if name:
                a = replace(a, source=replace(a.source, name=name, kind="outlet"))
        out.append(a)
    return out
