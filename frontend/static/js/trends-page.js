// The trends page: reads the journal from IndexedDB (works offline), computes with
// trends-compute.js (the twin of the server's computation) and draws small SVG charts,
// each with a one-line caption and a table.
import { apiFetch } from "./http.js";
import { getJournal } from "./journal-session.js";
import { allRecords } from "./db.js";
import { computeTrends, isoDay, localDay, parseDay } from "./trends-compute.js";
import { bars, beforeAfter, painOverTime, reachOverWeeks } from "./charts.js";

const vocabulary = JSON.parse(document.getElementById("trends-vocabulary").textContent);
const zoneLabels = new Map(vocabulary.zones.map((z) => [z.code, z.label]));
// Short names for the zone orders 1-6 of contract.md, for the "how far down" axis.
const REACH_LABELS = ["buttock", "thigh", "knee", "calf", "lower leg", "foot"];
const RANGE_DAYS = { "2w": 14, "3m": 91, "1y": 364 };

const $ = (id) => document.getElementById(id);
const one = (value) => (Math.round(Math.abs(value) * 10 + 1e-9) / 10).toFixed(1);

function deviceToday() {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  return localDay(new Date(), zone);
}

export function rangeFor(range, entries, today = deviceToday()) {
  if (range === "all") {
    let first = today;
    for (const e of entries) first = Math.min(first, localDay(e.occurred_at, e.time_zone));
    return { from: isoDay(Math.min(first, today - 13)), to: isoDay(today) };
  }
  return { from: isoDay(today - (RANGE_DAYS[range] || 14) + 1), to: isoDay(today) };
}

function fillTable(id, rows) {
  const body = $(id).tBodies[0];
  body.replaceChildren(
    ...rows.map((cells) => {
      const tr = document.createElement("tr");
      cells.forEach((text, i) => {
        const cell = document.createElement(i === 0 ? "th" : "td");
        if (i === 0) cell.scope = "row";
        cell.textContent = text;
        tr.append(cell);
      });
      return tr;
    }),
  );
}

function movement(change, status, since) {
  if (change < 0) return `down ${one(change)} ${since}${status === "better" ? ", a clear improvement" : ""}`;
  if (change > 0) return `up ${one(change)} ${since}${status === "worse" ? ", clearly worse" : ""}`;
  return `no change ${since}`;
}

function painCaption(t, range) {
  const { this_week: week, vs_last_week: vsLast, vs_first_week: vsFirst } = t.comparison;
  const lastLogged = [...t.weeks].reverse().find((w) => w.count);
  if (!lastLogged) return "Nothing logged in this range.";
  if (!week.count) return `No entries this week; the last week with entries averaged ${one(lastLogged.mean)}.`;
  let text = `This week's average is ${one(week.mean)}`;
  if (range === "2w" && vsLast) text += `, ${movement(vsLast.change, vsLast.status, "from last week")}`;
  else if (range !== "2w" && vsFirst) text += `, ${movement(vsFirst.change, vsFirst.status, "since the first week")}`;
  return `${text}.`;
}

function renderPain(t, range) {
  $("pain-caption").textContent = painCaption(t, range);
  $("pain-chart").replaceChildren(painOverTime({ ...t, dayNumber: parseDay }));
  const status = { better: "clearly better", worse: "clearly worse", same: "about the same" };
  fillTable(
    "pain-table",
    t.weeks
      .filter((w) => w.count)
      .reverse()
      .map((w) => [w.end, one(w.mean), String(w.peak), String(w.count), status[w.change] || ""]),
  );
}

function renderZones(t) {
  const rows = t.by_zone;
  const worst = rows.reduce((a, b) => (b.mean > a.mean ? b : a), rows[0]);
  $("zones-caption").textContent = worst
    ? `Hurts most: ${zoneLabels.get(worst.zone)} (${worst.side}), average ${one(worst.mean)}.`
    : "No zones logged in this range.";
  const levels = new Map(rows.map((r) => [`${r.zone}:${r.side}`, Math.round(r.mean)]));
  for (const shape of document.querySelectorAll("#zones-map .bodymap-zone")) {
    for (let level = 0; level <= 10; level += 1) shape.classList.remove(`pain-${level}`);
    const level = levels.get(`${shape.dataset.zone}:${shape.dataset.side}`);
    if (level !== undefined) shape.classList.add(`pain-${level}`);
  }
  fillTable(
    "zones-table",
    rows.map((r) => [zoneLabels.get(r.zone), r.side, one(r.mean), String(r.count)]),
  );
}

function renderPostures(t) {
  const rows = t.by_posture;
  const label = (code) => vocabulary.postures[code];
  if (rows.length >= 2) {
    const sorted = [...rows].sort((a, b) => b.mean - a.mean);
    const most = sorted[0];
    const least = sorted[sorted.length - 1];
    $("posture-caption").textContent =
      `${capitalise(label(most.posture))} hurts most (${one(most.mean)}); ${label(least.posture)} least (${one(least.mean)}).`;
  } else {
    $("posture-caption").textContent = rows.length
      ? `Only ${label(rows[0].posture)} logged (average ${one(rows[0].mean)}).`
      : "No postures logged in this range.";
  }
  $("posture-chart").replaceChildren(bars(rows.map((r) => ({ label: shortPosture(r.posture), value: r.mean }))));
  fillTable("posture-table", rows.map((r) => [label(r.posture), one(r.mean), String(r.count)]));
}

function renderMassage(t) {
  const m = t.massage;
  if (!m.rated) {
    $("massage-caption").textContent = m.sessions
      ? `${m.sessions} massage sessions, none with a pain score after.`
      : "No massages logged in this range.";
  } else if (m.mean_drop > 0) {
    $("massage-caption").textContent =
      `Massage lowered pain by ${one(m.mean_drop)} points on average (${m.rated} sessions with a score after).`;
  } else {
    $("massage-caption").textContent = `Massage did not lower pain on average (${m.rated} sessions).`;
  }
  const rated = m.portions.filter((p) => p.rated);
  const portionLabel = (code) => capitalise(vocabulary.portions[code]);
  $("massage-chart").replaceChildren(
    rated.length ? beforeAfter(rated.map((p) => ({ label: portionLabel(p.portion).replace(" portion", ""), before: p.mean_before, after: p.mean_after }))) : "",
  );
  fillTable(
    "massage-table",
    m.portions.map((p) => [
      portionLabel(p.portion),
      String(p.sessions),
      p.rated ? one(p.mean_before) : "-",
      p.rated ? one(p.mean_after) : "-",
      p.rated ? (p.mean_drop < 0 ? "-" : "") + one(p.mean_drop) : "-",
    ]),
  );
}

function renderReach(t) {
  const { this_week: week, last_week: last } = t.comparison;
  const name = (depth) => REACH_LABELS[depth - 1];
  if (week.depth && last.depth) {
    $("reach-caption").textContent = `This week the pain reached the ${name(week.depth)}; the week before, the ${name(last.depth)}.`;
  } else if (week.depth) {
    $("reach-caption").textContent = `This week the pain reached the ${name(week.depth)}.`;
  } else {
    const lastLogged = [...t.weeks].reverse().find((w) => w.depth);
    $("reach-caption").textContent = lastLogged
      ? `No pain logged this week; it last reached the ${name(lastLogged.depth)}.`
      : "No pain logged in this range.";
  }
  $("reach-chart").replaceChildren(reachOverWeeks({ weeks: t.weeks, levels: REACH_LABELS }));
  fillTable(
    "reach-table",
    t.weeks.filter((w) => w.depth).reverse().map((w) => [w.end, name(w.depth)]),
  );
}

function renderSafety(t) {
  const { spreading, not_improving: notImproving } = t.safety;
  const messages = [];
  if (spreading) messages.push("Over the last three weeks your pain has reached further down the leg.");
  if (notImproving) messages.push("Your pain has not clearly improved over the last three weeks.");
  $("trends-safety").hidden = messages.length === 0;
  if (messages.length) {
    messages.push("That is worth talking over with a doctor, who can check for other causes.");
    $("trends-safety-text").textContent = messages.join(" ");
  }
}

const capitalise = (text) => text.charAt(0).toUpperCase() + text.slice(1);
const shortPosture = (code) => capitalise(vocabulary.postures[code].replace(/ \(.*\)$/, "").replace(" from sitting", ""));

export function render(trends, range) {
  const empty = trends.entry_count === 0 && trends.massage.sessions === 0;
  $("trends-empty").hidden = !empty;
  $("trends-charts").hidden = empty;
  $("trends-range-label").textContent =
    `${trends.from} to ${trends.to}: ${trends.entry_count} entries on ${trends.days_logged} of ${trends.days_in_range} days.`;
  $("trends-report-link").href = `/trends/report/?from=${trends.from}&to=${trends.to}`;
  renderSafety(trends);
  if (empty) return;
  renderPain(trends, range);
  renderZones(trends);
  renderPostures(trends);
  renderMassage(trends);
  renderReach(trends);
}

function chosenRange() {
  const range = new URLSearchParams(location.search).get("range") || "2w";
  return range in RANGE_DAYS || range === "all" ? range : "2w";
}

function markRange(range) {
  for (const button of document.querySelectorAll("[data-range]")) {
    button.setAttribute("aria-pressed", String(button.dataset.range === range));
  }
}

// IndexedDB is the source (offline first). Where it cannot be opened (some private
// browsing modes), the server computes the same numbers: /api/trends/ has the same shape.
async function fromServer(range) {
  const today = deviceToday();
  const { from, to } = range === "all" ? { from: isoDay(today - 7300), to: isoDay(today) } : rangeFor(range, []);
  const response = await apiFetch(`/api/trends/?from=${from}&to=${to}`);
  if (!response.ok) throw new Error(`trends API answered ${response.status}`);
  return response.data;
}

async function main() {
  let range = chosenRange();
  let journal = null;
  try {
    journal = await getJournal();
  } catch (error) {
    console.warn("journal database unavailable, using the server", error);
  }

  async function update() {
    const started = performance.now();
    let trends;
    if (journal) {
      const records = await allRecords(journal.db);
      const entries = records.filter((r) => r.type === "pain_entry");
      const massages = records.filter((r) => r.type === "massage_session");
      trends = computeTrends({ entries, massages, ...rangeFor(range, entries), vocabulary });
    } else {
      trends = await fromServer(range);
    }
    render(trends, range);
    markRange(range);
    document.documentElement.dataset.trendsReady = "true";
    document.documentElement.dataset.trendsMs = String(Math.round(performance.now() - started));
  }

  for (const button of document.querySelectorAll("[data-range]")) {
    button.addEventListener("click", () => {
      range = button.dataset.range;
      const url = new URL(location.href);
      url.searchParams.set("range", range);
      history.replaceState(null, "", url);
      update();
    });
  }
  journal?.engine.addEventListener("records-changed", () => update());
  await update();
}

main().catch((error) => {
  $("trends-range-label").textContent = "Could not read the journal on this phone.";
  throw error;
});
