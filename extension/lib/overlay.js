/**
 * The page overlay: underlines the sentences a trace attributes, with a
 * tooltip naming the source. Off by default; the popup turns it on.
 *
 * `overlayMain` is injected by the worker with
 * `scripting.executeScript({func: overlayMain, args: [MSG, action, marks]})`:
 * it runs in the page's isolated world, so it must not use anything from this
 * module's scope. The message constants arrive as its first argument, which is
 * how the content script shares lib/messages.js with the popup and the worker.
 * Its styles are in overlay.css (inserted with `scripting.insertCSS`).
 *
 * @param {typeof import("./messages.js").MSG} MSG
 * @param {"show"|"hide"|"status"} action
 * @param {import("./messages.js").OverlayMark[]} [marks]
 * @returns {import("./messages.js").OverlayReply}
 */
export function overlayMain(MSG, action, marks = []) {
  const CLASS = "headwater-mark";
  const api = globalThis.browser ?? globalThis.chrome;

  function remove() {
    const found = document.querySelectorAll(`.${CLASS}`);
    for (const el of found) {
      const parent = el.parentNode;
      if (!parent) continue;
      while (el.firstChild) parent.insertBefore(el.firstChild, el);
      parent.removeChild(el);
      parent.normalize();
    }
    return found.length;
  }

  function count() {
    return new Set([...document.querySelectorAll(`.${CLASS}`)].map((el) => el.dataset.headwaterMark)).size;
  }

  // Listen once per page for the worker's OVERLAY_HIDE (e.g. the popup's toggle).
  if (!globalThis.__headwaterOverlayListening && api?.runtime?.onMessage) {
    globalThis.__headwaterOverlayListening = true;
    api.runtime.onMessage.addListener((message, _sender, sendResponse) => {
      if (message && message.type === MSG.OVERLAY_HIDE) {
        remove();
        sendResponse({ ok: true, on: false, underlined: 0 });
      } else if (message && message.type === MSG.OVERLAY_STATUS) {
        const n = count();
        sendResponse({ ok: true, on: n > 0, underlined: n });
      }
      return false;
    });
  }

  if (action === "hide") {
    remove();
    return { ok: true, on: false, underlined: 0 };
  }
  if (action === "status") {
    const n = count();
    return { ok: true, on: n > 0, underlined: n };
  }

  // --- show ---------------------------------------------------------------
  remove();
  // Fold one UTF-16 unit to exactly one character, the same way for the page and the needle.
  const fold = (unit) => {
    const ch = unit.normalize("NFKC")[0] ?? unit;
    if (/\s/.test(ch)) return " ";
    if ("\u2018\u2019\u201b\u2032`\u00b4".includes(ch)) return "'";
    if ("\u201c\u201d\u201f\u2033".includes(ch)) return '"';
    if ("\u2013\u2014\u2212".includes(ch)) return "-";
    return ch.toLowerCase()[0] ?? ch;
  };
  const normalize = (s) => {
    let out = "";
    for (let i = 0; i < s.length; i++) {
      const f = fold(s[i]);
      if (f === " " && (out === "" || out.endsWith(" "))) continue;
      out += f;
    }
    return out.trim();
  };

  // Flatten the page's visible text, remembering where each character came from.
  const SKIP = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEXTAREA", "INPUT", "SELECT", "TEMPLATE", "SVG", "IFRAME"]);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      for (let el = node.parentElement; el; el = el.parentElement) {
        if (SKIP.has(el.tagName.toUpperCase())) return NodeFilter.FILTER_REJECT;
      }
      return NodeFilter.FILTER_ACCEPT;
    },
  });
  let flat = "";
  const where = [];   // flat index -> [text node, offset]
  let lastBlock = null;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const block = node.parentElement.closest("p,div,li,h1,h2,h3,h4,h5,h6,blockquote,section,article,td,th");
    if (block !== lastBlock && flat && !flat.endsWith(" ")) {
      flat += " ";
      where.push(null);   // a block boundary reads as a space
    }
    lastBlock = block;
    const value = node.nodeValue;
    for (let i = 0; i < value.length; i++) {
      const f = fold(value[i]);
      if (f === " " && (flat === "" || flat.endsWith(" "))) continue;
      flat += f;
      where.push([node, i]);
    }
  }

  function locate(mark) {
    for (const candidate of [mark.text, ...(mark.fallbacks ?? [])]) {
      const needle = normalize(candidate ?? "");
      if (needle.length < 8) continue;
      const at = flat.indexOf(needle);
      if (at >= 0) return [at, at + needle.length];
    }
    return null;
  }

  // Find every mark first (wrapping changes the text nodes the index points into).
  const found = [];
  let missing = 0;
  marks.forEach((mark, index) => {
    const range = locate(mark);
    if (range) found.push({ index, range, tip: mark.tip, form: mark.form === "link" ? "link" : "verb" });
    else missing += 1;
  });

  // Collect, per text node, the [start, end) pieces to wrap, then wrap from the end backwards.
  const pieces = new Map();   // text node -> [{start, end, index, tip}]
  for (const { index, range, tip, form } of found) {
    let current = null;
    for (let k = range[0]; k < range[1]; k++) {
      const w = where[k];
      if (!w) continue;
      const [node, offset] = w;
      if (!current || current.node !== node || current.end !== offset) {
        current = { node, start: offset, end: offset + 1, index, tip, form };
        if (!pieces.has(node)) pieces.set(node, []);
        pieces.get(node).push(current);
      } else {
        current.end = offset + 1;
      }
    }
  }
  for (const [node, list] of pieces) {
    list.sort((a, b) => b.start - a.start);
    let rest = node;
    for (const piece of list) {
      if (piece.end > rest.nodeValue.length) continue;   // overlapping marks: keep the first
      rest.splitText(piece.end);
      const middle = rest.splitText(piece.start);
      const el = document.createElement("mark");
      el.className = CLASS;
      el.dataset.headwaterMark = String(piece.index);
      el.dataset.headwaterTip = piece.tip;
      el.dataset.headwaterForm = piece.form;   // "link": the sentence cites its source(s) by a link alone
      el.title = piece.tip;
      el.tabIndex = 0;
      middle.parentNode.insertBefore(el, middle);
      el.appendChild(middle);
    }
  }
  return { ok: true, on: found.length > 0, underlined: found.length, missing };
}
