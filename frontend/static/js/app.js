// Entry module of every page: small, page features load their own modules.
import { csrfToken } from "./http.js";
import "./pwa.js";
import { refreshPushSubscription } from "./reminders.js";

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
  document.querySelectorAll('input[name="time_zone"][type="hidden"]').forEach((input) => {
    if (!input.value) input.value = zone;
  });
  document.querySelectorAll("[data-device-time-zone]").forEach((el) => {
    el.textContent = zone;
  });
}

fillTimeZoneFields();
// Keep the server's copy of this device's push subscription current (never prompts).
refreshPushSubscription();

export { csrfToken, detectTimeZone };

// Signed in: open the journal database, start background sync and the header's sync state.
if (document.body.dataset.user) {
  import("./journal-session.js").then((journal) => journal.getJournal());
}
