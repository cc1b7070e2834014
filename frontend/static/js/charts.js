// Small hand-made SVG charts for the trends page. No inline styles (CSP): colours come
// from classes in css/trends.css, geometry from SVG attributes. Each chart is
// decorative for screen readers (aria-hidden); the caption and the table beside it
// carry the information.

import { formatScore } from "./trends-compute.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const DAY_MS = 86400000;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const LABEL_CHAR_WIDTH = 7; // a 12 px label's average character width, for spacing tick labels

function el(name, attributes = {}, text) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

// Drawn at the width it is shown (the page passes its box's width), so 12 px text is 12 px.
function svg(width, height, className) {
  return el("svg", {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    class: `chart ${className}`,
    "aria-hidden": "true",
    focusable: "false",
  });
}

const round1 = (n) => Math.round(n * 10) / 10;
const utc = (day) => new Date(day * DAY_MS);
const dayLabel = (day) => `${utc(day).getUTCDate()} ${MONTHS[utc(day).getUTCMonth()]}`;
const monthStart = (year, month) => Date.UTC(year, month, 1) / DAY_MS;

/**
 * Tick days (whole days since 1970-01-01) on calendar steps and their labels (null: tick only).
 * Two weeks tick each day, three months each Monday, a year each month, longer spans each year;
 * labels are thinned to every k-th tick by the room they need. Twin of calendar_ticks in
 * journal/trends/charts.py (tests/journal/test_trends_charts.py runs both).
 * @param {number} first
 * @param {number} last
 * @param {number} plotWidth
 * @returns {Array<[number, string | null]>}
 */
export function calendarTicks(first, last, plotWidth) {
  const span = last - first;
  /** @type {Array<[number, string]>} */
  let ticks = [];
  if (span <= 31) {
    for (let day = first; day <= last; day += 1) ticks.push([day, dayLabel(day)]);
  } else if (span <= 190) {
    const monday = first + ((8 - utc(first).getUTCDay()) % 7);
    for (let day = monday; day <= last; day += 7) ticks.push([day, dayLabel(day)]);
  } else if (span <= 800) {
    let year = utc(first).getUTCFullYear();
    let month = utc(first).getUTCMonth();
    for (let day = monthStart(year, month); day <= last; day = monthStart(year, month)) {
      if (day >= first) ticks.push([day, month === 0 ? String(year) : MONTHS[month]]);
      month += 1;
      if (month === 12) [year, month] = [year + 1, 0];
    }
  } else {
    const lastYear = utc(last).getUTCFullYear();
    for (let year = utc(first).getUTCFullYear() + 1; year <= lastYear; year += 1) {
      ticks.push([monthStart(year, 0), String(year)]);
    }
  }
  if (!ticks.length) return [];
  const widest = Math.max(...ticks.map(([, label]) => label.length)) * LABEL_CHAR_WIDTH + 10;
  const room = Math.max(1, Math.floor(plotWidth / widest));
  const every = Math.max(1, Math.ceil(ticks.length / room));
  return ticks.map(([day, label], i) => [day, i % every === 0 ? label : null]);
}

// A centred label's x, moved in just enough to stay inside the chart (twin of label_x in charts.py).
function labelX(tickX, label, width) {
  const half = (label.length * LABEL_CHAR_WIDTH) / 2;
  return Math.min(Math.max(tickX, half + 1), width - half - 1);
}

// The x axis of a time chart: a tick per calendar step, some of them labelled.
function timeAxis(chart, { first, last, x, bottom, height, width, plotWidth }) {
  for (const [day, label] of calendarTicks(first, last, plotWidth)) {
    const tx = round1(x(day));
    chart.append(el("line", { x1: tx, x2: tx, y1: bottom, y2: bottom + 4, class: "chart-tick" }));
    if (label) {
      chart.append(el("text", { x: round1(labelX(x(day), label, width)), y: height - 8, class: "chart-label", "text-anchor": "middle" }, label));
    }
  }
}

// Pain 0-10 over the days of the range: a dot per logged day (its mean), the 7-day
// rolling mean as a line, and a marker at the end of each week whose mean changed in a
// clinically meaningful way (down: better, up: worse). Same geometry as charts.py.
export function painOverTime({ from, to, daily, weeks, dayNumber, width = 320 }) {
  const height = width <= 400 ? 190 : 230;
  const left = 28;
  const right = width - 10;
  const top = 14;
  const bottom = height - 28;
  const first = dayNumber(from);
  const last = dayNumber(to);
  const span = Math.max(1, last - first);
  const xDay = (day) => left + ((day - first) / span) * (right - left);
  const x = (iso) => round1(xDay(dayNumber(iso)));
  const y = (value) => round1(bottom - (value / 10) * (bottom - top));
  const chart = svg(width, height, "chart-pain");
  for (const level of [0, 5, 10]) {
    chart.append(el("line", { x1: left, x2: right, y1: y(level), y2: y(level), class: "chart-grid" }));
    chart.append(el("text", { x: left - 6, y: y(level) + 4, class: "chart-label", "text-anchor": "end" }, level));
  }
  timeAxis(chart, { first, last, x: xDay, bottom, height, width, plotWidth: right - left });
  if (daily.length) {
    // One path for all dots keeps five years of days to a single element.
    const dots = daily.map((p) => `M${x(p.date)} ${y(p.mean)}h0`).join("");
    chart.append(el("path", { d: dots, class: "chart-dots" }));
    const line = daily.map((p, i) => `${i ? "L" : "M"}${x(p.date)} ${y(p.rolling_mean)}`).join("");
    chart.append(el("path", { d: line, class: "chart-rolling" }));
  }
  for (const week of weeks) {
    if (week.change !== "better" && week.change !== "worse") continue;
    const cx = x(week.end < to ? week.end : to);
    const cy = y(week.mean);
    const better = week.change === "better";
    const d = better
      ? `M${cx - 6} ${cy - 14}h12l-6 9z` // pointing down: pain went down
      : `M${cx - 6} ${cy - 5}h12l-6 -9z`;
    chart.append(el("path", { d, class: better ? "chart-mark-better" : "chart-mark-worse" }));
  }
  return chart;
}

// Horizontal bars 0-10, one per row: [{label, value, count}]. Same geometry as charts.py.
export function bars(rows, { className = "", width = 320 } = {}) {
  const rowHeight = 30;
  const labelWidth = 140;
  const height = rowHeight * rows.length + 6;
  const chart = svg(width, height, `chart-bars ${className}`.trim());
  const scale = (width - labelWidth - 44) / 10;
  rows.forEach((row, i) => {
    const top = i * rowHeight + 4;
    chart.append(el("text", { x: 0, y: top + 17, class: "chart-text" }, row.label));
    chart.append(el("rect", { x: labelWidth, y: top + 4, width: round1(10 * scale), height: 18, rx: 3, class: "chart-track" }));
    if (row.value !== null) {
      const bar = Math.max(2, row.value * scale);
      chart.append(el("rect", { x: labelWidth, y: top + 4, width: round1(bar), height: 18, rx: 3, class: `chart-bar ${row.barClass || ""}`.trim() }));
      chart.append(el("text", { x: round1(labelWidth + bar + 4), y: top + 18, class: "chart-text chart-value" }, formatScore(row.value)));
    }
  });
  return chart;
}

// Before/after pairs per massage portion: [{label, before, after}].
export function beforeAfter(pairs, { width = 320 } = {}) {
  const rows = [];
  for (const pair of pairs) {
    rows.push({ label: `${pair.label}: before`, value: pair.before, barClass: "is-before" });
    rows.push({ label: "after", value: pair.after, barClass: "is-after" });
  }
  return bars(rows, { className: "chart-massage", width });
}

// How far down the leg the pain reached, week by week: a step line, deeper is lower.
// Same geometry as charts.py; weeks are {start, end, depth} with ISO days.
export function reachOverWeeks({ weeks, levels, dayNumber, width = 320 }) {
  const height = width <= 400 ? 200 : 170;
  const left = 80;
  const right = width - 10;
  const top = 12;
  const bottom = height - 28;
  const deepest = levels.length;
  const y = (depth) => round1(top + ((depth - 1) / (deepest - 1)) * (bottom - top));
  const chart = svg(width, height, "chart-reach");
  levels.forEach((label, i) => {
    chart.append(el("line", { x1: left, x2: right, y1: y(i + 1), y2: y(i + 1), class: "chart-grid" }));
    chart.append(el("text", { x: left - 6, y: y(i + 1) + 4, class: "chart-label", "text-anchor": "end" }, label));
  });
  if (!weeks.length) return chart;
  const first = dayNumber(weeks[0].start);
  const last = dayNumber(weeks[weeks.length - 1].end) + 1;
  const span = Math.max(1, last - first);
  const x = (day) => left + ((day - first) / span) * (right - left);
  timeAxis(chart, { first, last, x, bottom, height, width, plotWidth: right - left });
  let d = "";
  let drawing = false;
  for (const week of weeks) {
    if (week.depth === null) {
      drawing = false;
      continue;
    }
    const x0 = round1(x(dayNumber(week.start)));
    const x1 = round1(x(dayNumber(week.end) + 1));
    d += `${drawing ? "L" : "M"}${x0} ${y(week.depth)}H${x1}`;
    drawing = true;
  }
  if (d) chart.append(el("path", { d, class: "chart-step" }));
  return chart;
}
