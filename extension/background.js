/**
 * The service worker (Chromium) / background script (Firefox).
 *
 * - "Trace this claim" in the context menu of a text selection: opens the
 *   popup in a small window for that claim; the popup sends {url, claim}
 *   back here (MSG.TRACE_CLAIM over a TRACE_PORT port) and this worker asks
 *   the backend, posting progress and the result on the port.
 * - The page overlay: injects lib/overlay.js into a tab on MSG.OVERLAY_SHOW,
 *   and forwards MSG.OVERLAY_HIDE / MSG.OVERLAY_STATUS to it.
 */
import { ext } from "./lib/browser.js";
import { Client, asBackendError } from "./lib/client.js";
import {
  MENU_TRACE_CLAIM, MSG, TRACE_PORT, isMessage, traceProgress, traceResult,
} from "./lib/messages.js";
import { overlayMain } from "./lib/overlay.js";
import { loadSettings } from "./lib/settings.js";
import { findTab, renderedHtml } from "./lib/tabs.js";

// --- context menu ----------------------------------------------------------

async function createMenu() {
  await ext.contextMenus.removeAll();
  ext.contextMenus.create({
    id: MENU_TRACE_CLAIM,
    title: "Trace this claim",
    contexts: ["selection"],
  });
}
ext.runtime.onInstalled.addListener(createMenu);
ext.runtime.onStartup?.addListener(createMenu);

/** The popup, opened on one claim: `popup.html?url=…&claim=…&tab=…`. */
export function claimPopupUrl(url, claim, tabId) {
  const params = new URLSearchParams({ url, claim });
  if (Number.isInteger(tabId) && tabId >= 0) params.set("tab", String(tabId));
  return ext.runtime.getURL(`popup.html?${params}`);
}

/**
 * A click on "Trace this claim". The context-menu click grants activeTab on
 * that tab, which lets the claim trace read the page's HTML if the reader allowed it.
 */
export async function onMenuClick(info, tab) {
  if (info.menuItemId !== MENU_TRACE_CLAIM) return;
  const claim = (info.selectionText ?? "").trim();
  const url = info.pageUrl || tab?.url;
  if (!claim || !url) return;
  await ext.windows.create({
    url: claimPopupUrl(url, claim, tab?.id),
    type: "popup",
    width: 460,
    height: 640,
  });
}
ext.contextMenus.onClicked.addListener((info, tab) => {
  onMenuClick(info, tab).catch((error) => console.error("Headwater: could not open the claim popup", error));
});

// --- claim traces ----------------------------------------------------------

/**
 * Trace one claim: the backend client call behind MSG.TRACE_CLAIM.
 * @param {import("./lib/messages.js").TraceClaimRequest} request
 * @param {(p: import("./lib/messages.js").Progress) => void} onProgress
 */
export async function traceClaim(request, onProgress) {
  const settings = await loadSettings();
  const client = Client.fromSettings(settings);
  const html = settings.sendHtml ? await renderedHtml(request.tabId) : undefined;
  return client.trace({ url: request.url, claim: request.claim, html, follow: settings.followSources }, onProgress);
}

ext.runtime.onConnect.addListener((port) => {
  if (port.name !== TRACE_PORT) return;
  let open = true;
  port.onDisconnect.addListener(() => {
    open = false;
  });
  const post = (message) => {
    if (open) port.postMessage(message);
  };
  port.onMessage.addListener((message) => {
    if (!isMessage(message, MSG.TRACE_CLAIM)) return;
    traceClaim(message, (progress) => post(traceProgress(progress)))
      .then((trace) => post(traceResult(true, trace)))
      .catch((error) => post(traceResult(false, asBackendError(error).toJSON())));
  });
});

// --- overlay ---------------------------------------------------------------

async function overlay(request, action) {
  const tabId = await findTab(request.tabId, request.url);
  if (tabId === undefined) {
    return { ok: false, error: "The page is not open in a tab Headwater can reach." };
  }
  if (action === "show") {
    await ext.scripting.insertCSS({ target: { tabId }, files: ["overlay.css"] });
  } else {
    // The content script is listening if it was injected: ask it by message.
    try {
      const reply = await ext.tabs.sendMessage(tabId, { type: action === "hide" ? MSG.OVERLAY_HIDE : MSG.OVERLAY_STATUS });
      if (reply) return reply;
    } catch {
      return { ok: true, on: false, underlined: 0 };   // never injected: nothing underlined
    }
  }
  const [result] = await ext.scripting.executeScript({
    target: { tabId },
    func: overlayMain,
    args: [MSG, action, request.marks ?? []],
  });
  return result?.result ?? { ok: false, error: "The page did not answer." };
}

ext.runtime.onMessage.addListener((message, _sender, sendResponse) => {
  const action = isMessage(message, MSG.OVERLAY_SHOW) ? "show"
    : isMessage(message, MSG.OVERLAY_HIDE) ? "hide"
    : isMessage(message, MSG.OVERLAY_STATUS) ? "status"
    : null;
  if (!action) return false;
  overlay(message, action)
    .then(sendResponse)
    .catch((error) => sendResponse({ ok: false, error: String(error?.message ?? error) }));
  return true;   // answer asynchronously
});

// For tests and debugging from the worker's console.
globalThis.headwater = { onMenuClick, traceClaim, findTab, claimPopupUrl };
