/**
 * Pure functions over a trace (the backend's Trace JSON): what the popup shows
 * and what the overlay underlines. No DOM, no extension APIs: easy to reason about.
 */

/** News agencies: an "outlet" with one of these names gets the "wire" badge. */
const WIRES = new Set([
  "reuters", "thomson reuters", "associated press", "ap", "agence france-presse", "agence france presse",
  "afp", "upi", "united press international", "dpa", "deutsche presse-agentur", "xinhua", "ansa", "efe",
  "kyodo", "kyodo news", "press association", "pa media", "anadolu", "anadolu agency", "interfax", "tass",
  "bloomberg news", "yonhap", "press trust of india", "pti", "canadian press", "australian associated press",
]);

const ARCHIVE_HOSTS = [
  "web.archive.org", "archive.org", "archive.ph", "archive.today", "archive.is", "archive.li",
  "perma.cc", "ghostarchive.org", "webcitation.org",
];

/** The order in which kinds are listed, and how a group is headed. */
export const KIND_ORDER = ["person", "organization", "outlet", "wire", "document", "social", "anonymous"];
export const KIND_LABELS = {
  page: "page", outlet: "outlet", wire: "wire", person: "person", organization: "organization",
  anonymous: "anonymous", document: "document", social: "social", archived: "archived",
};
const KIND_PLURALS = {
  outlet: "Outlets", wire: "Wire services", person: "People", organization: "Organizations",
  document: "Documents", social: "Social media accounts", anonymous: "Anonymous sources",
};

// --- attribution forms (missing fields from older backends get their defaults) --------

/** The forms of an attribution, and the tag a citation of that form gets in the popup. */
export const FORMS = ["verb", "link", "credit", "embed"];
export const FORM_LABELS = { link: "linked", credit: "credited", embed: "embedded" };

/**
 * How the page cites the source: "verb" (said, told, according to), "link" (a
 * hyperlink alone), "credit" (a dateline or credit line: "via X", "h/t X") or
 * "embed" (an embedded post, a signed block quote). A backend that predates
 * forms sends none: that is "verb".
 */
export function formOf(attribution) {
  const form = attribution?.form;
  return FORMS.includes(form) ? form : "verb";
}

/** A link to the page's own outlet's earlier reporting (not an outside source); false when not said. */
export function isOwnSite(attribution) {
  return attribution?.own_site === true;
}

/** The attributions that cite outside sources (every one but the links to the page's own site). */
export function outsideAttributions(trace) {
  return (trace?.attributions ?? []).filter((a) => !isOwnSite(a));
}
export function kindHeading(kind) {
  return KIND_PLURALS[kind] ?? kind.charAt(0).toUpperCase() + kind.slice(1);
}

/** Compare names loosely: case, non-breaking spaces, a leading "the", punctuation. */
export function nameKey(name) {
  return String(name ?? "")
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\u2018\u2019\u201b`´]/g, "'")
    .replace(/^the\s+/, "")
    .replace(/[^\p{L}\p{N}']+/gu, " ")
    .trim();
}

export function isArchiveUrl(url) {
  if (!url) return false;
  try {
    const host = new URL(url).hostname.replace(/^www\./, "");
    return ARCHIVE_HOSTS.some((h) => host === h || host.endsWith("." + h));
  } catch {
    return false;
  }
}

/** "wire" for news agencies, else the kind the backend gave. */
export function displayKind(kind, name) {
  if (kind === "outlet" && WIRES.has(nameKey(name))) return "wire";
  return kind || "unknown";
}

/**
 * The badges for a source or chain node: its kind, plus "archived" when its page
 * was read from an archive (`archived: {url, date}` in a followed chain) or its link is an archive copy.
 */
export function badgesFor({ kind, name, url, archived }) {
  const badges = [displayKind(kind, name)];
  if (archived || isArchiveUrl(url)) badges.push("archived");
  return badges;
}

/** A citation "without a link": a published source (not a person, not anonymous) the page did not link. */
export function isUnlinked({ kind, url }) {
  return !url && kind !== "page" && kind !== "person" && kind !== "anonymous";
}

const ABBREVIATIONS = new Set([
  "mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen", "sen", "rep", "gov", "prof", "rev", "lt", "col",
  "capt", "sgt", "maj", "adm", "pres", "no", "vs", "etc", "inc", "corp", "ltd", "co", "jan", "feb",
  "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.g", "i.e",
]);

let cachedText = null;
let cachedEnds = [];

/** Offsets where sentences end in `text` (after the end mark and any closing quote). */
function sentenceEnds(text) {
  if (text === cachedText) return cachedEnds;
  const ends = [];
  const re = /[.!?\u2026]["'\u201d\u2019)\]]*(?=\s+["'\u201c\u2018(\[]?[\p{Lu}\p{N}])|\n/gu;
  let match;
  while ((match = re.exec(text))) {
    if (match[0] !== "\n" && match[0][0] === ".") {
      const word = /([\p{L}.]+)$/u.exec(text.slice(Math.max(0, match.index - 12), match.index));
      if (word && (ABBREVIATIONS.has(word[1].toLowerCase()) || /^\p{Lu}$/u.test(word[1]))) continue;
    }
    ends.push(match.index + match[0].length);
  }
  cachedText = text;
  cachedEnds = ends;
  return ends;
}

/**
 * The sentence(s) of `text` that hold [start, end).
 * @returns {{start: number, end: number, text: string}}
 */
export function sentenceAround(text, start, end) {
  start = Math.max(0, Math.min(start, text.length));
  end = Math.max(start, Math.min(end, text.length));
  let from = 0;
  let to = text.length;
  for (const e of sentenceEnds(text)) {
    if (e <= start) from = e;
    else if (e >= end) {
      to = e;
      break;
    }
  }
  while (from < to && /\s/.test(text[from])) from++;
  while (to > from && /\s/.test(text[to - 1])) to--;
  return { start: from, end: to, text: text.slice(from, to) };
}

function spansOf(attribution) {
  const spans = [];
  const mention = attribution.source?.mention;
  if (mention && Number.isFinite(mention.start)) spans.push({ ...mention, type: "source" });
  if (attribution.cue && Number.isFinite(attribution.cue.start)) spans.push({ ...attribution.cue, type: "cue" });
  if (attribution.content && Number.isFinite(attribution.content.start)) {
    spans.push({ ...attribution.content, type: "content" });
  }
  return spans;
}

/**
 * The evidence of one attribution: the sentence(s) that carry it, with the
 * source, cue and content marked (offsets relative to the evidence text).
 * Long quotes (content spanning several sentences) are cut to the cue's sentence
 * plus the start of the content.
 * @returns {{text: string, start: number, end: number, highlights: {start: number, end: number, type: string}[]}|null}
 */
export function evidenceOf(trace, attribution) {
  const text = trace?.text ?? "";
  const spans = spansOf(attribution);
  if (!text || !attribution.cue || !spans.length) {
    const fallback = attribution.cue?.text || attribution.content?.text;
    return fallback ? { text: fallback, start: 0, end: 0, highlights: [] } : null;
  }
  const cueish = spans.filter((s) => s.type !== "content");
  const lo = Math.min(...cueish.map((s) => s.start));
  const hi = Math.max(...cueish.map((s) => s.end));
  let sentence = sentenceAround(text, lo, hi);
  const content = attribution.content;
  if (content && Number.isFinite(content.start)) {
    // Include the content when it is short enough to read in a popup.
    const withContent = sentenceAround(text, Math.min(lo, content.start), Math.max(hi, content.end));
    if (withContent.end - withContent.start <= 600) sentence = withContent;
  }
  const highlights = spans
    .filter((s) => s.start >= sentence.start && s.end <= sentence.end && s.end > s.start)
    .map((s) => ({ start: s.start - sentence.start, end: s.end - sentence.start, type: s.type }));
  return { ...sentence, highlights };
}

/** The attributions behind one chain node (by source name or by the medium a source spoke through). */
export function attributionsFor(trace, name) {
  const key = nameKey(name);
  return (trace?.attributions ?? []).filter(
    (a) => nameKey(a.source?.name) === key || (a.via && nameKey(a.via.name) === key),
  );
}

/** Is `name` one of the trace's primary sources? Returns that entry or undefined. */
export function primaryEntry(trace, name) {
  const key = nameKey(name);
  return primariesOf(trace).find((p) => nameKey(p.name) === key);
}

// --- a trace that followed its sources upstream (trace.follow) ------------------------

/**
 * The trace's `follow` object when it holds chains across documents (the
 * following finished), else null: then the one-page chains are what there is.
 */
export function followOf(trace) {
  const follow = trace?.follow;
  return follow && follow.state !== "running" && (follow.chains ?? []).length ? follow : null;
}

/** The chains to show: across documents when the trace followed its sources, else the page's own. */
export function chainsOf(trace) {
  return followOf(trace)?.chains ?? trace?.chains ?? [];
}

/** The primary sources that go with chainsOf(trace). */
export function primariesOf(trace) {
  return followOf(trace)?.primary_sources ?? trace?.primary_sources ?? [];
}

/** A page read while following (follow.documents[idx]), or undefined. */
export function documentOf(trace, idx) {
  if (idx === null || idx === undefined) return undefined;
  return (trace?.follow?.documents ?? []).find((d) => d.idx === idx);
}

/** The hop that led to document `idx` (the followed one, or failing that any), or undefined. */
export function hopInto(trace, idx) {
  if (idx === null || idx === undefined) return undefined;
  const hops = (trace?.follow?.hops ?? []).filter((h) => h.to === idx);
  return hops.find((h) => h.status === "followed") ?? hops[0];
}

export const VERDICTS = {
  quoted: "quoted word for word",
  paraphrase: "paraphrased",
  not_found: "claim not found in the cited page",
};

/** How sure Headwater is of a hop: "certain", or a percentage for a guess. */
export function certaintyOf(hop) {
  if (!hop || hop.certain !== false) return null;
  return Math.round((hop.confidence ?? 0) * 100);
}

/**
 * The sentence that cites a chain node, in the document that cites it
 * (node.evidence: {document, attribution, cue, content}). In the traced page
 * it is the whole sentence with its parts marked (evidenceOf); in a followed
 * page, whose text the trace does not carry, the attribution's own spans.
 * @returns {{where: string|null, text: string, highlights: {start: number, end: number, type: string}[]}|null}
 */
export function chainEvidence(trace, node) {
  const ev = node?.evidence;
  if (!ev) return null;
  if (ev.document === 0 || ev.document === undefined) {
    const a = ev.attribution !== null && ev.attribution !== undefined ? trace?.attributions?.[ev.attribution] : null;
    const found = a ? evidenceOf(trace, a) : null;
    if (found) return { where: null, text: found.text, highlights: found.highlights };
  }
  const doc = documentOf(trace, ev.document);
  const where = ev.document ? (doc?.outlet || doc?.site || doc?.title || shortHost(doc?.url)) : null;
  const a = ev.attribution !== null && ev.attribution !== undefined ? doc?.attributions?.[ev.attribution] : null;
  if (a) {
    // The mention, cue and content in their order in that page, joined where the page has more words.
    const spans = spansOf(a).sort((x, y) => x.start - y.start);
    let text = "";
    const highlights = [];
    let last = null;
    for (const span of spans) {
      if (last !== null && span.start < last) continue;
      if (last !== null) text += span.start === last ? "" : span.start - last <= 2 ? " " : " … ";
      highlights.push({ start: text.length, end: text.length + span.text.length, type: span.type });
      text += span.text;
      last = span.end;
    }
    if (text) return { where, text, highlights };
  }
  const text = [ev.cue, ev.content].filter(Boolean).join(": ");
  return text ? { where, text, highlights: [] } : null;
}

function shortHost(url) {
  try {
    return new URL(url).host;
  } catch {
    return url ?? null;
  }
}

/**
 * Every outside source the article relies on, grouped by kind with counts, most
 * cited first within a group. A medium ("told the Arabic daily Asharq al-Awsat")
 * counts as a source of its own kind; a social media platform (the `via` of a
 * "social" source) does not: it is where the account spoke (`platform`). Links
 * to the page's own outlet's earlier reporting (`own_site`) are left out
 * (ownSiteLinks counts them).
 * `linkOnly`: every citation of the source is a bare hyperlink (form "link");
 * `unlinked`: a published source (not a person, not anonymous) neither linked nor embedded.
 * @returns {{kind: string, count: number, sources: {name: string, kind: string, role: string|null,
 *           citations: number, linked: boolean, linkOnly: boolean, unlinked: boolean, forms: string[],
 *           platform: string|null, primary: boolean, archived: boolean}[]}[]}
 */
export function groupSources(trace) {
  const byName = new Map();
  const add = (name, kind, role, link, form) => {
    if (!name) return null;
    const key = nameKey(name);
    let entry = byName.get(key);
    if (!entry) {
      entry = { name, kind: displayKind(kind, name), role: role ?? null, citations: 0, linked: false,
                linkOnly: false, forms: [], platform: null, primary: Boolean(primaryEntry(trace, name)),
                archived: false };
      byName.set(key, entry);
    }
    entry.citations += 1;
    if (!entry.role && role) entry.role = role;
    if (link) entry.linked = true;
    if (isArchiveUrl(link)) entry.archived = true;
    if (form && !entry.forms.includes(form)) entry.forms.push(form);
    return entry;
  };
  const platforms = new Set();
  for (const a of outsideAttributions(trace)) {
    const entry = add(a.source?.name, a.source?.kind, a.source?.role, a.link, formOf(a));
    if (!a.via) continue;
    if (a.source?.kind === "social") {
      platforms.add(nameKey(a.via.name));
      if (entry && !entry.platform) entry.platform = a.via.name;
    } else {
      add(a.via.name, a.via.kind, null, null, formOf(a));
    }
  }
  // Names cited only as the page's own site, or only as a platform: not sources of their own.
  const skip = new Set([...platforms].filter((key) => !byName.has(key)));
  for (const a of trace?.attributions ?? []) {
    const key = nameKey(a.source?.name);
    if (isOwnSite(a) && key && !byName.has(key)) skip.add(key);
  }
  // A node reached only through a chain (followed, not cited in words) is a source too.
  const nodes = new Map();
  for (const chain of chainsOf(trace)) {
    for (const node of chain.slice(1)) {
      const key = nameKey(node.name);
      if (!skip.has(key) && !nodes.has(key)) nodes.set(key, node);
    }
  }
  for (const [key, node] of nodes) {
    if (!byName.has(key)) add(node.name, node.kind, node.role, node.url, FORMS.includes(node.form) ? node.form : null);
    else if (node.url) byName.get(key).linked = true;
    if (node.archived) byName.get(key).archived = true;
  }
  for (const entry of byName.values()) {
    entry.linkOnly = entry.forms.length > 0 && entry.forms.every((f) => f === "link");
    // a published source the page neither linked nor embedded
    entry.unlinked = !entry.linked && !entry.forms.includes("embed") && isUnlinked({ kind: entry.kind, url: null });
  }
  const groups = new Map();
  for (const entry of byName.values()) {
    if (!groups.has(entry.kind)) groups.set(entry.kind, []);
    groups.get(entry.kind).push(entry);
  }
  const rank = (k) => (KIND_ORDER.includes(k) ? KIND_ORDER.indexOf(k) : KIND_ORDER.length);
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([kind, sources]) => ({
      kind,
      count: sources.length,
      sources: sources.sort((x, y) => y.citations - x.citations || x.name.localeCompare(y.name)),
    }));
}

/**
 * The links to the page's own outlet's earlier reporting: how many (distinct
 * URLs, else attributions) and the outlet's name (the trace's site, else the name
 * the backend gave the source, else the page's host).
 * @returns {{count: number, site: string}}
 */
export function ownSiteLinks(trace) {
  const own = (trace?.attributions ?? []).filter(isOwnSite);
  const keys = new Set(own.map((a, i) => a.link || `#${i}`));
  const site = trace?.site || own.find((a) => a.source?.name)?.source.name || shortHost(trace?.url) || "this site";
  return { count: keys.size, site };
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/**
 * The line above the list: "31 sources, 40 citations, and 2 links to The
 * Daily Explainer's own reporting (not counted)."
 */
export function sourcesSummary(trace) {
  const total = groupSources(trace).reduce((n, g) => n + g.count, 0);
  const citations = outsideAttributions(trace).length;
  const own = ownSiteLinks(trace);
  let text = `${plural(total, "source", "sources")}, ${plural(citations, "citation", "citations")}`;
  if (own.count) text += `, and ${plural(own.count, "link", "links")} to ${own.site}'s own reporting (not counted)`;
  return `${text}.`;
}

/** A group of more than GROUP_COLLAPSE_OVER sources shows its first GROUP_SHOW until expanded. */
export const GROUP_SHOW = 5;
export const GROUP_COLLAPSE_OVER = 7;

/**
 * Which sources of a group are shown: all of a short group, or of a long one
 * the first GROUP_SHOW (the most cited) unless `expanded`.
 * @returns {{shown: object[], hidden: object[], collapsible: boolean}}
 */
export function collapseGroup(group, expanded = false) {
  const sources = group?.sources ?? [];
  const collapsible = sources.length > GROUP_COLLAPSE_OVER;
  const cut = collapsible && !expanded ? GROUP_SHOW : sources.length;
  return { shown: sources.slice(0, cut), hidden: sources.slice(cut), collapsible };
}

/** The button of a collapsible group: "Show 12 more" / "Show fewer". */
export function collapseLabel(group, expanded) {
  const { hidden, collapsible } = collapseGroup(group, false);
  if (!collapsible) return null;
  return expanded ? "Show fewer" : `Show ${hidden.length} more`;
}

/** The order named primary sources are listed in: people, organizations, documents, outlets, social accounts. */
const PRIMARY_ORDER = ["person", "organization", "document", "outlet", "wire", "social"];
/** The most named primary sources the line names; the others are counted. */
export const PRIMARY_NAMED_MAX = 8;

/**
 * The "Primary sources" line: the named ones by name (people, organizations,
 * documents, outlets, social accounts; at most PRIMARY_NAMED_MAX), then the
 * others counted ("and 5 unnamed sources").
 * @returns {{label: string, parts: {text: string, name?: boolean}[], text: string}|null}
 */
export function primarySummary(trace) {
  const seen = new Set();
  const primaries = primariesOf(trace).filter((p) => {
    const key = p.kind === "anonymous" ? null : nameKey(p.name);
    if (key === null) return true;
    if (!key || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (!primaries.length) return null;
  const rank = (p) => (PRIMARY_ORDER.includes(displayKind(p.kind, p.name))
    ? PRIMARY_ORDER.indexOf(displayKind(p.kind, p.name)) : PRIMARY_ORDER.length);
  const named = primaries.filter((p) => p.kind !== "anonymous")
    .map((p, i) => ({ p, i })).sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i).map(({ p }) => p);
  const unnamed = primaries.length - named.length;
  const items = named.slice(0, PRIMARY_NAMED_MAX).map((p) => ({ text: p.name, name: true }));
  const more = named.length - items.length;
  if (more) items.push({ text: more === 1 ? "one other named source" : `${more} other named sources` });
  if (unnamed) items.push({ text: unnamed === 1 ? "an unnamed source" : `${unnamed} unnamed sources` });
  const parts = [];
  items.forEach((item, i) => {
    if (i) parts.push({ text: i === items.length - 1 ? " and " : ", " });
    parts.push(item);
  });
  const label = primaries.length === 1 ? "Primary source:" : "Primary sources:";
  return { label, parts, text: `${label} ${parts.map((p) => p.text).join("")}` };
}

/**
 * How the page (or the document before it) cites a chain node: the node's own
 * `form` if the backend gave one; in a followed chain, its evidence's
 * attribution; else the form shared by every outside attribution naming it (as
 * source or as medium). Null when not known or mixed (linked and quoted too).
 */
export function hopForm(trace, node) {
  if (!node || node.kind === "page") return null;
  if (FORMS.includes(node.form)) return node.form;
  const ev = node.evidence;
  if (ev && ev.attribution !== null && ev.attribution !== undefined) {
    const list = ev.document ? documentOf(trace, ev.document)?.attributions : trace?.attributions;
    const a = list?.[ev.attribution];
    if (a) return formOf(a);
  }
  const key = nameKey(node.name);
  const citing = outsideAttributions(trace)
    .filter((a) => nameKey(a.source?.name) === key || (a.via && nameKey(a.via.name) === key));
  const forms = new Set(citing.map(formOf));
  return forms.size === 1 ? [...forms][0] : null;
}

/** The tag on a chain hop: "linked" for a citation by a bare link (also "credited", "embedded"), else null. */
export function hopLabel(trace, node) {
  return FORM_LABELS[hopForm(trace, node)] ?? null;
}

/** How a source is named in a tooltip: "Ali Khoram (adviser to Mr. Zarif), via Asharq al-Awsat". */
function describe(a) {
  let s = a.source?.name ?? "an unnamed source";
  if (a.source?.role) s += ` (${a.source.role})`;
  if (a.via?.name) s += a.source?.kind === "social" ? ` on ${a.via.name}` : `, via ${a.via.name}`;
  const tag = FORM_LABELS[formOf(a)];
  if (tag) s += `, ${tag}`;
  return s;
}

/**
 * What the overlay underlines: one mark per attributed sentence, its tooltip
 * naming the source(s) ("Source: The Hindu, linked"). A sentence whose every
 * citation is a bare link gets `form: "link"` (drawn dashed). Links to the
 * page's own site are not underlined: they cite no outside source.
 * @returns {import("./messages.js").OverlayMark[]}
 */
export function overlayMarks(trace) {
  const bySentence = new Map();
  for (const a of outsideAttributions(trace)) {
    const ev = evidenceOf(trace, a);
    if (!ev || !ev.text) continue;
    const key = `${ev.start}:${ev.end}`;
    if (!bySentence.has(key)) {
      const fallbacks = [];
      if (a.content?.text && a.content.text.length >= 20) fallbacks.push(a.content.text);
      const half = ev.text.slice(0, Math.max(40, Math.floor(ev.text.length / 2)));
      if (half.length < ev.text.length) fallbacks.push(half);
      bySentence.set(key, { text: ev.text, fallbacks, names: [], forms: new Set() });
    }
    const entry = bySentence.get(key);
    const name = describe(a);
    if (!entry.names.includes(name)) entry.names.push(name);
    entry.forms.add(formOf(a));
  }
  return [...bySentence.values()].map(({ text, fallbacks, names, forms }) => ({
    text,
    fallbacks,
    tip: `Source: ${names.join("; ")}`,
    form: forms.size === 1 && forms.has("link") ? "link" : "verb",
  }));
}
