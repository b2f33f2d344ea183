/**
 * The extension's settings, kept in `storage.local` (never `sync`: the token
 * stays on this machine).
 */
import { ext } from "./browser.js";

export const DEFAULT_BACKEND = "http://127.0.0.1:8765";

/**
 * @typedef {Object} Settings
 * @property {string} backendUrl      where the Headwater backend listens
 * @property {string} token           API token (`headwater token` shows it)
 * @property {boolean} sendHtml       send the page's rendered HTML with a trace
 * @property {boolean} overlayDefault underline attributed sentences after a trace
 * @property {boolean} followSources  follow the cited pages upstream (`follow` + `background`)
 */

/** @type {Settings} */
export const DEFAULTS = Object.freeze({
  backendUrl: DEFAULT_BACKEND,
  token: "",
  sendHtml: false,
  overlayDefault: false,
  followSources: true,
});

/** @returns {Promise<Settings>} */
export async function loadSettings() {
  const stored = await ext.storage.local.get(Object.keys(DEFAULTS));
  return { ...DEFAULTS, ...stored };
}

/** @param {Partial<Settings>} changes */
export async function saveSettings(changes) {
  await ext.storage.local.set(changes);
}

/**
 * The backend address the user typed, cleaned, or an error message.
 * Only loopback addresses are allowed: the extension's host permissions cover
 * http://127.0.0.1 and http://localhost and nothing else.
 * @returns {{ok: true, value: string} | {ok: false, message: string}}
 */
export function checkBackendUrl(raw) {
  let url;
  try {
    url = new URL(String(raw).trim());
  } catch {
    return { ok: false, message: "Enter an address like http://127.0.0.1:8765." };
  }
  if (url.protocol !== "http:") {
    return { ok: false, message: "The local backend speaks http://, e.g. http://127.0.0.1:8765." };
  }
  if (!["127.0.0.1", "localhost"].includes(url.hostname)) {
    return {
      ok: false,
      message: "Headwater may only talk to a backend on this computer (127.0.0.1 or localhost).",
    };
  }
  return { ok: true, value: url.origin };
}
