// Entry module of every page: small, page features load their own modules.
import { csrfToken } from "./http.js";
import { initPwa } from "./pwa.js";
import { initAccountWipe } from "./account-wipe.js";
import { getJournal } from "./journal-session.js";
import { localiseTimes } from "./time-format.js";

function detectTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

// Sign-up carries the device's time zone so reminders and local days are right from the start.
function fillTimeZoneFields() {
  const zone = detectTimeZone();
  /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('input[name="time_zone"][type="hidden"]')).forEach((input) => {
    if (!input.value) input.value = zone;
  });
  document.querySelectorAll("[data-device-time-zone]").forEach((el) => {
    el.textContent = zone;
  });
}

// The reminders module is the largest one: only Settings and a browser that already shows
// notifications need it, so other pages load without it.
function loadReminders() {
  const settings = document.querySelector("[data-reminders]");
  const mayHavePush = document.body.dataset.authenticated === "true"
    && "Notification" in window && Notification.permission === "granted";
  if (!settings && !mayHavePush) return;
  import("./reminders.js").then((reminders) => {
    if (settings) reminders.initReminderSettings();
    // Keep the server's copy of this device's push subscription current (never prompts; it
    // reports no failure of its own: the next start tries again).
    void reminders.refreshPushSubscription();
  }).catch((error) => console.error("Reminders could not be loaded", error));
}

fillTimeZoneFields();
localiseTimes();
initPwa();
initAccountWipe();
loadReminders();

export { csrfToken, detectTimeZone };

// Signed in: open the journal database, start background sync and the header's sync state.
if (document.body.dataset.user) {
  getJournal().catch((error) => console.error("The journal on this device could not be opened", error));
}
