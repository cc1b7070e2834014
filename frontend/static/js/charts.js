// Small hand-made SVG charts for the trends page. No inline styles (CSP): colours come
// from classes in css/trends.css, geometry from SVG attributes. Each chart is
// decorative for screen readers (aria-hidden); the caption and the table beside it
// carry the information.

const SVG_NS = "http://www.w3.org/2000/svg";
const WIDTH = 320;

function el(name, attributes = {}, text) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function svg(height, className) {
  return el("svg", {
    viewBox: `0 0 ${WIDTH} ${height}`,
    class: `chart ${className}`,
    "aria-hidden": "true",
    focusable: "false",
    preserveAspectRatio: "xMidYMid meet",
  });
}

const round1 = (n) => Math.round(n * 10) / 10;

function shortDate(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(undefined, {
    day: "numeric",
    month: "short",
    timeZone: "UTC",
    ...(y !== new Date().getUTCFullYear() ? { year: "2-digit" } : {}),
  });
}

// Pain 0-10 over the days of the range: a dot per logged day (its mean), the 7-day
// rolling mean as a line, and a marker at the end of each week whose mean changed in a
// clinically meaningful way (down: better, up: worse).
export function painOverTime({ from, to, daily, weeks, dayNumber }) {
  const height = 170;
  const left = 26;
  const right = WIDTH - 8;
  const top = 14;
  const bottom = height - 24;
  const first = dayNumber(from);
  const span = Math.max(1, dayNumber(to) - first);
  const x = (iso) => round1(left + ((dayNumber(iso) - first) / span) * (right - left));
  const y = (value) => round1(bottom - (value / 10) * (bottom - top));
  const chart = svg(height, "chart-pain");
  for (const level of [0, 5, 10]) {
    chart.append(el("line", { x1: left, x2: right, y1: y(level), y2: y(level), class: "chart-grid" }));
    chart.append(el("text", { x: left - 6, y: y(level) + 4, class: "chart-label", "text-anchor": "end" }, level));
  }
  chart.append(el("text", { x: left, y: height - 6, class: "chart-label" }, shortDate(from)));
  chart.append(el("text", { x: right, y: height - 6, class: "chart-label", "text-anchor": "end" }, shortDate(to)));
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

// Horizontal bars 0-10, one per row: [{label, value, count}].
export function bars(rows, { className = "" } = {}) {
  const rowHeight = 30;
  const labelWidth = 120;
  const height = rowHeight * rows.length + 6;
  const chart = svg(height, `chart-bars ${className}`);
  const scale = (WIDTH - labelWidth - 40) / 10;
  rows.forEach((row, i) => {
    const top = i * rowHeight + 4;
    chart.append(el("text", { x: 0, y: top + 17, class: "chart-text" }, row.label));
    chart.append(el("rect", { x: labelWidth, y: top + 4, width: 10 * scale, height: 18, rx: 3, class: "chart-track" }));
    if (row.value !== null) {
      const width = Math.max(2, round1(row.value * scale));
      chart.append(el("rect", { x: labelWidth, y: top + 4, width, height: 18, rx: 3, class: `chart-bar ${row.barClass || ""}` }));
      chart.append(el("text", { x: labelWidth + width + 4, y: top + 18, class: "chart-text" }, row.value.toFixed(1)));
    }
  });
  return chart;
}

// Before/after pairs per massage portion: [{label, before, after}].
export function beforeAfter(pairs) {
  const rows = [];
  for (const pair of pairs) {
    rows.push({ label: `${pair.label}: before`, value: pair.before, barClass: "is-before" });
    rows.push({ label: "after", value: pair.after, barClass: "is-after" });
  }
  return bars(rows, { className: "chart-massage" });
}

// How far down the leg the pain reached, week by week: a step line, deeper is lower.
export function reachOverWeeks({ weeks, levels }) {
  const height = 190;
  const left = 86;
  const right = WIDTH - 8;
  const top = 12;
  const bottom = height - 24;
  const deepest = levels.length;
  const y = (depth) => round1(top + ((depth - 1) / (deepest - 1)) * (bottom - top));
  const chart = svg(height, "chart-reach");
  levels.forEach((label, i) => {
    chart.append(el("line", { x1: left, x2: right, y1: y(i + 1), y2: y(i + 1), class: "chart-grid" }));
    chart.append(el("text", { x: left - 6, y: y(i + 1) + 4, class: "chart-label", "text-anchor": "end" }, label));
  });
  if (weeks.length) {
    chart.append(el("text", { x: left, y: height - 6, class: "chart-label" }, shortDate(weeks[0].start)));
    chart.append(el("text", { x: right, y: height - 6, class: "chart-label", "text-anchor": "end" }, shortDate(weeks[weeks.length - 1].end)));
  }
  const step = (right - left) / Math.max(1, weeks.length);
  let d = "";
  let drawing = false;
  weeks.forEach((week, i) => {
    if (week.depth === null) {
      drawing = false;
      return;
    }
    const x0 = round1(left + i * step);
    const x1 = round1(left + (i + 1) * step);
    d += `${drawing ? "L" : "M"}${x0} ${y(week.depth)}H${x1}`;
    drawing = true;
  });
  if (d) chart.append(el("path", { d, class: "chart-step" }));
  return chart;
}
