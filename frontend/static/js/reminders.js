// Reminders: this device's push subscription and the settings section.
// Permission is asked only after a tap on "Turn on reminders" (iOS needs a gesture, and
// an unasked prompt at page load gets denied for good). app.js calls
// refreshPushSubscription() on every start so the server always has this device's
// current subscription, and initReminderSettings() for the settings section.
import { getMeta, setMeta } from "./db.js";
import { apiFetch } from "./http.js";
import { getJournal } from "./journal-session.js";
import { isIOS, isStandalone } from "./platform.js";
import { handled, reportError } from "./report.js";
import { formatClock, formatTime } from "./time-format.js";

export function pushSupported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
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
  await navigator.serviceWorker.register("/serviceworker.js", { scope: "/", type: "module", updateViaCache: "none" });
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

/**
 * @param {PushSubscription} subscription
 * @param {{renewal?: boolean}} [options] renewal: the app's own start-up refresh, not the user's choice
 */
async function sendSubscription(subscription, { renewal = false } = {}) {
  const body = { ...subscription.toJSON(), user_agent: navigator.userAgent, renewal };
  delete body.expirationTime;
  const result = await apiFetch("/api/push/subscriptions/", { method: "POST", body });
  if (!result.ok && result.data && result.data.code === "push_stopped") {
    // Stopped from the devices list on another device: honour it here too, so this browser
    // shows reminders as off instead of holding a subscription nobody pushes to.
    await subscription.unsubscribe();
    return null;
  }
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
    return await sendSubscription(await currentSubscription(registration), { renewal: true });
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

/**
 * What the device list says about one device.
 * @param {string} status "working", "not working" or "not tested yet", as the API answers
 * @returns {string}
 */
function describeStatus(status) {
  if (status === "working") return "notifications arrive";
  if (status === "not working") return "notifications are not arriving";
  return "no notification yet";
}

/** How long "Turning on reminders…" may take before the page says why it stopped. */
export const TURN_ON_TIMEOUT_MS = 10_000;

class TurnOnError extends Error {}

/**
 * A plain reason for a failed turn-on, for the line next to the button.
 * @param {unknown} error
 * @returns {string}
 */
function turnOnReason(error) {
  if (error instanceof TurnOnError) return error.message;
  if (error instanceof TypeError) return "there is no connection to Minimus. Try again when you are online.";
  const name = error instanceof DOMException ? error.name : "";
  if (name === "NotAllowedError") return "this browser did not allow notifications for Minimus.";
  if (name === "AbortError" || name === "NotSupportedError" || name === "InvalidStateError") {
    return "this browser's push service did not accept the subscription. Try again later.";
  }
  return "this browser's push service failed. Try again later.";
}

/**
 * Rejects with a TurnOnError after `ms`, whatever `work` is still doing.
 * @template T
 * @param {Promise<T>} work
 * @param {number} ms
 * @returns {Promise<T>}
 */
function withinTime(work, ms) {
  let timer = 0;
  const late = new Promise((_, reject) => {
    timer = window.setTimeout(
      () => reject(new TurnOnError(`this browser's push service did not answer within ${Math.round(ms / 1000)} seconds. Try again later.`)),
      ms,
    );
  });
  return /** @type {Promise<T>} */ (Promise.race([work, late])).finally(() => window.clearTimeout(timer));
}

/**
 * A request that may fail for want of a connection: null then, never a thrown "Failed to fetch".
 * @param {string} url
 * @returns {Promise<import("./http.js").ApiResult | null>}
 */
async function tryFetch(url) {
  if (!navigator.onLine) return null;
  try {
    return await apiFetch(url);
  } catch (error) {
    if (error instanceof TypeError) return null;
    throw error;
  }
}

/** @param {string} hhmm */
function clock(hhmm) {
  return hhmm ? formatClock(hhmm) : "";
}

function initSettings(section) {
  const $ = (selector) => section.querySelector(selector);
  const deviceState = $("[data-reminders-state]");
  const status = $("[data-reminders-status]");
  const errors = $("[data-reminders-errors]");
  const savedNote = $("[data-reminders-saved]");
  const testStatus = $("[data-reminders-test-status]");
  const form = $("[data-reminders-form]");
  const loading = $("[data-reminders-loading]");
  const offlineNote = $("[data-reminders-offline]");
  const noDevice = $("[data-reminders-no-device]");
  const timesBox = $("[data-reminders-times]");
  const checkInTimesBox = $("[data-check-in-times]");
  const devicesList = $("[data-reminders-devices]");
  const enableButton = $("[data-reminders-enable]");
  const testButton = $("[data-reminders-test]");
  let massage = null;
  let summary = null;
  let checkIn = null;
  /** @type {{ id?: number, endpoint: string, status: string, user_agent?: string }[] | null} null: not known */
  let devices = null;
  let ownEndpoint = "";
  let turningOn = false;
  let offline = false;

  /**
   * A message next to the control it is about; role alert for a problem.
   * @param {Element} element
   * @param {string} text
   * @param {{ problem?: boolean }} [options]
   */
  function tell(element, text, { problem = false } = {}) {
    element.setAttribute("role", problem ? "alert" : "status");
    element.classList.toggle("is-problem", problem);
    element.textContent = text;
  }

  // This device is "on" only when the browser allows notifications AND the server has stored
  // its subscription; anything else is "off", with the reason next to the button.
  function showDeviceState() {
    if (turningOn) return;
    const stored = Boolean(ownEndpoint) && Boolean(devices?.some((device) => device.endpoint === ownEndpoint));
    const on = pushSupported() && Notification.permission === "granted" && stored;
    deviceState.dataset.remindersState = on ? "on" : "off";
    deviceState.textContent = on ? "Reminders are on for this device." : "Reminders are off for this device.";
    enableButton.textContent = on ? "Reminders are on for this device" : "Turn on reminders";
    enableButton.disabled = !pushSupported() || offline;
    const receiving = devices ? devices.filter((device) => device.status !== "not working").length : 1;
    const anyReminder = [massage, summary, checkIn].some((schedule) => schedule && schedule.enabled);
    noDevice.hidden = !(anyReminder && receiving === 0);
  }

  if (isIOS() && !isStandalone()) $("[data-reminders-ios]").hidden = false;
  if (!pushSupported()) {
    if (!isIOS()) $("[data-reminders-unsupported]").hidden = false;
  } else if (Notification.permission === "denied") {
    $("[data-reminders-blocked]").hidden = false;
  }

  // One time row: "Time 2" in the massage list, "Check-in time 1" in the check-in list.
  function addTime(value, { box = timesBox, name = "time", labelPrefix = "Time" } = {}) {
    const index = box.children.length + 1;
    const row = document.createElement("div");
    row.className = "reminders-time";
    const label = document.createElement("label");
    label.textContent = `${labelPrefix} ${index} `;
    const input = document.createElement("input");
    input.type = "time";
    input.name = name;
    input.required = true;
    input.value = value;
    label.append(input);
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "button";
    remove.textContent = "Remove";
    remove.setAttribute("aria-label", `Remove ${labelPrefix.toLowerCase()} ${index}`);
    remove.addEventListener("click", () => { row.remove(); });
    row.append(label, remove);
    box.append(row);
    return input;
  }
  const checkInRow = { box: checkInTimesBox, name: "check_in_time", labelPrefix: "Check-in time" };

  function fill() {
    timesBox.replaceChildren();
    const times = massage ? massage.times : ["09:00", "19:00"];
    times.forEach(addTime);
    const days = new Set(massage ? massage.weekdays : [0, 1, 2, 3, 4, 5, 6]);
    form.querySelectorAll('input[name="weekday"]').forEach((box) => { box.checked = days.has(Number(box.value)); });
    form.elements.massage_enabled.checked = massage ? massage.enabled : true;
    const quietFrom = [massage, checkIn].find((schedule) => schedule && schedule.quiet_start);
    form.elements.quiet_enabled.checked = Boolean(quietFrom);
    if (quietFrom) {
      form.elements.quiet_start.value = quietFrom.quiet_start;
      form.elements.quiet_end.value = quietFrom.quiet_end;
    }
    checkInTimesBox.replaceChildren();
    (checkIn ? checkIn.times : ["20:00"]).forEach((value) => addTime(value, checkInRow));
    form.elements.check_in_enabled.checked = Boolean(checkIn && checkIn.enabled);
    form.elements.summary_enabled.checked = Boolean(summary && summary.enabled);
    if (summary) {
      form.elements.summary_day.value = String(summary.weekdays[0]);
      form.elements.summary_time.value = summary.times[0];
    }
  }

  function useSchedules(list) {
    massage = list.find((s) => s.kind === "massage" && !s.one_off) || null;
    summary = list.find((s) => s.kind === "weekly_summary") || null;
    checkIn = list.find((s) => s.kind === "pain_check_in") || null;
  }

  // The last settings this device saw, kept with the journal (wiped with it on sign-out).
  async function remember(key, value) {
    try {
      const { db } = await getJournal();
      await setMeta(db, key, { value, seen_at: new Date().toISOString() });
    } catch {
      // Nothing to fall back on offline then; the page still works online.
    }
  }
  async function recall(key) {
    try {
      const { db } = await getJournal();
      return await getMeta(db, key);
    } catch {
      return undefined;
    }
  }

  // Offline: the last known settings, read-only, with a note; never an empty form.
  async function showOffline() {
    offline = true;
    const known = await recall("reminder_settings");
    const seen = await recall("reminder_devices");
    if (seen && devices === null) devices = seen.value;
    loading.hidden = true;
    offlineNote.hidden = false;
    if (known) {
      useSchedules(known.value);
      fill();
      form.hidden = false;
      form.querySelectorAll("input, select, button, textarea").forEach((control) => { control.disabled = true; });
      const when = formatTime(new Date(known.seen_at), { withDate: true });
      offlineNote.textContent = `Offline: these are your reminder settings as this device last saw them (${when}). Changes need a connection.`;
    } else {
      form.hidden = true;
      offlineNote.textContent = "Offline: this device has not seen your reminder settings yet. Open this page again when you are online.";
    }
    testButton.disabled = true;
    showDeviceState();
    addEventListener("online", () => location.reload(), { once: true });
  }

  async function load() {
    const result = await tryFetch("/api/reminders/");
    if (!result) {
      await showOffline();
      return;
    }
    if (!result.ok) {
      loading.textContent = "Your reminder settings could not be loaded. Reload the page to try again.";
      return;
    }
    const list = Array.isArray(result.data) ? result.data : result.data.results || [];
    useSchedules(list);
    await remember("reminder_settings", list);
    fill();
    loading.hidden = true;
    form.hidden = false;
    showDeviceState();
  }

  async function loadDevices() {
    const result = await tryFetch("/api/push/subscriptions/");
    if (!result || !result.ok) return;
    devices = Array.isArray(result.data) ? result.data : result.data.results || [];
    section.dataset.devicesLoaded = "true";
    await remember("reminder_devices", devices.map(({ endpoint, status: state }) => ({ endpoint, status: state })));
    devicesList.replaceChildren();
    showDeviceState();
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
      text.textContent = `${describeDevice(device, ownEndpoint)}: ${describeStatus(device.status)}`;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button danger";
      remove.textContent = "Remove";
      remove.setAttribute("aria-label", `Remove ${describeDevice(device, ownEndpoint)}`);
      remove.addEventListener("click", handled("removing a device", async () => {
        const removed = await apiFetch(`/api/push/subscriptions/${device.id}/`, { method: "DELETE" });
        if (removed.ok) await loadDevices();
      }));
      li.append(text, remove);
      devicesList.append(li);
    }
  }
  const showDevices = handled("listing the devices", loadDevices);

  function errorText(data, prefix) {
    const messages = [];
    for (const [field, problems] of Object.entries(data || {})) {
      const list = Array.isArray(problems) ? problems : [problems];
      const flat = list.map((p) => (typeof p === "object" ? Object.values(p).flat().join(" ") : p));
      const general = field === "non_field_errors" || field === "detail";
      messages.push(general ? flat.join(" ") : `${prefix} ${field.replace("_", " ")}: ${flat.join(" ")}`);
    }
    return messages.join(" ").trim();
  }

  async function saveSchedule(existing, body, prefix) {
    const url = existing ? `/api/reminders/${existing.id}/` : "/api/reminders/";
    const result = await apiFetch(url, { method: existing ? "PATCH" : "POST", body });
    if (!result.ok) errors.textContent = errorText(result.data, prefix) || "The server did not save the reminders. Try again.";
    return result.ok ? result.data : null;
  }

  form.addEventListener("submit", handled("saving the reminders", async (/** @type {SubmitEvent} */ event) => {
    event.preventDefault();
    errors.textContent = "";
    tell(savedNote, "");
    const times = [...form.querySelectorAll('input[name="time"]')].map((i) => i.value).filter(Boolean);
    const weekdays = [...form.querySelectorAll('input[name="weekday"]:checked')].map((b) => Number(b.value));
    const massageOn = form.elements.massage_enabled.checked;
    if (massageOn && !times.length) { errors.textContent = "Add at least one time."; return; }
    if (massageOn && !weekdays.length) { errors.textContent = "Pick at least one day."; return; }
    const checkInTimes = [...form.querySelectorAll('input[name="check_in_time"]')].map((i) => i.value).filter(Boolean);
    const checkInOn = form.elements.check_in_enabled.checked;
    if (checkInOn && !checkInTimes.length) { errors.textContent = "Add at least one check-in time."; return; }
    const quietOn = form.elements.quiet_enabled.checked;
    // Quiet hours hold back massage reminders and check-ins alike.
    const quiet = {
      quiet_start: quietOn ? form.elements.quiet_start.value : null,
      quiet_end: quietOn ? form.elements.quiet_end.value : null,
    };
    /** @type {Record<string, unknown>} */
    const massageBody = { kind: "massage", enabled: massageOn, ...quiet };
    if (times.length) massageBody.times = times;
    if (weekdays.length) massageBody.weekdays = weekdays;
    try {
      if (massageOn || massage) {
        const saved = await saveSchedule(massage, massageBody, "Massage");
        if (!saved) return;
        massage = saved;
      }
      if (checkInOn || checkIn) {
        /** @type {Record<string, unknown>} */
        const body = { kind: "pain_check_in", enabled: checkInOn, weekdays: [0, 1, 2, 3, 4, 5, 6], ...quiet };
        if (checkInTimes.length) body.times = checkInTimes;
        const saved = await saveSchedule(checkIn, body, "Check-in");
        if (!saved) return;
        checkIn = saved;
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
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      errors.textContent = "Not saved: there is no connection to Minimus. Try again when you are online.";
      return;
    }
    const list = [massage, checkIn, summary].filter(Boolean);
    await remember("reminder_settings", list);
    showDeviceState();
    const when = massage && massage.enabled ? ` Massage reminders at ${massage.times.map(clock).join(", ")}.` : "";
    const asks = checkIn && checkIn.enabled ? ` Pain check-in at ${checkIn.times.map(clock).join(", ")}.` : "";
    tell(savedNote, `Reminders saved.${when}${asks}`);
  }));

  $("[data-reminders-add-time]").addEventListener("click", () => addTime("12:00").focus());
  $("[data-check-in-add-time]").addEventListener("click", () => addTime("12:00", checkInRow).focus());

  enableButton.addEventListener("click", handled("turning on reminders", async () => {
    if (turningOn) return;
    // requestPermission runs first, straight from the tap (Safari requires the gesture).
    const permission = await Notification.requestPermission();
    if (permission !== "granted") {
      $("[data-reminders-blocked]").hidden = false;
      showDeviceState();
      tell(status, "Not turned on: this browser did not allow notifications for Minimus.", { problem: true });
      return;
    }
    turningOn = true;
    enableButton.disabled = true;
    tell(status, "Turning on reminders…");
    try {
      const subscription = await withinTime(
        (async () => {
          const registration = await serviceWorkerRegistration();
          let made;
          try {
            made = await currentSubscription(registration);
          } catch (error) {
            if (error instanceof Error && error.message.startsWith("Notifications are not set up")) {
              throw new TurnOnError("notifications are not set up on the server.");
            }
            throw error;
          }
          try {
            return await sendSubscription(made);
          } catch (error) {
            if (error instanceof TypeError) throw error;
            throw new TurnOnError("the server did not store this device. Try again.");
          }
        })(),
        TURN_ON_TIMEOUT_MS,
      );
      ownEndpoint = subscription.endpoint;
      turningOn = false;
      await loadDevices();
      if (deviceState.dataset.remindersState === "on") {
        tell(status, "Done: this device will show your reminders.");
      } else {
        tell(status, "Not turned on: the server does not list this device. Try again.", { problem: true });
      }
    } catch (error) {
      turningOn = false;
      showDeviceState();
      tell(status, `Not turned on: ${turnOnReason(error)}`, { problem: true });
    } finally {
      turningOn = false;
      enableButton.disabled = !pushSupported() || offline;
    }
  }));

  testButton.addEventListener("click", handled("sending a test notification", async () => {
    tell(testStatus, "Sending…");
    let result;
    try {
      result = await apiFetch("/api/reminders/test", { method: "POST" });
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      tell(testStatus, "Not sent: there is no connection to Minimus.", { problem: true });
      return;
    }
    if (result.ok) {
      tell(testStatus, `Test notification sent to ${result.data.devices} device${result.data.devices === 1 ? "" : "s"}.`);
      setTimeout(showDevices, 3000);
    } else {
      tell(testStatus, errorText(result.data, "") || "The test notification was not sent.", { problem: true });
    }
  }));

  const ready = pushSupported()
    ? navigator.serviceWorker.getRegistration("/")
      .then((r) => (r ? r.pushManager.getSubscription() : null))
      .then((s) => { ownEndpoint = s ? s.endpoint : ""; })
      .catch(() => {})
    : Promise.resolve();
  // Settings first (an offline page then shows them), then the devices.
  ready
    .then(() => load())
    .then(() => (offline ? undefined : loadDevices()))
    .catch(reportError("loading the reminder settings"));
}

/** Wire up the reminders section of the settings page, if this page has one. */
export function initReminderSettings() {
  const section = document.querySelector("[data-reminders]");
  if (section) initSettings(section);
}
