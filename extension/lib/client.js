/**
 * The one module that talks to the Headwater backend.
 *
 * Every call has a timeout, and every failure becomes a BackendError whose
 * `kind` says what the reader should do about it:
 *   unreachable  nothing answered (connection refused, DNS): the backend is not
 *                running, and `command` is the exact command that starts it;
 *   timeout      the backend took longer than the timeout;
 *   unauthorized the backend refused the API token (401);
 *   backend      the backend answered with an error; `message` is its message;
 *   protocol     the backend answered something that is not Headwater's JSON.
 */

export const DEFAULT_TIMEOUT_MS = 8000;        // health, provenance, trace lookups
export const TRACE_TIMEOUT_MS = 180000;        // a synchronous POST /api/traces
export const POLL_INTERVAL_MS = 1000;          // GET /api/traces/<id> while running

/** The command that starts the backend, for the address the extension uses. */
export function startCommand(baseUrl) {
  let port = "8765";
  try {
    port = new URL(baseUrl).port || "80";
  } catch {
    /* keep the default */
  }
  return port === "8765" ? "make run" : `make run PORT=${port}`;
}

/** The same, without make: what `make run` runs. */
export function serveCommand(baseUrl) {
  let port = "8765";
  try {
    port = new URL(baseUrl).port || "80";
  } catch {
    /* keep the default */
  }
  return port === "8765" ? "headwater serve" : `headwater serve --port ${port}`;
}

export class BackendError extends Error {
  /**
   * @param {import("./messages.js").ErrorInfo["kind"]} kind
   * @param {string} message
   * @param {{status?: number, code?: string, command?: string, backend?: string}} [extra]
   */
  constructor(kind, message, extra = {}) {
    super(message);
    this.name = "BackendError";
    this.kind = kind;
    Object.assign(this, extra);
  }

  /** @returns {import("./messages.js").ErrorInfo} plain data, safe to post in a message */
  toJSON() {
    const { kind, message, status, code, command, backend } = this;
    return { kind, message, status, code, command, backend };
  }

  /** Rebuild an error that crossed a message boundary. */
  static from(info) {
    if (info instanceof BackendError) return info;
    if (info && info.kind) return new BackendError(info.kind, info.message, info);
    return new BackendError("protocol", String(info?.message ?? info));
  }
}

/** Turn anything thrown into a BackendError (an unknown bug is reported as such, not swallowed). */
export function asBackendError(error) {
  if (error instanceof BackendError) return error;
  return new BackendError("protocol", `Unexpected error in the extension: ${error?.message ?? error}`);
}

/**
 * @typedef {import("./messages.js").Progress} Progress
 * @typedef {(p: Progress) => void} OnProgress
 */

/*
 * Progress. A one-page trace is answered synchronously (201 with the trace),
 * so the bar follows the stages the client itself knows: sending the request,
 * waiting while the backend reads the page, drawing the result. A trace that
 * follows its sources upstream is sent with `background: true`: the backend
 * answers 202 once the first page is read and then streams what it does as
 * Server-Sent Events at /api/traces/<id>/events (`start`, `fetching`, `page`,
 * `hop`, `cycle`, `searching`, `found`, then `done` or `failed`; a generic
 * `progress` {stage, done, total, message} is understood too). From the first
 * event on, those feed the bar (`from: "backend"`); the client's own stages
 * are not shown again until the result is drawn.
 */
export const CLIENT_STAGES = Object.freeze({
  sending: { done: 0, message: "Sending the page to Headwater…" },
  analysing: { done: 1, message: "Headwater is fetching the page and following its sources…" },
  rendering: { done: 2, message: "Drawing the chain…" },
});
export const CLIENT_STAGE_COUNT = 3;

function clientStage(stage) {
  const { done, message } = CLIENT_STAGES[stage];
  return { stage, done, total: CLIENT_STAGE_COUNT, message, from: "client" };
}
export { clientStage };

/** A URL as a reader recognises it: host and path, shortened. */
export function shortUrl(url, max = 60) {
  let text = String(url ?? "");
  try {
    const u = new URL(text);
    text = u.host + (u.pathname === "/" ? "" : u.pathname);
  } catch {
    /* not a URL: as it is */
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const VERDICT_WORDS = {
  quoted: "the passage is quoted word for word",
  paraphrase: "the passage is paraphrased",
  not_found: "the claim is not in that page",
};

/**
 * One of the backend's progress events as what the bar shows, or null for an
 * event that says nothing to the reader. `done`/`total` are pages read / pages
 * known so far (null when the event does not count pages).
 * @param {string} type   the SSE event name
 * @param {Object} data   its JSON data
 * @returns {Progress|null}
 */
export function progressFromEvent(type, data) {
  const d = data && typeof data === "object" ? data : {};
  const counted = Number.isFinite(d.total) && Number.isFinite(d.done);
  const pages = counted ? ` (${d.done} of ${d.total} pages read)` : "";
  const p = (message, extra = {}) => ({
    stage: type, done: counted ? d.done : null, total: counted ? d.total : null, message, from: "backend", ...extra,
  });
  switch (type) {
    case "progress":
      return { stage: d.stage ?? "working", done: Number(d.done) || 0, total: Number(d.total) || 0,
               message: d.message ?? d.stage ?? "Working…", from: "backend" };
    case "start": {
      const limits = d.limits ?? {};
      const upTo = limits.pages ? ` (up to ${limits.pages} pages, ${limits.depth} steps upstream)` : "";
      return p(`Read this page; following the sources it cites${upTo}…`, { done: 0, total: 0 });
    }
    case "fetching":
      return p(`Reading ${shortUrl(d.url)}, ${d.depth === 1 ? "cited by this page" : `${d.depth} steps upstream`}${pages}`);
    case "page":
      if (d.status === "traced") {
        const archived = d.archived ? `, from the Wayback Machine (${d.archived.date})` : "";
        return p(`Read ${d.title ? `“${d.title}”` : shortUrl(d.url)}${archived}${pages}`);
      }
      return p(`Could not read ${shortUrl(d.url)}: ${d.error?.message ?? d.status}${pages}`);
    case "hop":
      return p(`Compared with ${shortUrl(d.to)}: ${VERDICT_WORDS[d.verdict] ?? "no passage to compare"}`);
    case "cycle":
      return p(`Circular sourcing: ${(d.urls ?? []).map((u) => shortUrl(u, 40)).join(" → ")}`);
    case "searching":
      return p(`Looking for the article of ${d.outlet} in a news index…`);
    case "found":
      return p(`Found a candidate article of ${d.outlet} (${Math.round((d.confidence ?? 0) * 100)}% sure): ${shortUrl(d.url)}`);
    case "done":
      return p(`Followed ${d.pages ?? "the"} page${d.pages === 1 ? "" : "s"}` +
               (Number.isFinite(d.chains) ? `: ${d.chains} chain${d.chains === 1 ? "" : "s"}` : ""),
               Number.isFinite(d.pages) ? { done: d.pages, total: d.pages } : {});
    default:
      return null;
  }
}

/** Is this trace still following its sources in the background? */
export function isRunning(trace) {
  return trace?.status === "running" || trace?.status === "pending" || trace?.follow?.state === "running";
}

/** What a polled, still running trace says about its progress. */
function polledProgress(trace) {
  if (trace.progress) return { ...trace.progress, from: "backend" };
  const docs = trace.follow?.documents ?? [];
  const done = docs.filter((d) => d.status !== "pending").length;
  return { stage: "following", done, total: docs.length,
           message: "Headwater is following the sources this page cites…", from: "backend" };
}

export class Client {
  /**
   * @param {{baseUrl: string, token?: string, timeoutMs?: number, traceTimeoutMs?: number,
   *          pollIntervalMs?: number, fetch?: typeof fetch}} options
   */
  constructor({ baseUrl, token = "", timeoutMs = DEFAULT_TIMEOUT_MS, traceTimeoutMs = TRACE_TIMEOUT_MS,
                pollIntervalMs = POLL_INTERVAL_MS, fetch: fetchImpl } = {}) {
    this.baseUrl = String(baseUrl).replace(/\/+$/, "");
    this.token = token;
    this.timeoutMs = timeoutMs;
    this.traceTimeoutMs = traceTimeoutMs;
    this.pollIntervalMs = pollIntervalMs;
    this.fetch = fetchImpl ?? globalThis.fetch.bind(globalThis);
  }

  /** Build a Client from the stored settings. */
  static fromSettings(settings, options = {}) {
    return new Client({ baseUrl: settings.backendUrl, token: settings.token, ...options });
  }

  headers(extra = {}) {
    const headers = { Accept: "application/json", ...extra };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    return headers;
  }

  notRunning() {
    return new BackendError(
      "unreachable",
      `Headwater's backend is not running: nothing answered at ${this.baseUrl}.`,
      { command: startCommand(this.baseUrl), backend: this.baseUrl },
    );
  }

  /**
   * Send one request and wait for its response headers, within `timeoutMs`.
   * @returns {Promise<{response: Response, cancelTimer: () => void, signal: AbortSignal}>}
   */
  async send(method, path, { body, timeoutMs = this.timeoutMs, accept } = {}) {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const init = { method, headers: this.headers(accept ? { Accept: accept } : {}), signal: controller.signal,
                   credentials: "omit", cache: "no-store" };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers["Content-Type"] = "application/json";
    }
    try {
      const response = await this.fetch(this.baseUrl + path, init);
      return { response, cancelTimer: () => clearTimeout(timer), signal: controller.signal,
               abort: () => controller.abort() };
    } catch (error) {
      clearTimeout(timer);
      if (timedOut) {
        throw new BackendError(
          "timeout",
          `The backend at ${this.baseUrl} did not answer within ${Math.round(timeoutMs / 1000)} seconds.`,
          { backend: this.baseUrl },
        );
      }
      // fetch() rejects with a TypeError when no connection could be made.
      throw this.notRunning();
    }
  }

  /** Read a JSON body (within the same timeout) and turn error statuses into BackendErrors. */
  async json(method, path, options = {}) {
    const { response, cancelTimer } = await this.send(method, path, options);
    let data;
    try {
      const text = await response.text();
      data = text ? JSON.parse(text) : null;
    } catch (error) {
      if (error?.name === "AbortError") {
        throw new BackendError("timeout", `The backend at ${this.baseUrl} stopped answering.`,
                               { backend: this.baseUrl });
      }
      data = undefined;   // not JSON: judged below
    } finally {
      cancelTimer();
    }
    if (!response.ok) throw this.errorFrom(response.status, data);
    if (data === undefined) {
      throw new BackendError("protocol",
        `${this.baseUrl} answered, but not with Headwater's JSON. Is another program using that port?`,
        { status: response.status, backend: this.baseUrl });
    }
    return { status: response.status, data };
  }

  errorFrom(status, data) {
    const error = data && typeof data === "object" ? data.error : undefined;
    const code = error?.code;
    if (status === 401 || code === "unauthorized") {
      return new BackendError(
        "unauthorized",
        "The backend refused the API token. Run `headwater token`, copy the token, and paste it into Headwater's options.",
        { status, code: code ?? "unauthorized", command: "headwater token", backend: this.baseUrl },
      );
    }
    if (error?.message) {
      return new BackendError("backend", error.message, { status, code, backend: this.baseUrl });
    }
    return new BackendError(
      "protocol",
      `The backend answered ${status} without an explanation. Is another program using ${this.baseUrl}?`,
      { status, backend: this.baseUrl },
    );
  }

  /** GET /api/health -> {status, version} */
  async health() {
    return (await this.json("GET", "/api/health")).data;
  }

  /** GET /api/provenance?url= -> the latest trace of that page, or null when it was never traced. */
  async provenance(url) {
    try {
      return (await this.json("GET", `/api/provenance?url=${encodeURIComponent(url)}`)).data;
    } catch (error) {
      if (error instanceof BackendError && error.status === 404 && error.code === "not_found") return null;
      throw error;
    }
  }

  /** GET /api/traces/<id> */
  async getTrace(id) {
    return (await this.json("GET", `/api/traces/${encodeURIComponent(id)}`)).data;
  }

  /**
   * Trace a page (and optionally one claim on it), whichever way the backend works:
   * 201 with the trace, or 202 with the trace still following its sources
   * (`follow.state: "running"`) and then progress events (or, when the event
   * stream is unavailable, polling GET /api/traces/<id>).
   * @param {{url: string, html?: string, claim?: string, follow?: boolean}} request
   *   follow: follow the cited pages upstream, in the background (`follow`, `background`)
   * @param {OnProgress} [onProgress]
   */
  async trace(request, onProgress = () => {}) {
    const body = { url: request.url };
    if (request.html) body.html = request.html;
    if (request.claim) body.claim = request.claim;
    if (request.follow) {
      body.follow = true;
      body.background = true;
    }

    onProgress(clientStage("sending"));
    const pending = this.json("POST", "/api/traces", { body, timeoutMs: this.traceTimeoutMs });
    // The request is on its way; from here on the backend is working.
    onProgress(clientStage("analysing"));
    const { status, data } = await pending;

    if (status === 202 || isRunning(data)) {
      if (data?.id === undefined || data?.id === null) {
        throw new BackendError("protocol", "The backend accepted the trace but gave no id.");
      }
      return await this.follow(data.id, onProgress);
    }
    return data;
  }

  /**
   * Wait for a running trace to finish: its event stream if there is one, else polling.
   * A trace whose following failed is returned as it is (the first page is traced;
   * `follow.state` is "failed" and `follow.error` says why).
   */
  async follow(id, onProgress = () => {}) {
    const deadline = Date.now() + this.traceTimeoutMs;
    try {
      await this.streamEvents(id, onProgress, deadline);
    } catch (error) {
      // A refused token or a failed trace is final; a broken stream is not: poll.
      if (error instanceof BackendError && error.kind !== "protocol") throw error;
    }
    for (;;) {
      const trace = await this.getTrace(id);
      if (trace.status === "failed") {
        const err = trace.error ?? {};
        throw new BackendError("backend", err.message ?? "The trace failed.", { code: err.code, backend: this.baseUrl });
      }
      if (!isRunning(trace)) return trace;
      if (Date.now() > deadline) {
        throw new BackendError("timeout",
          `The trace did not finish within ${Math.round(this.traceTimeoutMs / 1000)} seconds.`,
          { backend: this.baseUrl });
      }
      onProgress(polledProgress(trace));
      await new Promise((resolve) => setTimeout(resolve, this.pollIntervalMs));
    }
  }

  /**
   * Read GET /api/traces/<id>/events (Server-Sent Events) until `done` (or `failed`).
   * fetch() rather than EventSource, which cannot send the Authorization header.
   * @returns {Promise<boolean>} true when the stream reported the end of the trace
   */
  async streamEvents(id, onProgress, deadline) {
    const path = `/api/traces/${encodeURIComponent(id)}/events`;
    const { response, cancelTimer, abort } = await this.send("GET", path, { accept: "text/event-stream" });
    cancelTimer();   // the handshake is done; the overall deadline below takes over
    if (!response.ok || !(response.headers.get("Content-Type") ?? "").includes("text/event-stream")) {
      if (response.status === 401) throw this.errorFrom(401, null);
      try { await response.body?.cancel(); } catch { /* ignore */ }
      return false;
    }
    const watchdog = setTimeout(abort, Math.max(0, deadline - Date.now()));
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return false;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.search(/\r?\n\r?\n/)) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut).replace(/^\r?\n\r?\n/, "");
          const event = parseEvent(block);
          if (!event) continue;
          if (event.event === "error") {
            const err = event.data?.error ?? event.data ?? {};
            throw new BackendError("backend", err.message ?? "The trace failed.", { code: err.code, backend: this.baseUrl });
          }
          // "failed": the following stopped; the trace (its first page at least) is read next.
          if (event.event === "failed") return true;
          const progress = progressFromEvent(event.event, event.data);
          if (progress) onProgress(progress);
          if (event.event === "done") return true;
        }
      }
    } catch (error) {
      if (error instanceof BackendError) throw error;
      return false;   // the stream broke (or the watchdog fired): the caller polls
    } finally {
      clearTimeout(watchdog);
      try { await reader.cancel(); } catch { /* ignore */ }
      try { reader.releaseLock(); } catch { /* ignore */ }
    }
  }
}

/** Parse one Server-Sent Events block into {event, data}. */
export function parseEvent(block) {
  let event = "message";
  const data = [];
  for (const line of block.split(/\r?\n/)) {
    if (!line || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  if (!data.length && event === "message") return null;
  const text = data.join("\n");
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* keep the raw text */
  }
  return { event, data: parsed };
}
