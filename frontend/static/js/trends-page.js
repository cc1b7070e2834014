// The trends page: reads the journal from IndexedDB (works offline), computes with
// trends-compute.js (the twin of the server's computation) and draws small SVG charts,
// each with a one-line caption and a table.
import { apiFetch } from "./http.js";
import { getJournal } from "./journal-session.js";
import { allRecords } from "./db.js";
import { computeTrends, formatScore, isoDay, localDay, parseDay } from "./trends-compute.js";
import { bars, beforeAfter, painOverTime, reachOverWeeks } from "./charts.js";

const vocabulary = JSON.parse(document.getElementById("trends-vocabulary").textContent);
const zoneLabels = new Map(vocabulary.zones.map((z) => [z.code, z.label]));
// Thresholds and labels come from the served vocabulary (journal/trends/rules.py).
const REACH_LABELS = vocabulary.trends.reach_labels;
const MIN_ENTRIES = vocabulary.trends.min_entries;
const entriesText = (n) => `${n} entr${n === 1 ? "y" : "ies"}`;
const RANGE_DAYS = { "2w": 14, "3m": 91, "1y": 364 };

const $ = (id) => document.getElementById(id);
const one = (value) => formatScore(value);
// Charts are drawn at the width of their box (at least 280), so their 12 px text stays 12 px.
const chartWidth = (id) => Math.max(280, Math.floor($(id).clientWidth || 320));

// "Today" in the profile's time zone, as the server counts it (handed to the page), so a phone
// set to another zone shows the same range offline as online.
function deviceToday() {
  const zone = vocabulary.time_zone || Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
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
  const body = /** @type {HTMLTableElement} */ ($(id)).tBodies[0];
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
  if (!week.count) return `Nothing logged in the last 7 days; the last week with entries averaged ${one(lastLogged.mean)}.`;
  let text = `In the last 7 days the average was ${one(week.mean)} over ${entriesText(week.count)}`;
  const enough = (w) => w && w.count >= MIN_ENTRIES;
  if (range === "2w" && vsLast && enough(week) && enough(t.comparison.last_week)) {
    text += `, ${movement(vsLast.change, vsLast.status, "from the 7 days before")}`;
  } else if (range !== "2w" && vsFirst && enough(week) && enough(t.comparison.first_week)) {
    text += `, ${movement(vsFirst.change, vsFirst.status, "since your first week")}`;
    if (t.safety.not_improving && vsFirst.status === "better") text += `; in the last ${vocabulary.trends.safety_weeks} weeks it has levelled off`;
  }
  return `${text}.`;
}

function renderPain(t, range) {
  $("pain-caption").textContent = painCaption(t, range);
  $("pain-chart").replaceChildren(painOverTime({ ...t, dayNumber: parseDay, width: chartWidth("pain-chart") }));
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
  // Highest mean first, vocabulary order on a tie (as journal/trends/statements.py ranks them).
  const ranked = rows.filter((r) => r.count >= MIN_ENTRIES).sort((a, b) => b.mean - a.mean);
  const zoneText = (r) => `${zoneLabels.get(r.zone)} (${r.side}), ${one(r.mean)} over ${entriesText(r.count)}`;
  let caption = "No zones logged in this range.";
  if (ranked.length) {
    caption = `In this range, hurts most: ${zoneText(ranked[0])}`;
    caption += ranked.length > 1 ? `; least: ${zoneText(ranked[ranked.length - 1])}.` : ".";
  } else if (rows.length) {
    caption = `No zone has ${MIN_ENTRIES} or more entries in this range yet.`;
  }
  $("zones-caption").textContent = caption;
  // Colour says how much it hurts; opacity says how often it was logged (a third of the busiest zone's count per step).
  const most = Math.max(1, ...rows.map((r) => r.count));
  const byKey = new Map(rows.map((r) => [`${r.zone}:${r.side}`, r]));
  for (const shape of /** @type {NodeListOf<SVGElement>} */ (document.querySelectorAll("#zones-map .bodymap-zone"))) {
    for (let level = 0; level <= 10; level += 1) shape.classList.remove(`pain-${level}`);
    shape.classList.remove("often-1", "often-2", "often-3");
    const row = byKey.get(`${shape.dataset.zone}:${shape.dataset.side}`);
    if (row === undefined) continue;
    shape.classList.add(`pain-${Math.floor((Math.round(row.mean * 100) + 50) / 100)}`);
    shape.classList.add(`often-${row.count < MIN_ENTRIES ? 1 : Math.max(2, Math.ceil((3 * row.count) / most))}`);
  }
  fillTable(
    "zones-table",
    rows.map((r) => [zoneLabels.get(r.zone), r.side, one(r.mean), String(r.count)]),
  );
}

function renderPostures(t) {
  const rows = t.by_posture;
  const label = (code) => vocabulary.postures[code];
  const counted = rows.filter((r) => r.count >= MIN_ENTRIES);
  if (counted.length >= 2) {
    const sorted = [...counted].sort((a, b) => b.mean - a.mean);
    const most = sorted[0];
    const least = sorted[sorted.length - 1];
    $("posture-caption").textContent =
      `In this range, ${label(most.posture)} hurts most (${one(most.mean)} over ${entriesText(most.count)}); ` +
      `${label(least.posture)} least (${one(least.mean)} over ${entriesText(least.count)}).`;
  } else {
    $("posture-caption").textContent = rows.length
      ? `Too few entries to compare moments yet (at least ${MIN_ENTRIES} each for two of them).`
      : "No postures logged in this range.";
  }
  $("posture-chart").replaceChildren(
    bars(rows.map((r) => ({ label: shortPosture(r.posture), value: r.mean })), { width: chartWidth("posture-chart") }),
  );
  fillTable("posture-table", rows.map((r) => [label(r.posture), one(r.mean), String(r.count)]));
}

function renderMassage(t) {
  const m = t.massage;
  const sessions = (n) => `${n} session${n === 1 ? "" : "s"}`;
  if (!m.sessions) {
    $("massage-caption").textContent = "No massages logged in this range.";
  } else if (m.rated < MIN_ENTRIES) {
    $("massage-caption").textContent =
      `In this range, ${sessions(m.rated)} of ${m.sessions} with a score after: too few to compare (at least ${MIN_ENTRIES} are needed).`;
  } else {
    const change = one(m.mean_drop) === "0.0" ? "the same after" : `${one(m.mean_drop)} ${m.mean_drop > 0 ? "lower" : "higher"} after`;
    $("massage-caption").textContent =
      `In this range, pain was ${change} on average over ${sessions(m.rated)} with a score after (${one(m.mean_before)} before, ${one(m.mean_after)} after).`;
  }
  const rated = m.portions.filter((p) => p.rated);
  const portionLabel = (code) => capitalise(vocabulary.portions[code]);
  $("massage-chart").replaceChildren(
    rated.length
      ? beforeAfter(
          rated.map((p) => ({ label: portionLabel(p.portion).replace(" portion", ""), before: p.mean_before, after: p.mean_after })),
          { width: chartWidth("massage-chart") },
        )
      : "",
  );
  fillTable(
    "massage-table",
    m.portions.map((p) => [
      portionLabel(p.portion),
      String(p.sessions),
      p.rated ? one(p.mean_before) : "-",
      p.rated ? one(p.mean_after) : "-",
      p.rated ? formatScore(p.mean_drop, { signed: p.mean_drop < 0 }) : "-",
    ]),
  );
}

function renderReach(t) {
  const { this_week: week, last_week: last } = t.comparison;
  const name = (depth) => REACH_LABELS[depth - 1];
  if (week.depth && last.depth) {
    $("reach-caption").textContent = `In the last 7 days the pain reached the ${name(week.depth)}; in the 7 days before, the ${name(last.depth)}.`;
  } else if (week.depth) {
    $("reach-caption").textContent = `In the last 7 days the pain reached the ${name(week.depth)}.`;
  } else {
    const lastLogged = [...t.weeks].reverse().find((w) => w.depth);
    $("reach-caption").textContent = lastLogged
      ? `No pain above 0 logged in the last 7 days; in the week ending ${lastLogged.end} it reached the ${name(lastLogged.depth)}.`
      : "No pain above 0 logged in this range.";
  }
  $("reach-chart").replaceChildren(
    reachOverWeeks({ weeks: t.weeks, levels: REACH_LABELS, dayNumber: parseDay, width: chartWidth("reach-chart") }),
  );
  fillTable(
    "reach-table",
    t.weeks.filter((w) => w.depth).reverse().map((w) => [w.end, name(w.depth)]),
  );
}

function renderSafety(t) {
  const { spreading, not_improving: notImproving } = t.safety;
  const messages = [];
  if (spreading) messages.push(`In the last ${vocabulary.trends.spreading_weeks} weeks your pain has reached further down the leg.`);
  if (notImproving) messages.push(`In the last ${vocabulary.trends.safety_weeks} weeks your weekly average has not clearly improved.`);
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
  /** @type {HTMLAnchorElement} */ ($("trends-report-link")).href = `/trends/report/?from=${trends.from}&to=${trends.to}`;
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

// ?from=YYYY-MM-DD&to=YYYY-MM-DD (the weekly summary's link): exactly those days, until the
// user picks a range.
/** @returns {{ from: string, to: string } | null} */
export function chosenDays(search = location.search) {
  const params = new URLSearchParams(search);
  const from = params.get("from") || "";
  const to = params.get("to") || "";
  const day = /^\d{4}-\d{2}-\d{2}$/;
  if (!day.test(from) || !day.test(to) || from > to || Number.isNaN(Date.parse(`${from}T00:00:00Z`))) return null;
  return { from, to };
}

function markRange(range) {
  for (const button of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll("[data-range]"))) {
    button.setAttribute("aria-pressed", String(button.dataset.range === range));
  }
}

// IndexedDB is the source (offline first). Where it cannot be opened (some private
// browsing modes), the server computes the same numbers: /api/trends/ has the same shape.
/**
 * @param {string} range
 * @param {{ from: string, to: string } | null} [days]
 */
async function fromServer(range, days = null) {
  const today = deviceToday();
  const { from, to } = days || (range === "all" ? { from: isoDay(today - 7300), to: isoDay(today) } : rangeFor(range, []));
  const response = await apiFetch(`/api/trends/?from=${from}&to=${to}`);
  if (!response.ok) throw new Error(`trends API answered ${response.status}`);
  return response.data;
}

async function main() {
  let range = chosenRange();
  let days = chosenDays();
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
      trends = computeTrends({ entries, massages, ...(days || rangeFor(range, entries)), vocabulary });
    } else {
      trends = await fromServer(range, days);
    }
    // A chosen span of days is no preset range: its caption compares with its first week.
    render(trends, days ? "days" : range);
    markRange(days ? "" : range);
    document.documentElement.dataset.trendsReady = "true";
    document.documentElement.dataset.trendsMs = String(Math.round(performance.now() - started));
  }

  for (const button of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll("[data-range]"))) {
    button.addEventListener("click", () => {
      range = button.dataset.range;
      days = null;
      const url = new URL(location.href);
      url.searchParams.delete("from");
      url.searchParams.delete("to");
      url.searchParams.set("range", range);
      history.replaceState(null, "", url);
      update().catch(showFailure);
    });
  }
  journal?.engine.addEventListener("records-changed", () => {
    update().catch(showFailure);
  });
  await update();
}

/** @param {unknown} error */
function showFailure(error) {
  $("trends-range-label").textContent = "Could not read the journal on this phone.";
  console.error("Minimus: the trends could not be computed", error);
}

main().catch(showFailure);
