// Words and times for journal records: labels from the server's vocabulary
// (<script type="application/json" id="journal-vocabulary">), local days per entry's own zone.

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

export function zoneLabel(code) {
  return vocabulary().zonesByCode[code]?.label || code;
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

export function deviceTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
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

// "14:05", plus the zone's short name when the entry was logged in another zone than now.
export function timeLabel(iso, timeZone) {
  const zone = safeZone(timeZone || deviceTimeZone());
  const options = { timeZone: zone, hour: "2-digit", minute: "2-digit" };
  if (zone !== deviceTimeZone()) options.timeZoneName = "short";
  return new Intl.DateTimeFormat(undefined, options).format(new Date(iso));
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
