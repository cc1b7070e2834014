// Reminders: this device's push subscription and the settings section.
// Permission is asked only after a tap on "Turn on reminders" (iOS needs a gesture, and
// an unasked prompt at page load gets denied for good). app.js calls
// refreshPushSubscription() on every start so the server always has this device's
// current subscription.
import { apiFetch } from "./http.js";

export function pushSupported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

function isIOS() {
  const ua = navigator.userAgent;
  return /iPhone|iPad|iPod/.test(ua) || (ua.includes("Macintosh") && navigator.maxTouchPoints > 1);
}

function isStandalone() {
  return window.matchMedia("(display-mode: standalone)").matches || navigator.standalone === true;
}

function keyBytes(base64url) {
  const padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

function sameKey(buffer, base64url) {
  if (!buffer) return true;
  const a = new Uint8Array(buffer);
  const b = keyBytes(base64url);
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

async function serverKey() {
  const { ok, data } = await apiFetch("/api/push/key");
  if (!ok || !data || !data.public_key) throw new Error("Notifications are not set up on the server.");
  return data.public_key;
}

async function serviceWorkerRegistration() {
  const existing = await navigator.serviceWorker.getRegistration("/");
  if (existing) return navigator.serviceWorker.ready;
  // The app shell registers /serviceworker.js; register it here too if this page came first.
  await navigator.serviceWorker.register("/serviceworker.js", { scope: "/" });
  return navigator.serviceWorker.ready;
}

async function currentSubscription(registration) {
  const key = await serverKey();
  let subscription = await registration.pushManager.getSubscription();
  if (subscription && !sameKey(subscription.options.applicationServerKey, key)) {
    // The server's VAPID key changed: the old subscription can never be used again.
    await subscription.unsubscribe();
    subscription = null;
  }
  if (!subscription) {
    subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: keyBytes(key),
    });
  }
  return subscription;
}

async function sendSubscription(subscription) {
  const body = { ...subscription.toJSON(), user_agent: navigator.userAgent };
  delete body.expirationTime;
  const result = await apiFetch("/api/push/subscriptions/", { method: "POST", body });
  if (!result.ok) throw new Error("The server did not accept this device.");
  return subscription;
}

// Every app start: re-send the subscription, or subscribe again if permission is granted
// and the browser dropped it. Never asks for permission.
export async function refreshPushSubscription() {
  if (!pushSupported() || document.body.dataset.authenticated !== "true") return null;
  if (Notification.permission !== "granted") return null;
  try {
    const registration = await serviceWorkerRegistration();
    return await sendSubscription(await currentSubscription(registration));
  } catch {
    return null; // offline or not set up: the next start tries again
  }
}

// --- Settings section ------------------------------------------------------------------
function describeDevice(device, ownEndpoint) {
  const ua = device.user_agent || "";
  const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox"
    : /Chrome\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : "Browser";
  const system = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS"
    : /Mac OS X/.test(ua) ? "macOS" : /Windows/.test(ua) ? "Windows" : /Linux/.test(ua) ? "Linux" : "";
  const name = system ? `${browser} on ${system}` : browser;
  return device.endpoint === ownEndpoint ? `${name} (this device)` : name;
}

function formatWhen(iso) {
  if (!iso) return "no notification yet";
  return "last notification " + new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
}

function initSettings(section) {
  const $ = (selector) => section.querySelector(selector);
  const status = $("[data-reminders-status]");
  const errors = $("[data-reminders-errors]");
  const form = $("[data-reminders-form]");
  const timesBox = $("[data-reminders-times]");
  const devicesList = $("[data-reminders-devices]");
  const enableButton = $("[data-reminders-enable]");
  let massage = null;
  let summary = null;
  let ownEndpoint = "";

  const say = (text) => { status.textContent = text; };

  if (isIOS() && !isStandalone()) $("[data-reminders-ios]").hidden = false;
  if (!pushSupported()) {
    if (!isIOS()) $("[data-reminders-unsupported]").hidden = false;
    enableButton.disabled = true;
  } else if (Notification.permission === "denied") {
    $("[data-reminders-blocked]").hidden = false;
  } else if (Notification.permission === "granted") {
    enableButton.textContent = "Reminders are on for this device";
  }

  function addTime(value) {
    const index = timesBox.children.length + 1;
    const row = document.createElement("div");
    row.className = "reminders-time";
    const label = document.createElement("label");
    label.textContent = `Time ${index} `;
    const input = document.createElement("input");
    input.type = "time";
    input.name = "time";
    input.required = true;
    input.value = value;
    label.append(input);
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "button";
    remove.textContent = "Remove";
    remove.setAttribute("aria-label", `Remove time ${index}`);
    remove.addEventListener("click", () => { row.remove(); });
    row.append(label, remove);
    timesBox.append(row);
    return input;
  }

  function fill() {
    timesBox.replaceChildren();
    const times = massage ? massage.times : ["09:00", "19:00"];
    times.forEach(addTime);
    const days = new Set(massage ? massage.weekdays : [0, 1, 2, 3, 4, 5, 6]);
    form.querySelectorAll('input[name="weekday"]').forEach((box) => { box.checked = days.has(Number(box.value)); });
    form.elements.massage_enabled.checked = massage ? massage.enabled : true;
    form.elements.quiet_enabled.checked = Boolean(massage && massage.quiet_start);
    if (massage && massage.quiet_start) {
      form.elements.quiet_start.value = massage.quiet_start;
      form.elements.quiet_end.value = massage.quiet_end;
    }
    form.elements.summary_enabled.checked = Boolean(summary && summary.enabled);
    if (summary) {
      form.elements.summary_day.value = String(summary.weekdays[0]);
      form.elements.summary_time.value = summary.times[0];
    }
  }

  async function load() {
    const { ok, data } = await apiFetch("/api/reminders/");
    if (!ok) return;
    const list = Array.isArray(data) ? data : data.results || [];
    massage = list.find((s) => s.kind === "massage" && !s.one_off) || null;
    summary = list.find((s) => s.kind === "weekly_summary") || null;
    fill();
  }

  async function loadDevices() {
    const { ok, data } = await apiFetch("/api/push/subscriptions/");
    if (!ok) return;
    const devices = Array.isArray(data) ? data : data.results || [];
    devicesList.replaceChildren();
    if (!devices.length) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = "No device has notifications turned on yet.";
      devicesList.append(li);
      return;
    }
    for (const device of devices) {
      const li = document.createElement("li");
      const text = document.createElement("span");
      text.textContent = `${describeDevice(device, ownEndpoint)}: ${formatWhen(device.last_success_at)}`;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button danger";
      remove.textContent = "Remove";
      remove.setAttribute("aria-label", `Remove ${describeDevice(device, ownEndpoint)}`);
      remove.addEventListener("click", async () => {
        const result = await apiFetch(`/api/push/subscriptions/${device.id}/`, { method: "DELETE" });
        if (result.ok) loadDevices();
      });
      li.append(text, remove);
      devicesList.append(li);
    }
  }

  function showErrors(data, prefix) {
    const messages = [];
    for (const [field, problems] of Object.entries(data || {})) {
      const list = Array.isArray(problems) ? problems : [problems];
      const flat = list.map((p) => (typeof p === "object" ? Object.values(p).flat().join(" ") : p));
      const general = field === "non_field_errors" || field === "detail";
      messages.push(general ? flat.join(" ") : `${prefix} ${field.replace("_", " ")}: ${flat.join(" ")}`);
    }
    errors.textContent = messages.join(" ");
  }

  async function saveSchedule(existing, body, prefix) {
    const url = existing ? `/api/reminders/${existing.id}/` : "/api/reminders/";
    const result = await apiFetch(url, { method: existing ? "PATCH" : "POST", body });
    if (!result.ok) showErrors(result.data, prefix);
    return result.ok ? result.data : null;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errors.textContent = "";
    const times = [...form.querySelectorAll('input[name="time"]')].map((i) => i.value).filter(Boolean);
    const weekdays = [...form.querySelectorAll('input[name="weekday"]:checked')].map((b) => Number(b.value));
    const massageOn = form.elements.massage_enabled.checked;
    if (massageOn && !times.length) { errors.textContent = "Add at least one time."; return; }
    if (massageOn && !weekdays.length) { errors.textContent = "Pick at least one day."; return; }
    const quietOn = form.elements.quiet_enabled.checked;
    const massageBody = {
      kind: "massage",
      enabled: massageOn,
      quiet_start: quietOn ? form.elements.quiet_start.value : null,
      quiet_end: quietOn ? form.elements.quiet_end.value : null,
    };
    if (times.length) massageBody.times = times;
    if (weekdays.length) massageBody.weekdays = weekdays;
    if (massageOn || massage) {
      const saved = await saveSchedule(massage, massageBody, "Massage");
      if (!saved) return;
      massage = saved;
    }
    const summaryOn = form.elements.summary_enabled.checked;
    if (summaryOn || summary) {
      const saved = await saveSchedule(summary, {
        kind: "weekly_summary",
        enabled: summaryOn,
        times: [form.elements.summary_time.value],
        weekdays: [Number(form.elements.summary_day.value)],
      }, "Summary");
      if (!saved) return;
      summary = saved;
    }
    say("Reminders saved.");
  });

  $("[data-reminders-add-time]").addEventListener("click", () => addTime("12:00").focus());

  enableButton.addEventListener("click", async () => {
    // requestPermission runs first, straight from the tap (Safari requires the gesture).
    const permission = await Notification.requestPermission();
    if (permission !== "granted") {
      $("[data-reminders-blocked]").hidden = false;
      say("Notifications were not allowed.");
      return;
    }
    say("Turning on reminders…");
    try {
      const registration = await serviceWorkerRegistration();
      const subscription = await sendSubscription(await currentSubscription(registration));
      ownEndpoint = subscription.endpoint;
      enableButton.textContent = "Reminders are on for this device";
      say("Reminders are on for this device.");
      loadDevices();
    } catch (error) {
      say(`Could not turn on reminders: ${error.message}`);
    }
  });

  $("[data-reminders-test]").addEventListener("click", async () => {
    errors.textContent = "";
    const result = await apiFetch("/api/reminders/test", { method: "POST" });
    if (result.ok) {
      say(`Test notification sent to ${result.data.devices} device${result.data.devices === 1 ? "" : "s"}.`);
      setTimeout(loadDevices, 3000);
    } else {
      showErrors(result.data, "");
    }
  });

  if (pushSupported()) {
    navigator.serviceWorker.getRegistration("/")
      .then((r) => (r ? r.pushManager.getSubscription() : null))
      .then((s) => { ownEndpoint = s ? s.endpoint : ""; })
      .catch(() => {})
      .finally(loadDevices);
  } else {
    loadDevices();
  }
  load();
}

const section = document.querySelector("[data-reminders]");
if (section) initSettings(section);
