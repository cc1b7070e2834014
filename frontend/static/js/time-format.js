// One way to show a time to the user everywhere: the device's locale through Intl, so 12 or
// 24 hours as the phone is set ("9:05 PM" or "21:05"), with the zone's short name only when
// the time is in another zone than the device's.

/** @returns {string} the device's IANA time zone, or "UTC" */
export function deviceTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/**
 * @param {string | undefined} timeZone
 * @returns {string} timeZone if Intl knows it, else the device's zone
 */
function knownZone(timeZone) {
  if (!timeZone) return deviceTimeZone();
  try {
    Intl.DateTimeFormat("en", { timeZone });
    return timeZone;
  } catch {
    return "UTC";
  }
}

/**
 * @param {Date} date
 * @param {{ timeZone?: string, withDate?: boolean | "short" }} [options]
 * @returns {string} "9:05 PM"; with the date "Tuesday, December 2 at 9:05 PM"; short "Dec 2, 2026, 9:05 PM"
 */
export function formatTime(date, { timeZone, withDate = false } = {}) {
  const zone = knownZone(timeZone);
  /** @type {Intl.DateTimeFormatOptions} */
  const options = { timeZone: zone, hour: "numeric", minute: "2-digit" };
  if (withDate === "short") Object.assign(options, { day: "numeric", month: "short", year: "numeric" });
  else if (withDate) Object.assign(options, { weekday: "long", day: "numeric", month: "long" });
  if (zone !== deviceTimeZone()) options.timeZoneName = "short";
  return new Intl.DateTimeFormat(undefined, options).format(date);
}

/**
 * "HH:MM" of a schedule (wall-clock time, no zone) in the device's format: "9:00 AM" or "09:00".
 * @param {string} hhmm
 * @returns {string}
 */
export function formatClock(hhmm) {
  const [hours, minutes] = hhmm.split(":").map(Number);
  return new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit", timeZone: "UTC" }).format(
    new Date(Date.UTC(2000, 0, 1, hours, minutes)),
  );
}

/**
 * Rewrites every <time datetime data-local-time="time|datetime|moment" data-time-zone> in `root`
 * with formatTime (the server's text stays for pages without scripts).
 * @param {ParentNode} [root]
 */
export function localiseTimes(root = document) {
  /** @type {NodeListOf<HTMLTimeElement>} */ (root.querySelectorAll("time[data-local-time]")).forEach((element) => {
    const date = new Date(element.dateTime);
    if (Number.isNaN(date.getTime())) return;
    element.textContent = formatTime(date, {
      timeZone: element.dataset.timeZone,
      withDate: { datetime: true, moment: /** @type {"short"} */ ("short") }[element.dataset.localTime] || false,
    });
  });
}
