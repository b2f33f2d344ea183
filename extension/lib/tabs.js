/** Helpers for the tab a trace is about (shared by the popup and the worker). */
import { ext } from "./browser.js";

/** The page's HTML as the browser rendered it, or undefined when the tab cannot be read. */
export async function renderedHtml(tabId) {
  if (!Number.isInteger(tabId) || tabId < 0) return undefined;
  try {
    const [result] = await ext.scripting.executeScript({
      target: { tabId },
      func: () => document.documentElement.outerHTML,
    });
    return typeof result?.result === "string" ? result.result : undefined;
  } catch {
    return undefined;   // no access to that tab: the backend fetches the page itself
  }
}

/**
 * The tab to work on: the one given, or a tab showing `url` (when the popup
 * was opened as a page with ?url=, it is not the active tab's popup).
 */
export async function findTab(tabId, url) {
  if (Number.isInteger(tabId) && tabId >= 0) return tabId;
  if (!url) return undefined;
  const bare = (u) => String(u ?? "").split("#")[0];
  const tabs = await ext.tabs.query({});
  return tabs.find((t) => bare(t.url) === bare(url))?.id;
}
