/** The options page: backend address, API token, sending the rendered HTML, following sources, overlay default. */
import { ext } from "./lib/browser.js";
import { Client, asBackendError, startCommand } from "./lib/client.js";
import { DEFAULTS, checkBackendUrl, loadSettings, saveSettings } from "./lib/settings.js";

const $ = (id) => document.getElementById(id);

function setStatus(text, tone = "") {
  $("status").textContent = text;
  $("status").dataset.tone = tone;
}

function fill(settings) {
  $("backend-url").value = settings.backendUrl;
  $("token").value = settings.token;
  $("send-html").checked = settings.sendHtml;
  $("follow-sources").checked = settings.followSources;
  $("overlay-default").checked = settings.overlayDefault;
}

/** Read the form; null (with the error shown) when the address is unusable. */
function read() {
  const checked = checkBackendUrl($("backend-url").value || DEFAULTS.backendUrl);
  $("backend-url-error").textContent = checked.ok ? "" : checked.message;
  $("backend-url").setAttribute("aria-invalid", String(!checked.ok));
  if (!checked.ok) {
    $("backend-url").focus();
    return null;
  }
  return {
    backendUrl: checked.value,
    token: $("token").value.trim(),
    sendHtml: $("send-html").checked,
    followSources: $("follow-sources").checked,
    overlayDefault: $("overlay-default").checked,
  };
}

async function save(event) {
  event?.preventDefault();
  const settings = read();
  if (!settings) {
    setStatus("Not saved: fix the backend address.", "bad");
    return null;
  }
  await saveSettings(settings);
  fill(settings);
  setStatus("Saved.", "good");
  return settings;
}

async function testConnection() {
  const settings = read();
  if (!settings) return;
  setStatus("Connecting…");
  const client = Client.fromSettings(settings);
  try {
    const health = await client.health();
    // Health needs no token; a lookup does, so it tells whether the token is accepted.
    await client.provenance("https://example.org/headwater-connection-test");
    setStatus(`Connected to Headwater ${health?.version ?? ""} at ${settings.backendUrl}; the token is accepted.`, "good");
  } catch (error) {
    const e = asBackendError(error);
    if (e.kind === "unreachable") {
      setStatus(`Headwater's backend is not running at ${settings.backendUrl}. Start it with: ${startCommand(settings.backendUrl)}`, "bad");
    } else if (e.kind === "unauthorized") {
      setStatus("The backend refused the API token. Run `headwater token` and paste the token above.", "bad");
    } else {
      setStatus(e.message, "bad");
    }
  }
}

async function main() {
  fill(await loadSettings());
  $("options").addEventListener("submit", save);
  $("test-connection").addEventListener("click", testConnection);
  $("reset").addEventListener("click", async () => {
    await ext.storage.local.clear();
    fill(DEFAULTS);
    setStatus("Defaults restored.", "good");
  });
  $("show-token").addEventListener("click", () => {
    const shown = $("token").type === "text";
    $("token").type = shown ? "password" : "text";
    $("show-token").textContent = shown ? "Show" : "Hide";
    $("show-token").setAttribute("aria-pressed", String(!shown));
  });
}

main().catch((error) => setStatus(`Could not load the options: ${error?.message ?? error}`, "bad"));
