/**
 * The popup: the chain(s) from this page to its primary sources.
 *
 * Opened from the toolbar it works on the active tab (activeTab grants it the
 * tab's URL). It also accepts `popup.html?url=<page URL>` (and `&tab=<id>`),
 * since activeTab is only granted by a real click, and `&claim=<sentence>`,
 * which the "Trace this claim" context menu uses.
 */
import { ext } from "./lib/browser.js";
import { BackendError, Client, asBackendError, clientStage, serveCommand } from "./lib/client.js";
import {
  KIND_LABELS, attributionsFor, badgesFor, evidenceOf, groupSources, isArchiveUrl, isUnlinked,
  kindHeading, overlayMarks, primaryEntry,
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

/**
 * One bar for the whole trace, in percent. The client's own stages split it
 * in three (sending, waiting for the backend, drawing); progress events from
 * the backend, when it sends them, fill the middle third.
 * @param {import("./lib/messages.js").Progress} p
 */
function showProgress(p) {
  $("progress").hidden = false;
  const bar = $("progress-bar");
  const third = 100 / 3;
  let percent;
  if (p.from === "backend") {
    const share = p.total > 0 ? Math.min(1, Math.max(0, p.done / p.total)) : 0;
    percent = third + share * third;
    $("progress-step").textContent = p.total > 0 ? `Step ${Math.min(p.done + 1, p.total)} of ${p.total} at the backend` : "";
  } else {
    percent = (p.done / Math.max(1, p.total)) * 100;
    $("progress-step").textContent = `Step ${Math.min(p.done + 1, p.total)} of ${p.total}`;
  }
  bar.max = 100;
  bar.value = Math.round(Math.max(Number(bar.dataset.trace === "on" ? bar.value : 0), percent));
  bar.dataset.trace = "on";
  $("progress-message").textContent = p.message;
  document.body.dataset.stage = p.stage;
}

function hideProgress() {
  $("progress").hidden = true;
  $("progress-bar").dataset.trace = "off";
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

function renderNode(node, index, chain) {
  if (index === 0 || node.kind === "page") {
    return h("li", { class: "hop hop-page" },
      h("div", { class: "hop-head" }, h("span", { class: "name" }, "This page"), badge("page")));
  }
  const entry = primaryEntry(state.trace, node.name);
  const primary = Boolean(entry) || index === chain.length - 1;
  const flags = [];
  if (node.kind === "anonymous") flags.push(h("span", { class: "flag flag-anonymous" }, "Anonymous source"));
  if (isUnlinked(node)) flags.push(h("span", { class: "flag flag-unlinked" }, "Cited without a link"));

  const attributions = attributionsFor(state.trace, node.name);
  const evidence = attributions.map((a) => evidenceOf(state.trace, a)).filter(Boolean);
  const reporters = [...new Set(attributions.map((a) => a.source?.reporter).filter(Boolean))];
  const role = node.role || (reporters.length ? `Reported by ${reporters.join(", ")}` : null);
  const uniqueEvidence = [...new Map(evidence.map((e) => [e.text, e])).values()];

  let link = null;
  if (node.url) {
    const archived = isArchiveUrl(node.url);
    const open = (href, label) => h("a", { class: "open-link", href, target: "_blank", rel: "noopener noreferrer" },
      label, h("span", { class: "visually-hidden" }, ` (${node.name})`));
    link = h("p", { class: "links" },
      open(node.url, archived ? "Open the archived copy" : "Open the cited page"),
      // the Wayback Machine's latest copy, for pages that moved or vanished
      archived ? null : [" · ", open(`https://web.archive.org/web/${node.url}`, "archived copy")]);
  }

  return h("li", { class: ["hop", primary ? "primary" : ""].join(" ").trim() },
    h("div", { class: "hop-head" },
      h("span", { class: "name" }, node.name),
      badgesFor(node).map(badge),
      primary ? h("span", { class: "primary-mark", title: entry?.reason ?? "" }, "Primary source") : null),
    role ? h("p", { class: "role" }, role) : null,
    flags.length ? h("p", { class: "flags" }, flags) : null,
    primary && entry?.reason ? h("p", { class: "reason muted" }, entry.reason) : null,
    uniqueEvidence.length
      ? h("details", { class: "evidence" },
          h("summary", {}, uniqueEvidence.length === 1 ? "Evidence" : `Evidence (${uniqueEvidence.length})`),
          uniqueEvidence.slice(0, 4).map(evidenceQuote))
      : null,
    link);
}

function renderChains(trace) {
  const chains = trace.chains ?? [];
  const box = $("chains");
  if (!chains.length) {
    box.replaceChildren(h("p", { class: "empty" }, "Headwater found no source this article relies on."));
    return;
  }
  const primaries = trace.primary_sources ?? [];
  const summary = primaries.length
    ? h("p", { class: "primary-summary" }, primaries.length === 1 ? "Primary source: " : "Primary sources: ",
        primaries.map((p, i) => [i ? ", " : "", h("strong", {}, p.name)]))
    : null;
  box.replaceChildren(
    ...[summary].filter(Boolean),
    ...chains.map((chain, i) => {
      const last = chain[chain.length - 1];
      const label = `Chain ${i + 1} of ${chains.length}: from this page to ${last?.name ?? "its source"}`;
      return h("section", { class: "chain-box" },
        chains.length > 1 ? h("h3", { class: "chain-title" }, `To ${last?.name ?? "its source"}`) : null,
        h("ol", { class: "chain", "aria-label": label }, chain.map((node, j) => renderNode(node, j, chain))));
    }),
  );
}

function renderSources(trace) {
  const groups = groupSources(trace);
  const box = $("sources");
  if (!groups.length) {
    box.replaceChildren(h("p", { class: "empty" }, "No attributed sources."));
    return;
  }
  const total = groups.reduce((n, g) => n + g.count, 0);
  box.replaceChildren(
    h("p", { class: "muted" }, `${total} source${total === 1 ? "" : "s"}, ${(trace.attributions ?? []).length} attributions.`),
    ...groups.map((g) =>
      h("section", { class: "group", "aria-label": `${kindHeading(g.kind)}: ${g.count}` },
        h("h3", {}, badge(g.kind), ` ${kindHeading(g.kind)} `, h("span", { class: "count" }, String(g.count))),
        h("ul", {},
          g.sources.map((s) =>
            h("li", { class: "source" },
              h("span", { class: "name" }, s.name),
              s.role ? h("span", { class: "role" }, ` — ${s.role}`) : null,
              h("span", { class: "citations muted" }, ` · cited ${s.citations}×`),
              s.primary ? h("span", { class: "primary-mark small" }, "Primary") : null,
              s.kind === "anonymous" ? h("span", { class: "flag flag-anonymous" }, "Anonymous") : null,
              !s.linked && isUnlinked({ kind: s.kind, url: null }) ? h("span", { class: "flag flag-unlinked" }, "No link") : null,
              s.archived ? badge("archived") : null))))));
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
      const stored = await state.client.provenance(state.url);
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
      trace = await state.client.trace({ url: state.url, html }, showProgress);
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
