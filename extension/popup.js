/**
 * The popup: the chain(s) from this page to its primary sources.
 *
 * Opened from the toolbar it works on the active tab (activeTab grants it the
 * tab's URL). It also accepts `popup.html?url=<page URL>` (and `&tab=<id>`),
 * since activeTab is only granted by a real click, and `&claim=<sentence>`,
 * which the "Trace this claim" context menu uses.
 */
import { ext } from "./lib/browser.js";
import { BackendError, Client, asBackendError, clientStage, isRunning, serveCommand, shortUrl } from "./lib/client.js";
import {
  KIND_LABELS, VERDICTS, attributionsFor, badgesFor, certaintyOf, chainEvidence, chainsOf, collapseGroup,
  collapseLabel, documentOf, evidenceOf, followOf, groupSources, hopInto, hopLabel, isArchiveUrl, isUnlinked,
  kindHeading, nameKey, overlayMarks, primaryEntry, primarySummary, sourcesSummary,
} from "./lib/evidence.js";
import { MSG, TRACE_PORT, isMessage, overlayHide, overlayShow, overlayStatus, traceClaim } from "./lib/messages.js";
import { loadSettings } from "./lib/settings.js";
import { findTab, renderedHtml } from "./lib/tabs.js";

const $ = (id) => document.getElementById(id);

/** Build an element: h("p", {class: "x"}, "text", child, …). Text is never parsed as HTML. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

const state = {
  url: "",
  tabId: undefined,
  claim: "",
  settings: null,
  client: null,
  trace: null,
  busy: false,
  backendProgress: false,   // a progress event from the backend has arrived in this trace
};

// --- where we are ----------------------------------------------------------

async function resolveTarget() {
  const params = new URLSearchParams(location.search);
  state.claim = (params.get("claim") ?? "").trim();
  if (params.get("url")) {
    state.url = params.get("url");
    const tab = params.get("tab");
    state.tabId = tab !== null && /^\d+$/.test(tab) ? Number(tab) : undefined;
    return { title: "" };
  }
  const [tab] = await ext.tabs.query({ active: true, currentWindow: true });
  state.url = tab?.url ?? "";
  state.tabId = tab?.id;
  return { title: tab?.title ?? "" };
}

function showPage(title) {
  $("page-title").textContent = title || "";
  $("page-title").hidden = !title;
  $("page-url").textContent = state.url;
  if (state.claim) {
    $("claim").replaceChildren(h("span", { class: "label" }, "Claim: "), h("q", {}, state.claim));
    $("claim").hidden = false;
  }
}

// --- progress ----------------------------------------------------------------

/** Where each of the client's own stages puts the bar, in percent. */
const CLIENT_PERCENT = { sending: 3, analysing: 10, rendering: 100 };
/** The share of the bar the backend's progress events fill: from 10 % to 95 %. */
const BACKEND_FROM = 10;
const BACKEND_SPAN = 85;

/**
 * One bar for the whole trace, in percent, never going back. The client's own
 * stages (sending, waiting for the first page, drawing) mark its ends; the
 * backend's progress events, once the first one arrives, fill the middle by
 * pages read out of pages known, and their messages replace the client's until
 * the result is drawn.
 * @param {import("./lib/messages.js").Progress} p
 */
function showProgress(p) {
  if (p.from === "client" && state.backendProgress && p.stage !== "rendering") return;
  $("progress").hidden = false;
  const bar = $("progress-bar");
  let percent = null;
  if (p.from === "backend") {
    state.backendProgress = true;
    if (Number.isFinite(p.total) && p.total > 0 && Number.isFinite(p.done)) {
      percent = BACKEND_FROM + Math.min(1, Math.max(0, p.done / p.total)) * BACKEND_SPAN;
      $("progress-step").textContent = `${p.done} of ${p.total} page${p.total === 1 ? "" : "s"} read (so far)`;
    } else if (!$("progress-step").dataset.pages) {
      percent = BACKEND_FROM;
      $("progress-step").textContent = "";
    }
    if (percent !== null) $("progress-step").dataset.pages = "yes";
  } else {
    percent = CLIENT_PERCENT[p.stage] ?? (p.done / Math.max(1, p.total)) * 100;
    $("progress-step").textContent = p.stage === "rendering" ? "" : `Step ${Math.min(p.done + 1, p.total)} of ${p.total}`;
  }
  bar.max = 100;
  if (percent !== null) {
    bar.value = Math.round(Math.max(Number(bar.dataset.trace === "on" ? bar.value : 0), percent));
  }
  bar.dataset.trace = "on";
  $("progress").dataset.from = p.from;
  $("progress-message").textContent = p.message;
  document.body.dataset.stage = p.stage;
}

function hideProgress() {
  $("progress").hidden = true;
  $("progress-bar").dataset.trace = "off";
  delete $("progress-step").dataset.pages;
  state.backendProgress = false;
  delete document.body.dataset.stage;
}

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

// --- errors ------------------------------------------------------------------

function showError(error) {
  const e = error instanceof BackendError ? error : asBackendError(error);
  const box = $("error");
  const retry = h("button", { type: "button", onclick: () => run({ force: false }) }, "Try again");
  let content;
  switch (e.kind) {
    case "unreachable":
      content = [
        h("h2", {}, "Headwater's backend is not running"),
        h("p", {}, `Nothing answered at ${e.backend ?? state.settings?.backendUrl}.`),
        h("p", {}, "Start it in the Headwater folder with:"),
        h("pre", {}, h("code", { class: "command" }, e.command ?? "make run")),
        h("p", { class: "muted" }, "(or, without make: ", h("code", {}, serveCommand(e.backend ?? "")), ")"),
        h("div", { class: "actions" }, retry),
      ];
      break;
    case "unauthorized":
      content = [
        h("h2", {}, "The backend refused the API token"),
        h("p", {}, "Run ", h("code", { class: "command" }, "headwater token"),
          " in the Headwater folder, then paste the token into Headwater's options."),
        h("div", { class: "actions" },
          h("button", { type: "button", onclick: () => ext.runtime.openOptionsPage() }, "Open options"), retry),
      ];
      break;
    case "timeout":
      content = [h("h2", {}, "The backend is taking too long"), h("p", {}, e.message), h("div", { class: "actions" }, retry)];
      break;
    case "backend":
      content = [
        h("h2", {}, "The backend could not trace this page"),
        h("p", { class: "backend-message" }, e.message),
        e.code ? h("p", { class: "muted" }, `Error code: ${e.code}`) : null,
        h("div", { class: "actions" }, retry),
      ];
      break;
    default:
      content = [h("h2", {}, "Something went wrong"), h("p", {}, e.message), h("div", { class: "actions" }, retry)];
  }
  box.replaceChildren(...content.filter(Boolean));
  box.dataset.kind = e.kind;
  box.hidden = false;
}

function showNotice(title, text) {
  const box = $("error");
  box.replaceChildren(h("h2", {}, title), h("p", {}, text));
  box.dataset.kind = "notice";
  box.hidden = false;
}

// --- the result --------------------------------------------------------------

function formatDate(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

function badge(kind) {
  return h("span", { class: `badge badge-${kind}` }, KIND_LABELS[kind] ?? kind);
}

/** The evidence sentence with the source, cue and content marked. */
function evidenceQuote(ev) {
  const parts = [];
  let at = 0;
  const marks = [...ev.highlights].sort((a, b) => a.start - b.start);
  for (const m of marks) {
    if (m.start < at) continue;   // overlapping spans: keep the first
    if (m.start > at) parts.push(ev.text.slice(at, m.start));
    const tag = m.type === "content" ? "span" : "strong";
    parts.push(h(tag, { class: `ev-${m.type}` }, ev.text.slice(m.start, m.end)));
    at = m.end;
  }
  parts.push(ev.text.slice(at));
  return h("blockquote", { class: "evidence-text" }, parts);
}

/** What a hop's form tag means, for its title. */
const FORM_TITLES = {
  linked: "Cited by a link alone: the page links to it without saying what it said",
  credited: "Cited in a credit line or dateline",
  embedded: "An embedded post or signed quote",
};

const flag = (cls, text, title) => h("span", { class: `flag ${cls}`, title }, text);
const clip = (text, max = 480) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The hop of a followed trace behind a chain node: into its page, or (its page unread) naming it. */
function hopFor(node) {
  if (!state.trace?.follow) return undefined;
  if (node.document !== null && node.document !== undefined) return hopInto(state.trace, node.document);
  const key = nameKey(node.name);
  return (state.trace.follow.hops ?? []).find((hop) => hop.source && nameKey(hop.source.name) === key
    && hop.status !== "followed");
}

function renderNode(node, index, chain) {
  if (index === 0 || node.kind === "page") {
    return h("li", { class: "hop hop-page" },
      h("div", { class: "hop-head" }, h("span", { class: "name" }, "This page"), badge("page")));
  }
  const followed = "evidence" in node;   // a chain across documents (trace.follow)
  const entry = primaryEntry(state.trace, node.name);
  const primary = !node.circular && (Boolean(entry) || index === chain.length - 1);
  const hop = followed ? hopFor(node) : undefined;
  const doc = documentOf(state.trace, node.document ?? hop?.to);
  const unread = doc && doc.status !== "traced" && !node.document;

  const flags = [];
  const details = [];   // what a flag means here, in words (a title alone is not reachable from the keyboard)
  if (node.kind === "anonymous") flags.push(flag("flag-anonymous", "Anonymous source"));
  if (node.circular) {
    const cycle = (state.trace.follow?.cycles ?? [])[0];
    flags.push(flag("flag-circular", "Circular sourcing", cycle?.message));
  }
  if (unread) {
    flags.push(flag("flag-unread", doc.status === "blocked" ? "Not allowed to read" : "Could not be read", doc.error?.message));
    if (doc.error?.message && !(entry?.reason ?? "").includes(doc.error.message)) details.push(doc.error.message);
  } else if (isUnlinked(node) && !hop) flags.push(flag("flag-unlinked", "Cited without a link"));
  for (const f of hop?.flags ?? []) {
    if (f.code === "published_after") {
      flags.push(flag("flag-after", "Published after the page citing it", f.message));
      details.push(f.message.charAt(0).toUpperCase() + f.message.slice(1) + ".");
    } else if (f.code !== "circular") flags.push(flag(`flag-${f.code}`, f.message));
  }
  const sure = certaintyOf(hop);
  if (sure !== null) {
    const query = hop.query ? `Found in a news index by: ${hop.query}` : undefined;
    flags.push(flag("flag-uncertain", `Uncertain match: ${sure}% sure`, query));
    details.push(`A guess, not a certainty. ${query ?? "Found in a news index."}`);
  }
  if (node.match?.verdict === "not_found") flags.push(flag("flag-not-found", "Claim not found in this page"));
  if (doc?.changed) flags.push(flag("flag-changed", "Changed since it was last read"));

  let evidence = [];
  if (followed) {
    const said = chainEvidence(state.trace, node);
    if (said) {
      evidence.push(h("p", { class: "ev-where muted" }, said.where ? `Cited in ${said.where}:` : "Cited in this page:"));
      evidence.push(evidenceQuote(said));
    }
    if (node.match?.cited?.text) {
      evidence.push(h("p", { class: "ev-where muted" }, `Found in its page (${VERDICTS[node.match.verdict] ?? node.match.verdict}):`));
      evidence.push(h("blockquote", { class: "evidence-text matched" }, clip(node.match.cited.text)));
    }
  } else {
    const attributions = attributionsFor(state.trace, node.name);
    const found = attributions.map((a) => evidenceOf(state.trace, a)).filter(Boolean);
    evidence = [...new Map(found.map((e) => [e.text, e])).values()].slice(0, 4).map(evidenceQuote);
  }
  const attributions = attributionsFor(state.trace, node.name);
  const reporters = [...new Set(attributions.map((a) => a.source?.reporter).filter(Boolean))];
  const role = node.role || (reporters.length ? `Reported by ${reporters.join(", ")}` : null);
  const quotes = evidence.filter((e) => e.tagName === "BLOCKQUOTE").length;

  // The page behind the node: its title and date, and how it was read.
  let page = null;
  if (doc && node.document) {
    const bits = [];
    if (doc.title) bits.push(`“${doc.title}”`);
    if (doc.published) bits.push(`published ${doc.published}`);
    if (node.archived || doc.archived) bits.push(`read from the Wayback Machine's copy of ${(node.archived ?? doc.archived).date}`);
    if (doc.found_by === "news_index") bits.push("found in a news index");
    page = bits.length ? h("p", { class: "doc muted" }, bits.join(" · ")) : null;
  }
  const match = node.match && node.match.verdict !== "not_found"
    ? h("p", { class: "match" }, `Passage ${VERDICTS[node.match.verdict] ?? node.match.verdict}`) : null;

  let link = null;
  const url = node.url ?? (unread ? hop?.url : null);
  if (url) {
    const open = (href, label) => h("a", { class: "open-link", href, target: "_blank", rel: "noopener noreferrer" },
      label, h("span", { class: "visually-hidden" }, ` (${node.name})`));
    const archived = node.archived ?? null;
    const archiveUrl = isArchiveUrl(url);
    link = h("p", { class: "links" },
      open(url, archiveUrl ? "Open the archived copy" : "Open the cited page"),
      archived?.url
        ? [" · ", open(archived.url, `archived copy (${archived.date})`)]
        // the Wayback Machine's latest copy, for pages that moved or vanished
        : archiveUrl ? null : [" · ", open(`https://web.archive.org/web/${url}`, "archived copy")]);
  }

  const form = hopLabel(state.trace, node);
  return h("li", { class: ["hop", primary ? "primary" : "", node.circular ? "circular" : ""].join(" ").trim() },
    h("div", { class: "hop-head" },
      h("span", { class: "name" }, node.name),
      form ? h("span", { class: `hop-form form-${form}`, title: FORM_TITLES[form] }, form) : null,
      badgesFor(node).map((kind) => (kind === "archived" && node.archived
        ? h("span", { class: "badge badge-archived", title: `Read from an archived copy of ${node.archived.date}` },
            KIND_LABELS.archived)
        : badge(kind))),
      primary ? h("span", { class: "primary-mark", title: entry?.reason ?? "" }, "Primary source") : null),
    role ? h("p", { class: "role" }, role) : null,
    page,
    flags.length ? h("p", { class: "flags" }, flags) : null,
    details.map((text) => h("p", { class: "flag-detail muted" }, text)),
    match,
    primary && entry?.reason ? h("p", { class: "reason muted" }, entry.reason) : null,
    evidence.length
      ? h("details", { class: "evidence" },
          h("summary", {}, quotes <= 1 ? "Evidence" : `Evidence (${quotes})`),
          evidence)
      : null,
    link);
}

/** What following the sources found besides the chains: the pages read, cycles, pages not followed. */
function renderFollow(trace) {
  const follow = trace.follow;
  if (!follow) return [];
  const out = [];
  if (follow.state === "failed") {
    out.push(h("p", { class: "follow-note warn" },
      `Following the cited sources failed (${follow.error ?? "no reason given"}); these are this page's own sources.`));
    return out;
  }
  if (!followOf(trace)) return out;
  const docs = follow.documents ?? [];
  const read = docs.filter((d) => d.idx && d.status === "traced").length;
  out.push(h("p", { class: "follow-note muted" },
    `Followed the sources upstream: ${read} cited page${read === 1 ? "" : "s"} read` +
    (docs.length - 1 - read > 0 ? `, ${docs.length - 1 - read} not read` : "") + "."));
  for (const cycle of follow.cycles ?? []) {
    out.push(h("p", { class: "follow-note warn" }, cycle.message));
  }
  const stopped = follow.stopped ?? [];
  if (stopped.length) {
    out.push(h("details", { class: "stopped" },
      h("summary", {}, `Not followed (${stopped.length})`),
      h("ul", {}, stopped.map((s) => h("li", {}, s.url ? [h("span", { class: "url" }, shortUrl(s.url)), `: ${s.reason}`] : s.reason)))));
  }
  return out;
}

function renderChains(trace) {
  const chains = chainsOf(trace);
  const box = $("chains");
  if (!chains.length) {
    box.replaceChildren(...renderFollow(trace), h("p", { class: "empty" }, "Headwater found no source this article relies on."));
    return;
  }
  const line = primarySummary(trace);
  const summary = line
    ? h("p", { class: "primary-summary" }, `${line.label} `,
        line.parts.map((part) => (part.name ? h("strong", {}, part.text) : part.text)))
    : null;
  box.replaceChildren(
    ...[summary].filter(Boolean),
    ...renderFollow(trace),
    ...chains.map((chain, i) => {
      const last = chain[chain.length - 1];
      const label = `Chain ${i + 1} of ${chains.length}: from this page to ${last?.name ?? "its source"}`;
      return h("section", { class: "chain-box" },
        chains.length > 1 ? h("h3", { class: "chain-title" },
          last?.circular ? `Back to ${last.name} (circular)` : `To ${last?.name ?? "its source"}`) : null,
        h("ol", { class: "chain", "aria-label": label }, chain.map((node, j) => renderNode(node, j, chain))));
    }),
  );
}

/** One source of "Every source in the article". */
function renderSource(s) {
  return h("li", { class: "source" },
    h("span", { class: "name" }, s.name),
    s.role ? h("span", { class: "role" }, ` — ${s.role}`) : null,
    s.platform ? h("span", { class: "platform" }, ` on ${s.platform}`) : null,
    h("span", { class: "citations muted" }, ` · cited ${s.citations}×`),
    s.linkOnly ? h("span", { class: "tag tag-linked", title: "Cited only by a link" }, "linked") : null,
    s.primary ? h("span", { class: "primary-mark small" }, "Primary") : null,
    s.kind === "anonymous" ? h("span", { class: "flag flag-anonymous" }, "Anonymous") : null,
    s.unlinked ? h("span", { class: "flag flag-unlinked" }, "No link") : null,
    s.archived ? badge("archived") : null);
}

/** A kind's group: its heading and count, its first sources, and the rest behind "Show N more". */
function renderGroup(g, index) {
  const listId = `sources-${index}-${g.kind}`;
  const items = g.sources.map(renderSource);
  const list = h("ul", { id: listId }, items);
  let toggle = null;
  if (collapseGroup(g).collapsible) {
    let expanded = false;
    toggle = h("button", { type: "button", class: "link-button show-more", "aria-controls": listId });
    const update = () => {
      const shown = new Set(collapseGroup(g, expanded).shown);
      g.sources.forEach((source, i) => { items[i].hidden = !shown.has(source); });
      toggle.textContent = collapseLabel(g, expanded);
      toggle.setAttribute("aria-expanded", String(expanded));
    };
    toggle.addEventListener("click", () => {
      expanded = !expanded;
      update();
    });
    update();
  }
  const heading = `${kindHeading(g.kind)}: ${g.count}`;
  return h("section", { class: "group", "aria-label": heading, dataset: { kind: g.kind } },
    h("h3", {}, badge(g.kind), ` ${kindHeading(g.kind)} `, h("span", { class: "count" }, String(g.count))),
    list,
    toggle);
}

function renderSources(trace) {
  const groups = groupSources(trace);
  const box = $("sources");
  if (!groups.length) {
    box.replaceChildren(h("p", { class: "empty" }, "No attributed sources."));
    return;
  }
  box.replaceChildren(
    h("p", { class: "muted sources-summary" }, sourcesSummary(trace)),
    ...groups.map(renderGroup));
}

function render(trace, { fromStore = false } = {}) {
  state.trace = trace;
  if (trace.title) {
    $("page-title").textContent = trace.site ? `${trace.title} — ${trace.site}` : trace.title;
    $("page-title").hidden = false;
  }
  const meta = [];
  if (trace.published) meta.push(`Published ${trace.published}`);
  if (trace.fetched_at) meta.push(`traced ${formatDate(trace.fetched_at)}`);
  if (fromStore) meta.push("from Headwater's store");
  $("trace-meta").textContent = meta.join(" · ");
  renderChains(trace);
  renderSources(trace);
  $("error").hidden = true;
  $("result").hidden = false;
  document.body.dataset.traceId = trace.id ?? "";
}

// --- overlay -----------------------------------------------------------------

async function setOverlay(on) {
  const status = $("overlay-status");
  const toggle = $("overlay-toggle");
  if (!state.trace) return;
  status.textContent = on ? "Underlining…" : "";
  let reply;
  try {
    reply = await ext.runtime.sendMessage(on
      ? overlayShow(state.url, state.tabId, overlayMarks(state.trace))
      : overlayHide(state.url, state.tabId));
  } catch (error) {
    reply = { ok: false, error: String(error?.message ?? error) };
  }
  if (!reply?.ok) {
    toggle.checked = false;
    status.textContent = `Could not underline the page: ${reply?.error ?? "no answer"}`;
    return;
  }
  toggle.checked = Boolean(reply.on);
  if (!on) status.textContent = "Underlines removed.";
  else if (!reply.underlined) status.textContent = "None of the attributed sentences were found on the page.";
  else {
    const missing = reply.missing ? ` (${reply.missing} not found on the page)` : "";
    status.textContent = `Underlined ${reply.underlined} attributed sentence${reply.underlined === 1 ? "" : "s"}${missing}.`;
  }
}

async function syncOverlay() {
  let reply;
  try {
    reply = await ext.runtime.sendMessage(overlayStatus(state.url, state.tabId));
  } catch {
    reply = null;
  }
  if (reply?.on) {
    $("overlay-toggle").checked = true;
  } else if (state.settings.overlayDefault) {
    await setOverlay(true);
  }
}

// --- tracing -----------------------------------------------------------------

/** Trace one claim through the service worker (MSG.TRACE_CLAIM on a TRACE_PORT port). */
function traceClaimViaWorker(onProgress) {
  return new Promise((resolve, reject) => {
    const port = ext.runtime.connect({ name: TRACE_PORT });
    let finished = false;
    port.onMessage.addListener((message) => {
      if (isMessage(message, MSG.TRACE_PROGRESS)) onProgress(message.progress);
      else if (isMessage(message, MSG.TRACE_RESULT)) {
        finished = true;
        port.disconnect();
        if (message.ok) resolve(message.trace);
        else reject(BackendError.from(message.error));
      }
    });
    port.onDisconnect.addListener(() => {
      if (!finished) reject(new BackendError("protocol", "Headwater's background worker stopped before the trace finished."));
    });
    port.postMessage(traceClaim(state.url, state.claim, state.tabId));
  });
}

/** Look the page up in the store (unless `force`), else trace it, showing progress. */
async function run({ force }) {
  if (state.busy) return;
  state.busy = true;
  $("trace-again").disabled = true;
  $("error").hidden = true;
  try {
    // Read the settings afresh: the reader may have just fixed the token in the options.
    state.settings = await loadSettings();
    state.client = Client.fromSettings(state.settings);
    if (!force && !state.claim) {
      let stored = await state.client.provenance(state.url);
      if (stored && isRunning(stored)) {   // still following its sources: wait for it, with its progress
        $("result").hidden = true;
        stored = await state.client.follow(stored.id, showProgress);
      }
      if (stored) {
        render(stored, { fromStore: true });
        await syncOverlay();
        return;
      }
    }
    $("result").hidden = true;
    let trace;
    if (state.claim) {
      trace = await traceClaimViaWorker(showProgress);
    } else {
      const tabId = state.settings.sendHtml ? await findTab(state.tabId, state.url) : undefined;
      const html = tabId !== undefined ? await renderedHtml(tabId) : undefined;
      trace = await state.client.trace({ url: state.url, html, follow: state.settings.followSources }, showProgress);
    }
    showProgress(clientStage("rendering"));
    await nextFrame();
    render(trace);
    await syncOverlay();
  } catch (error) {
    $("result").hidden = true;
    showError(error);
  } finally {
    hideProgress();
    state.busy = false;
    $("trace-again").disabled = false;
  }
}

async function main() {
  $("open-options").addEventListener("click", () => ext.runtime.openOptionsPage());
  $("trace-again").addEventListener("click", () => run({ force: true }));
  $("overlay-toggle").addEventListener("change", (event) => setOverlay(event.target.checked));

  const { title } = await resolveTarget();
  showPage(title);
  if (!/^https?:\/\//i.test(state.url)) {
    showNotice("Nothing to trace here", "Open a news article (an http or https page) and click Headwater again.");
    return;
  }
  await run({ force: false });
}

main().catch(showError);
