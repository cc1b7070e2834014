// Words and times for journal records: labels from the server's vocabulary
// (<script type="application/json" id="journal-vocabulary">), local days per entry's own zone.
import { deviceTimeZone, formatTime } from "./time-format.js";

export { deviceTimeZone };

let cached = null;

export function vocabulary() {
  if (!cached) {
    const element = document.getElementById("journal-vocabulary");
    cached = element ? JSON.parse(element.textContent) : { zones: [], postures: {}, portions: {}, tools: {} };
    cached.zonesByCode = Object.fromEntries(cached.zones.map((zone) => [zone.code, zone]));
  }
  return cached;
}

export function capitalise(text) {
  return text ? text[0].toUpperCase() + text.slice(1) : "";
}

// The zone's short name, for buttons, lists and "Saved ..." notes ("upper buttock").
export function zoneLabel(code) {
  const zone = vocabulary().zonesByCode[code];
  return zone?.short || zone?.label || code;
}

// The zone as it reads inside a sentence after "pain in the ..." (no commas).
export function zonePhrase(code) {
  const zone = vocabulary().zonesByCode[code];
  return zone?.phrase || zone?.short || code;
}

/**
 * "a", "a and b", "a, b and c".
 * @param {string[]} items
 * @returns {string}
 */
export function joinWords(items) {
  if (items.length < 2) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

export function postureLabel(code) {
  return vocabulary().postures[code] || code;
}

export function portionLabel(code) {
  return vocabulary().portions[code] || code;
}

export function toolLabel(code) {
  return vocabulary().tools[code] || code;
}

export function placeLabel(zone, side) {
  return `${capitalise(side)} ${zoneLabel(zone)}`;
}

/**
 * "Right upper buttock, left foot": several places in one phrase.
 * @param {{ zone: string, side: string }[]} places
 * @returns {string}
 */
export function placesLabel(places) {
  return places
    .map((place, index) => (index ? `${place.side} ${zoneLabel(place.zone)}` : placeLabel(place.zone, place.side)))
    .join(", ");
}

function safeZone(timeZone) {
  try {
    Intl.DateTimeFormat("en", { timeZone });
    return timeZone;
  } catch {
    return "UTC";
  }
}

// "2026-11-26": the calendar day of `iso` in `timeZone` (en-CA formats as YYYY-MM-DD).
export function localDayKey(iso, timeZone) {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: safeZone(timeZone || deviceTimeZone()),
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date(iso));
}

export function todayKey(now = new Date()) {
  return localDayKey(now.toISOString(), deviceTimeZone());
}

function shiftDay(key, days) {
  const [year, month, day] = key.split("-").map(Number);
  const date = new Date(Date.UTC(year, month - 1, day + days));
  return date.toISOString().slice(0, 10);
}

export function dayHeading(key, now = new Date()) {
  const today = todayKey(now);
  if (key === today) return "Today";
  if (key === shiftDay(today, -1)) return "Yesterday";
  const [year, month, day] = key.split("-").map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  const sameYear = key.slice(0, 4) === today.slice(0, 4);
  return new Intl.DateTimeFormat(undefined, {
    timeZone: "UTC",
    weekday: "long",
    day: "numeric",
    month: "long",
    ...(sameYear ? {} : { year: "numeric" }),
  }).format(date);
}

// "2:05 PM" or "14:05" as the device is set, plus the zone's short name when the entry was
// logged in another zone than now.
export function timeLabel(iso, timeZone) {
  return formatTime(new Date(iso), { timeZone: safeZone(timeZone || deviceTimeZone()) });
}

// <input type="datetime-local"> speaks the device's local time.
export function toLocalInputValue(date) {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
  return local.toISOString().slice(0, 16);
}

export function fromLocalInputValue(value) {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export function describeRecord(record, { withScore = true } = {}) {
  if (record.type === "massage_session") {
    const after = record.pain_after === null || record.pain_after === undefined ? "" : ` → ${record.pain_after}`;
    return `Massage, ${record.side} ${portionLabel(record.portion)}: ${record.minutes} min with ${toolLabel(record.tool)}, pain ${record.pain_before}${after}`;
  }
  const where = `${placeLabel(record.zone, record.side)}, ${postureLabel(record.posture)}`;
  return withScore ? `${where}: ${record.intensity}/10` : where;
}

// Tiny element builder: h("li", {class: "entry"}, "text", child).
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "class") element.className = value;
    else if (name === "text") element.textContent = value;
    else if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}
