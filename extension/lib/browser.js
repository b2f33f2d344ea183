/**
 * The WebExtension API object: `browser` in Firefox, `chrome` in Chromium.
 * Both return promises from their async methods under Manifest V3.
 */
export const ext = globalThis.browser ?? globalThis.chrome;
