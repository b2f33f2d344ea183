"""Extract the article from an HTML page: its text, metadata, body links and block quotes.

`extract(html, url)` runs trafilatura once (XML output, links kept, comments dropped)
and walks the XML it returns to build the article text, keeping track of where
every link's anchor text and every block quote sits in that text.

The text the function returns is what every later step's offsets point into:

- blocks (headline, paragraphs, list items, the paragraphs of a block quote) are
  joined by a blank line ("\\n\\n"); inside a block, runs of ASCII whitespace
  (space, tab, newline, CR, FF, VT) become one space;
- every other character is kept as the page has it: curly quotes, typos, and
  Unicode spaces such as the no-break space ("Journal\\u00a0reported"). The
  attribution step normalises for matching but reports offsets into this text.
  trafilatura itself turns Unicode spaces into plain spaces (its `trim()` uses
  `str.split()`), so they are swapped for placeholder characters before
  trafilatura runs and restored afterwards (see `_protect_spaces`). trafilatura
  also normalises the text to Unicode NFC; that is kept;
- the text starts with the headline: when trafilatura leaves the page's <h1>
  out of the body (it often does when the headline sits in a <header>), the
  title from the metadata is put in front as the first block.
"""

from __future__ import annotations

import codecs
import logging
import re
from urllib.parse import urljoin

import trafilatura
from lxml import etree
from trafilatura.metadata import extract_url
from trafilatura.utils import decode_file
from trafilatura.xpaths import BODY_XPATH, OVERALL_DISCARD_XPATH

from headwater.errors import NoText
from headwater.fetch.charset import decode_html
from headwater.records import Extracted, Link, Span

log = logging.getLogger(__name__)

# Every trafilatura setting in one place.
TRAFILATURA_OPTIONS = dict(
    output_format="xml",  # keeps structure: <p>, <head>, <quote>, <list>/<item>, <ref target>
    include_links=True,  # <ref target="..."> around anchor text (hrefs made absolute beforehand)
    include_comments=False,  # reader comments are not the article's sources ("According to Reuters..." in a comment)
    include_tables=False,  # data tables yield cell fragments, not attributable sentences
    include_images=False,
    include_formatting=False,  # no <hi>: bold/italic adds nothing for attribution
    with_metadata=True,  # title, author, date, sitename, url on <doc>
    deduplicate=False,  # a repeated paragraph is still part of this article
    favor_precision=False,  # trafilatura's balanced default; recall fallbacks stay on
    favor_recall=False,
    fast=False,
)

MIN_TEXT_CHARS = 25  # less article text than this is "no text" (a caption, a cookie notice)
MAX_EMBED_WRAPPER_EXTRA_CHARS = 200  # an embed's wrapper adds a caption or a label at most
MIN_CHUNK_PARAGRAPH_CHARS = 80  # a body chunk holds at least one paragraph this long (a teaser card holds none)
BLOCK_SEPARATOR = "\n\n"
MAX_ATTRIBUTE_CHARS = 65536  # longer attribute values are dropped before trafilatura runs
LIBXML2_MAX_DEPTH = 255  # libxml2's HTML parser drops whatever is nested deeper than this

# Tags of trafilatura's XML that start a new block of text; anything else is inline.
_BLOCK_TAGS = frozenset({"p", "head", "item", "quote", "list", "table", "row", "cell", "code", "pre", "div", "main"})
_SURROGATE = re.compile("[\ud800-\udfff]")
_INLINE_CONTAINERS = frozenset({"p", "head", "item", "cell"})
_FURNITURE_XPATH = (
    "//nav | //header[not(ancestor::article)] | //footer[not(ancestor::article)] | //aside"
    " | //*[@role='navigation' or @role='banner' or @role='contentinfo']"
)
_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")
# HTML's inline (phrasing) elements: whitespace between two of them separates words.
_INLINE_HTML = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins", "kbd"}
    | {"mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var"}
)
# The block quotes the platforms' embed scripts turn into a post (X/Twitter, Instagram, TikTok,
# Threads, Bluesky, Reddit, Facebook): they hold the post's text and its signature line.
_EMBEDDED_POSTS = etree.XPath(
    "//blockquote[contains(concat(' ', normalize-space(@class), ' '), ' twitter-tweet ')"
    " or contains(@class, 'instagram-media') or contains(@class, 'tiktok-embed')"
    " or contains(@class, 'text-post-media') or contains(@class, 'bluesky-embed')"
    " or contains(@class, 'reddit-embed') or contains(@class, 'reddit-card')"
    " or contains(@class, 'fb-xfbml-parse-ignore')]"
)
# Hover cards a CMS hides beside a linked name ("rollover", "hovercard", "tooltip", "popover"):
# shown on mouse-over, they repeat the name and list the person's latest stories.
_HOVER_CARDS = etree.XPath(
    "//*[@role='tooltip' or contains(@class, 'rollover') or contains(@class, 'hovercard')"
    " or contains(@class, 'hover-card') or contains(@class, 'tooltip') or contains(@class, 'popover')]"
)
_ANY_SPACE = re.compile(r"\s+")
_SKIPPED_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "about:", "file:")

# Unicode spaces that trafilatura would flatten to " " (category Zs other than the ASCII space).
_UNICODE_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
# Placeholders for them: printable letters (so trafilatura keeps them) from the Linear B
# syllabary, which news pages do not use; any that the page does contain are passed over.
_PLACEHOLDER_POOL = [chr(c) for c in range(0x10000, 0x10040)]
_TEXT_WITH = etree.XPath("//text()[contains(., $ch)] | //meta/@content[contains(., $ch)]")
_HUGE_ATTRIBUTES = etree.XPath("//@*[string-length(.) > $limit]")

_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"RIFF", "a RIFF (WebP/WAV/AVI) file"),
    (b"\x00\x00\x01\x00", "an icon"),
    (b"OggS", "an Ogg file"),
    (b"ID3", "an MP3 file"),
)
_GZIP_MAGIC = b"\x1f\x8b"
_LOOKS_LIKE_HTML = re.compile(r"<\s*(?:!doctype|html|head|body|article|main|div|p|section|title|meta|h[1-6])\b", re.I)


def extract(html: str | bytes, url: str | None = None) -> Extracted:
    """The article in `html` (fetched from `url`): text, metadata, body links, block quotes.

    Raises NoText when the input is not an HTML page (binary, undecodable) or
    holds less than MIN_TEXT_CHARS characters of article text.
    """
    where = url or "the page"
    document = _decode(html, where)
    try:
        tree = trafilatura.load_html(document)
    except Exception as err:  # lxml/libxml2 on hostile input: never a crash, always NoText
        log.warning("could not parse %s: %r", where, err)
        raise NoText(f"No article text could be extracted from {where}: the HTML could not be parsed ({err})") from err
    if tree is None:
        raise NoText(f"No article text could be extracted from {where}: it is not an HTML page")

    try:
        declared_url = extract_url(tree)
        furniture = _furniture_text(tree)
        _drop_huge_attributes(tree)
        _resolve_links(tree, base=url or declared_url)
        _join_split_body(tree)
        _free_embedded_posts(tree)
        _drop_name_cards(tree)
        _keep_gaps(tree)
        restore = _protect_spaces(tree)
        xml = trafilatura.extract(tree, url=url, **TRAFILATURA_OPTIONS)
    except RecursionError as err:
        raise NoText(f"No article text could be extracted from {where}: the page is nested too deeply") from err
    except Exception as err:  # trafilatura must not turn a bad page into a server error
        log.warning("trafilatura failed on %s: %r", where, err)
        raise NoText(
            f"No article text could be extracted from {where}: the extractor failed ({type(err).__name__})"
        ) from err
    if not xml:
        raise NoText(f"No article text could be extracted from {where}{_why_empty(tree)}")

    try:
        doc = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
        builder = _TextBuilder(restore)
        main = doc.find("main")
        if main is not None:
            builder.walk(main)
    except (etree.LxmlError, RecursionError) as err:
        raise NoText(
            f"No article text could be extracted from {where}: the extracted article is malformed ({err})"
        ) from err

    if len(builder.text()) < MIN_TEXT_CHARS:
        raise NoText(f"No article text could be extracted from {where}{_why_empty(tree)}")
    if builder.all_blocks_in(furniture):
        raise NoText(f"No article text could be extracted from {where}: only navigation and page furniture")

    title = _meta(doc, "title", restore)
    if title and not builder.has_block(title):
        builder.prepend(title)

    text = builder.text()
    return Extracted(
        text=text,
        title=title,
        author=_meta(doc, "author", restore),
        published=_meta(doc, "date", restore),
        site=_meta(doc, "sitename", restore),
        canonical_url=declared_url,
        links=list(builder.links),
        quotes=[Span.of(text, start, end) for start, end in builder.quotes],
    )


def _decode(html: str | bytes, where: str) -> str:
    """The page as a string; NoText for binary or undecodable input."""
    if isinstance(html, str):
        document = html
        try:
            document.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates (a bad decode upstream): mark them, keep the rest
            document = _SURROGATE.sub("\ufffd", document)
    elif isinstance(html, (bytes, bytearray)):
        document = _decode_bytes(bytes(html), where)
    else:
        raise TypeError(f"extract() takes the page as str or bytes, not {type(html).__name__}")
    if not document.strip():
        raise NoText(f"No article text could be extracted from {where}: the page is empty")
    if not _LOOKS_LIKE_HTML.search(document[:65536]):
        raise NoText(f"No article text could be extracted from {where}: it is not HTML")
    return document


def _decode_bytes(raw: bytes, where: str) -> str:
    """Bytes to text (decode_html), or NoText for what is no page: compressed, binary."""
    head = raw[:1024]
    if raw.startswith(_GZIP_MAGIC):  # a compressed page saved as is: trafilatura decompresses it
        try:
            return decode_file(raw)
        except Exception as err:
            raise NoText(f"No article text could be extracted from {where}: it cannot be decompressed ({err})") from err
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            raise NoText(f"No article text could be extracted from {where}: it is {kind}, not HTML")
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise NoText(f"No article text could be extracted from {where}: it is binary data, not HTML")
    return decode_html(raw)


def _resolve_links(tree, base: str | None) -> None:
    """Make every <a href> absolute before trafilatura sees it; unlink what is not a cited page.

    trafilatura resolves relative links against the site root only ("story2" on
    /news/story becomes /story2, "#fn1" becomes https://site#fn1), so links are
    resolved here with urljoin against the page URL (or <base href>). Anchors that
    are not a page elsewhere (javascript:, mailto:, tel:, in-page "#fragments")
    lose their href and stay as plain text.
    """
    base_element = tree.find(".//base[@href]")
    if base_element is not None:
        base = urljoin(base or "", base_element.get("href").strip()) or base
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith("#") or href.lower().startswith(_SKIPPED_SCHEMES):
            anchor.attrib.pop("href", None)
        elif base:
            try:
                anchor.set("href", urljoin(base, href))
            except ValueError:  # a malformed URL (bad IPv6 literal, port): leave it for trafilatura to drop
                anchor.attrib.pop("href", None)


def _join_split_body(tree) -> None:
    """Join an article body the page splits into several containers of one class.

    Many CMSes cut the story into chunks around ad slots and inline promos: sibling blocks
    with the same tag and class, each holding some of the paragraphs. trafilatura reads only
    the first container its body expressions find, so the rest of the story (and its
    links) would be lost. The later chunks' contents are moved into the first. Only chunks
    at the same depth (one template repeated) that each hold a real paragraph count: a list
    of teaser cards with a shared class holds headlines, not paragraphs.
    """
    chosen = next((hit for expr in BODY_XPATH for hit in expr(tree) if hit is not None), None)
    css = chosen.get("class") if chosen is not None else None
    if not css:
        return
    depth = _depth(chosen)
    chunks = [
        element
        for element in tree.iter(chosen.tag)
        if element.get("class") == css and _depth(element) == depth and _holds_paragraph(element)
    ]
    if len(chunks) < 2 or chosen not in chunks:  # trafilatura's own pick must be one of them
        return
    first, *rest = chunks
    for chunk in rest:
        if chunk.text and chunk.text.strip():
            if len(first):
                first[-1].tail = (first[-1].tail or "") + chunk.text
            else:
                first.text = (first.text or "") + chunk.text
            chunk.text = None
        for child in list(chunk):
            first.append(child)  # moves it, with its tail


def _free_embedded_posts(tree) -> None:
    """Take embedded posts out of wrappers that trafilatura throws away as page furniture.

    A CMS often wraps an embedded tweet in a "widget" or "embed" block, and trafilatura drops
    blocks of such classes whole (they are ads and share bars elsewhere), losing the post the
    article cites. The post's block quote is moved to stand just before its outermost such
    wrapper, in the same place in the story; the wrapper, with at most a label beside the
    post, still goes.
    """
    posts = _EMBEDDED_POSTS(tree)
    if not posts:
        return
    discarded = {element for expr in OVERALL_DISCARD_XPATH for element in expr(tree)}
    for post in posts:
        post_chars = len(post.text_content())
        wrapper = None
        for ancestor in post.iterancestors():
            if len(ancestor.text_content()) - post_chars > MAX_EMBED_WRAPPER_EXTRA_CHARS:
                break  # a block holding more than the post is the article (or a page region), not a wrapper
            if ancestor in discarded:
                wrapper = ancestor
        if wrapper is not None and wrapper.getparent() is not None:
            tail, post.tail = post.tail, None
            if tail and tail.strip():
                _keep_tail(post, tail)
            wrapper.addprevious(post)


def _drop_name_cards(tree) -> None:
    """Drop the hover cards that follow a linked name and repeat it.

    Some CMSes put a hidden card right after a link on a person's name: the name again, a
    photo, links to their latest stories, "MORE". trafilatura keeps its text, so the story
    would read "Alexandria Ocasio-CortezAlexandria Ocasio-Cortez...MORE". Only a card of a
    hover class (or role "tooltip") that comes just after a link and repeats the link's
    text goes; a tooltip with other text (a definition) is left alone.
    """
    for card in _HOVER_CARDS(tree):
        link = card.getprevious()
        if link is None or link.tag != "a" or (link.tail and link.tail.strip()):
            continue  # not right after a link
        name = _loose(link.text_content())
        if name and name in _loose(card.text_content()) and card.getparent() is not None:
            if card.tail and card.tail.strip():
                _keep_tail(card, card.tail)
            card.getparent().remove(card)


def _keep_gaps(tree) -> None:
    """Keep the space between two inline elements: "<a>social</a> <a>media</a>" is two words.

    trafilatura drops whitespace-only text when it serialises its XML (`sanitize_tree`), so
    the gap between two links (or a link and a <span> holding one) vanished: "socialmedia".
    The gap is moved inside the element before it, to the end of its text ("<a>social </a>"),
    where trafilatura keeps it; the page's text is unchanged and the link span is trimmed to
    the anchor text. No space is added where the page has none ("<a>Wash</a><b>ington</b>").
    """
    for element in tree.iter(*_INLINE_HTML):
        gap = element.tail
        following = element.getnext()
        if not gap or not _ASCII_SPACE.fullmatch(gap) or following is None or following.tag not in _INLINE_HTML:
            continue  # no gap, text (a no-break space is text), or the end of the block
        element.tail = None
        inner = element  # the innermost element that ends its text: "<span><a>social</a></span>" ends in <a>
        while len(inner) and inner[-1].tag in _INLINE_HTML and not _ASCII_SPACE.sub("", inner[-1].tail or ""):
            inner = inner[-1]
        if len(inner):
            inner[-1].tail = (inner[-1].tail or "") + gap
        else:
            inner.text = (inner.text or "") + gap


def _keep_tail(element, tail: str) -> None:
    """Text after an element that is moved stays where the element was."""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent = element.getparent()
        parent.text = (parent.text or "") + tail


def _depth(element) -> int:
    return sum(1 for _ in element.iterancestors())


def _holds_paragraph(element) -> bool:
    if any(ancestor.tag == "a" for ancestor in element.iterancestors()):
        return False
    return any(len(p.text_content().strip()) >= MIN_CHUNK_PARAGRAPH_CHARS for p in element.iter("p"))


def _drop_huge_attributes(tree) -> None:
    """Inline data (base64 images, JSON blobs) in attributes: nothing to read, and slow for date search."""
    for value in _HUGE_ATTRIBUTES(tree, limit=MAX_ATTRIBUTE_CHARS):  # found by libxml2, not a Python walk
        element = value.getparent()
        if element is not None:
            element.attrib.pop(value.attrname, None)


def _furniture_text(tree) -> str:
    """The text of the page's navigation, header, footer and side bars, whitespace-normalised.

    trafilatura's fallbacks sometimes return a menu when a page has no article
    ("Home World Politics Business"): text found only there is not an article.
    """
    parts = []
    for element in tree.xpath(_FURNITURE_XPATH):
        parts.append(_loose(" ".join(element.itertext())))
    return "\n".join(parts)


def _loose(value: str) -> str:
    return _ANY_SPACE.sub(" ", value).strip().casefold()


def _why_empty(tree) -> str:
    """A reason to add to NoText's message when the page itself explains it."""
    depth = deepest = 0
    for event, _ in etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    if deepest >= LIBXML2_MAX_DEPTH:
        return f": the page is nested too deeply (HTML parsing stops at {LIBXML2_MAX_DEPTH} levels)"
    return ""


def _protect_spaces(tree):
    """Swap Unicode spaces in the tree's text for placeholders; return the function that swaps them back."""
    # One serialisation (C speed) says which spaces and placeholders occur anywhere in the
    # page, text and attributes; most text nodes are ASCII and are then passed over.
    serialised = etree.tostring(tree, encoding="unicode")
    present = [ch for ch in _UNICODE_SPACES if ch in serialised]
    if not present:
        return _identity
    free = (ch for ch in _PLACEHOLDER_POOL if ch not in serialised)
    forward, backward = {}, {}
    for ch, placeholder in zip(present, free):  # pool exhausted: trafilatura flattens the rest
        forward[ord(ch)] = placeholder
        backward[ord(placeholder)] = ch
    for ch in present:  # the text nodes and meta contents holding each space, found by libxml2
        for value in _TEXT_WITH(tree, ch=ch):
            node = value.getparent()
            if node is None:
                continue
            if value.is_text:
                node.text = node.text.translate(forward)
            elif value.is_tail:
                node.tail = node.tail.translate(forward)
            elif value.is_attribute and node.tag == "meta":
                node.set("content", node.get("content").translate(forward))

    def restore(value: str) -> str:
        return value.translate(backward)

    return restore


def _identity(value: str) -> str:
    return value


def _meta(doc, name: str, restore) -> str | None:
    value = doc.get(name)
    if not value:
        return None
    value = _ASCII_SPACE.sub(" ", restore(value)).strip()
    return value or None


def _inline_quote(child, parent) -> bool:
    """An inline <q> inside a paragraph comes out of trafilatura as <quote> too: keep it in its paragraph."""
    return (
        child.tag == "quote"
        and (parent.tag in _INLINE_CONTAINERS or parent.tag not in _BLOCK_TAGS)
        and not any(isinstance(c.tag, str) and c.tag in _BLOCK_TAGS for c in child)
    )


class _TextBuilder:
    """Accumulates blocks of text, with the offsets of links and block quotes."""

    def __init__(self, restore):
        self._restore = restore
        self._blocks: list[str] = []
        self._length = 0  # length of BLOCK_SEPARATOR.join(self._blocks)
        self._buf = ""  # the block being built
        self._pending: list[tuple[int, int, str]] = []  # links in the current block, block-relative
        self.links: list[Link] = []
        self.quotes: list[tuple[int, int]] = []  # [start, end) of each block quote

    # -- walking trafilatura's XML ------------------------------------------------

    def walk(self, element) -> None:
        """Add a block-level element (and the blocks inside it)."""
        self._flush()
        first = len(self._blocks)
        self._add(element.text)
        self._children(element)
        self._flush()
        if element.tag == "quote" and len(self._blocks) > first:
            self.quotes.append((self._offset(first), self._length))

    def _inline(self, element) -> None:
        if element.tag == "lb":
            self._add(" ")
            return
        target = (element.get("target") or "").strip()
        if element.tag == "ref" and target and not target.lower().startswith(_SKIPPED_SCHEMES):
            self._add_link("".join(element.itertext()), self._restore(target))
            return
        self._add(element.text)
        self._children(element)

    def _children(self, element) -> None:
        """A block inside (a <quote> in a <p>) starts blocks of its own; the rest is inline text."""
        for child in element:
            if not isinstance(child.tag, str):  # XML comment or processing instruction
                pass
            elif child.tag in _BLOCK_TAGS and not _inline_quote(child, element):
                self._flush()
                self.walk(child)
                self._flush()
            else:
                self._inline(child)
            self._add(child.tail)

    # -- building -----------------------------------------------------------------

    def _add(self, segment: str | None) -> None:
        if not segment:
            return
        segment = _ASCII_SPACE.sub(" ", self._restore(segment))
        if not self._buf or self._buf.endswith(" "):
            segment = segment.lstrip(" ")
        self._buf += segment

    def _add_link(self, anchor: str, href: str) -> None:
        before = len(self._buf)
        self._add(anchor)
        added = self._buf[before:]
        core = added.strip(" ")
        if not core:
            return
        start = before + (len(added) - len(added.lstrip(" ")))
        self._pending.append((start, start + len(core), href))

    def _flush(self) -> None:
        block = self._buf.rstrip(" ")
        pending, self._buf, self._pending = self._pending, "", []
        if not block:
            return
        offset = self._length + (len(BLOCK_SEPARATOR) if self._blocks else 0)
        self._blocks.append(block)
        self._length = offset + len(block)
        for start, end, href in pending:
            end = min(end, len(block))
            if start < end:
                self.links.append(Link(offset + start, offset + end, href, block[start:end]))

    def _offset(self, index: int) -> int:
        return sum(len(b) for b in self._blocks[:index]) + len(BLOCK_SEPARATOR) * index

    # -- results --------------------------------------------------------------------

    def all_blocks_in(self, haystack: str) -> bool:
        return bool(haystack) and all(_loose(b) in haystack for b in self._blocks)

    def has_block(self, value: str) -> bool:
        wanted = _loose(value)
        return any(_loose(b) == wanted for b in self._blocks)

    def prepend(self, block: str) -> None:
        """Put a block before all others, shifting every offset."""
        block = _ASCII_SPACE.sub(" ", block).strip()
        if not block:
            return
        shift = len(block) + (len(BLOCK_SEPARATOR) if self._blocks else 0)
        self._blocks.insert(0, block)
        self._length += shift
        self.links = [Link(link.start + shift, link.end + shift, link.href, link.text) for link in self.links]
        self.quotes = [(start + shift, end + shift) for start, end in self.quotes]

    def text(self) -> str:
        return BLOCK_SEPARATOR.join(self._blocks)
