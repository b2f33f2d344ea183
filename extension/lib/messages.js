/**
 * Every message exchanged between the popup, the service worker and the page
 * overlay (content script), defined once. Other modules import these
 * constants and typedefs; nobody spells a message type as a string literal.
 *
 * The overlay is injected with `scripting.executeScript({func, args})`, which
 * cannot import modules, so the worker passes `MSG` to it as an argument
 * (see lib/overlay.js): the content script uses the same constants.
 */

/** Message types. */
export const MSG = Object.freeze({
  /** popup -> worker (over a TRACE_PORT port): trace one selected claim. */
  TRACE_CLAIM: "headwater/trace-claim",
  /** worker -> popup (same port): a stage of a running trace. */
  TRACE_PROGRESS: "headwater/trace-progress",
  /** worker -> popup (same port): the finished trace, or the error. */
  TRACE_RESULT: "headwater/trace-result",
  /** popup -> worker: underline the attributed sentences on a tab. */
  OVERLAY_SHOW: "headwater/overlay-show",
  /** popup -> worker, and worker -> content script: remove the underlines. */
  OVERLAY_HIDE: "headwater/overlay-hide",
  /** popup -> worker: is the overlay on for this tab? */
  OVERLAY_STATUS: "headwater/overlay-status",
});

/** Name of the long-lived port the popup opens to the worker for a claim trace. */
export const TRACE_PORT = "headwater/trace";

/** Id of the context-menu entry on a text selection. */
export const MENU_TRACE_CLAIM = "headwater-trace-claim";

/**
 * @typedef {"sending"|"analysing"|"rendering"|string} Stage
 *   Client-side stages; the backend's progress events are named by their type
 *   ("start", "fetching", "page", "hop", "cycle", "searching", "found", "done").
 *
 * @typedef {Object} Progress
 * @property {Stage} stage
 * @property {number|null} done   stages (client) or pages read (backend) so far; null: not counted by this event
 * @property {number|null} total  of how many (pages known so far, for the backend)
 * @property {string} message  what the reader sees next to the bar
 * @property {"client"|"backend"} from  who measured it
 *
 * @typedef {Object} ErrorInfo  A BackendError as plain data (crosses message boundaries).
 * @property {"unreachable"|"timeout"|"unauthorized"|"backend"|"protocol"} kind
 * @property {string} message
 * @property {string} [code]     the backend's error code, when it gave one
 * @property {number} [status]   HTTP status, when there was a response
 * @property {string} [command]  the command that starts the backend, when it is not running
 * @property {string} [backend]  the backend address that was tried
 *
 * @typedef {Object} TraceClaimRequest
 * @property {typeof MSG.TRACE_CLAIM} type
 * @property {string} url        the page the claim was selected on
 * @property {string} claim      the selected sentence
 * @property {number} [tabId]    the tab showing that page (to read its HTML, if allowed)
 *
 * @typedef {Object} TraceProgressMessage
 * @property {typeof MSG.TRACE_PROGRESS} type
 * @property {Progress} progress
 *
 * @typedef {Object} TraceResultMessage
 * @property {typeof MSG.TRACE_RESULT} type
 * @property {boolean} ok
 * @property {Object} [trace]    the trace JSON (see README "Trace JSON")
 * @property {ErrorInfo} [error]
 *
 * @typedef {Object} OverlayMark  One sentence to underline on the page.
 * @property {string} text       the sentence, as in the trace's text
 * @property {string[]} [fallbacks]  shorter pieces of it to look for if the whole is not found
 * @property {string} tip        the tooltip: who the sentence is attributed to
 * @property {"link"|"verb"} [form]  "link" when the sentence cites its source(s) by a link alone (drawn dashed)
 *
 * @typedef {Object} OverlayShowRequest
 * @property {typeof MSG.OVERLAY_SHOW} type
 * @property {string} url        the page URL (used to find the tab when tabId is unknown)
 * @property {number} [tabId]
 * @property {OverlayMark[]} marks
 *
 * @typedef {Object} OverlayHideRequest
 * @property {typeof MSG.OVERLAY_HIDE} type
 * @property {string} [url]
 * @property {number} [tabId]
 *
 * @typedef {Object} OverlayStatusRequest
 * @property {typeof MSG.OVERLAY_STATUS} type
 * @property {string} [url]
 * @property {number} [tabId]
 *
 * @typedef {Object} OverlayReply  The answer to OVERLAY_SHOW / OVERLAY_HIDE / OVERLAY_STATUS.
 * @property {boolean} ok
 * @property {boolean} [on]          underlines present on the page
 * @property {number} [underlined]   sentences underlined
 * @property {number} [missing]      sentences not found on the page
 * @property {string} [error]
 */

/** @returns {TraceClaimRequest} */
export function traceClaim(url, claim, tabId) {
  return { type: MSG.TRACE_CLAIM, url, claim, tabId };
}

/** @returns {TraceProgressMessage} */
export function traceProgress(progress) {
  return { type: MSG.TRACE_PROGRESS, progress };
}

/** @returns {TraceResultMessage} */
export function traceResult(ok, payload) {
  return ok ? { type: MSG.TRACE_RESULT, ok, trace: payload } : { type: MSG.TRACE_RESULT, ok, error: payload };
}

/** @returns {OverlayShowRequest} */
export function overlayShow(url, tabId, marks) {
  return { type: MSG.OVERLAY_SHOW, url, tabId, marks };
}

/** @returns {OverlayHideRequest} */
export function overlayHide(url, tabId) {
  return { type: MSG.OVERLAY_HIDE, url, tabId };
}

/** @returns {OverlayStatusRequest} */
export function overlayStatus(url, tabId) {
  return { type: MSG.OVERLAY_STATUS, url, tabId };
}

/** True when `message` is an object of the given type (for listeners). */
export function isMessage(message, type) {
  return typeof message === "object" && message !== null && message.type === type;
}
