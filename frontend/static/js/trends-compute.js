// Trend numbers over journal records: the browser twin of journal/trends/compute.py.
// Pure (no DOM, no IndexedDB) so Node runs it against the same JSON fixtures as
// Python (tests/fixtures/trends/). Rules are written out in compute.py's docstring;
// change both files together.

const DAY_MS = 86400000;
export const BETTER = "better";
export const WORSE = "worse";
export const SAME = "same";

// total / count in hundredths, rounded half away from zero, in exact integer arithmetic.
export function meanHundredths(total, count) {
  const magnitude = Math.floor((200 * Math.abs(total) + count) / (2 * count));
  return total < 0 && magnitude !== 0 ? -magnitude : magnitude; // never -0, as in Python
}

/**
 * A trend mean as shown everywhere: one decimal, half away from zero on its exact hundredths
 * (3.65 -> "3.7"). Twin of journal/trends/format.py score(); `signed` adds "+" or "-".
 * @param {number | null | undefined} value
 * @param {{ signed?: boolean }} [options]
 * @returns {string}
 */
export function formatScore(value, { signed = false } = {}) {
  if (value === null || value === undefined) return "-";
  const hundredths = Math.round(value * 100); // exact: the value is a whole number of hundredths
  const tenths = Math.floor((Math.abs(hundredths) + 5) / 10);
  const text = `${Math.floor(tenths / 10)}.${tenths % 10}`;
  if (signed && tenths) return (hundredths < 0 ? "-" : "+") + text;
  return text;
}

const fromH = (value) => (value === null || value === undefined ? null : value / 100);

export function changeStatus(beforeH, afterH, thresholds) {
  const { pointsH, percent } = thresholds;
  const drop = beforeH - afterH;
  if (drop > 0 && (drop >= pointsH || drop * 100 >= beforeH * percent)) return BETTER;
  const rise = -drop;
  if (rise > 0 && (rise >= pointsH || (beforeH > 0 && rise * 100 >= beforeH * percent))) return WORSE;
  return SAME;
}

const formatters = new Map();
function partsFormatter(timeZone) {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      hourCycle: "h23",
      calendar: "gregory",
      numberingSystem: "latn",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

// The zone's offset from UTC (ms) at an instant, from the wall clock Intl reports there.
function offsetAt(ms, timeZone) {
  const wall = {};
  for (const part of partsFormatter(timeZone).formatToParts(new Date(ms))) wall[part.type] = Number(part.value);
  const wholeSeconds = Math.floor(ms / 1000) * 1000;
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) - wholeSeconds;
}

// Asking Intl for every record is the slow part on a phone; a zone's offset is the same at
// both ends of most UTC days, and then all day long (zones change at most once a day), so one
// pair of look-ups serves every record of that day. Days with a change ask per record.
// Keyed by zone, then by the UTC day's number: no key string is built per record.
const dayOffsets = new Map();
function offsetFor(ms, timeZone) {
  const utcDay = Math.floor(ms / DAY_MS);
  let zoneDays = dayOffsets.get(timeZone);
  if (!zoneDays) {
    zoneDays = new Map();
    dayOffsets.set(timeZone, zoneDays);
  }
  let offset = zoneDays.get(utcDay);
  if (offset === undefined) {
    if (zoneDays.size > 100000) zoneDays.clear();
    const start = offsetAt(utcDay * DAY_MS, timeZone);
    offset = start === offsetAt((utcDay + 1) * DAY_MS - 1000, timeZone) ? start : null;
    zoneDays.set(utcDay, offset);
  }
  return offset === null ? offsetAt(ms, timeZone) : offset;
}

// The record's local calendar day as whole days since 1970-01-01.
export function localDay(occurredAt, timeZone) {
  const ms = occurredAt instanceof Date ? occurredAt.getTime() : Date.parse(occurredAt);
  return Math.floor((ms + offsetFor(ms, timeZone)) / DAY_MS);
}

export const isoDay = (day) => new Date(day * DAY_MS).toISOString().slice(0, 10);
export const parseDay = (iso) => {
  const [y, m, d] = iso.split("-").map(Number);
  return Date.UTC(y, m - 1, d) / DAY_MS;
};

function bucket() {
  return { total: 0, count: 0, peak: 0 };
}
function add(b, intensity) {
  b.total += intensity;
  b.count += 1;
  if (intensity > b.peak) b.peak = intensity;
}
const bucketMeanH = (b) => (b.count ? meanHundredths(b.total, b.count) : null);

function makeWeek(days, depths, end) {
  const b = bucket();
  let logged = 0;
  let depth = 0;
  let peak = 0;
  for (let day = end - 6; day <= end; day += 1) {
    const daily = days.get(day);
    if (daily) {
      logged += 1;
      b.total += daily.total;
      b.count += daily.count;
      peak = Math.max(peak, daily.peak);
    }
    depth = Math.max(depth, depths.get(day) || 0);
  }
  const meanH = bucketMeanH(b);
  return {
    start: isoDay(end - 6),
    end: isoDay(end),
    mean: fromH(meanH),
    peak: b.count ? peak : null,
    count: b.count,
    days_logged: logged,
    depth: depth || null,
    change: null,
    _meanH: meanH,
  };
}

function comparison(earlier, later, thresholds) {
  if (!earlier || earlier === later || earlier._meanH === null || later._meanH === null) return null;
  return {
    from_mean: earlier.mean,
    to_mean: later.mean,
    change: (later._meanH - earlier._meanH) / 100,
    status: changeStatus(earlier._meanH, later._meanH, thresholds),
  };
}

function massageSummary(sessions, portionRank) {
  const summarise = (group) => {
    const rated = group.filter((s) => s.pain_after !== null && s.pain_after !== undefined);
    let before = 0;
    let after = 0;
    for (const s of rated) {
      before += Number(s.pain_before);
      after += Number(s.pain_after);
    }
    const n = rated.length;
    return {
      sessions: group.length,
      rated: n,
      mean_before: n ? fromH(meanHundredths(before, n)) : null,
      mean_after: n ? fromH(meanHundredths(after, n)) : null,
      mean_drop: n ? fromH(meanHundredths(before - after, n)) : null,
    };
  };
  const byPortion = new Map();
  for (const s of sessions) {
    if (!byPortion.has(s.portion)) byPortion.set(s.portion, []);
    byPortion.get(s.portion).push(s);
  }
  const portions = [...byPortion.entries()]
    .sort((a, b) => (portionRank.get(a[0]) ?? 99) - (portionRank.get(b[0]) ?? 99))
    .map(([portion, group]) => ({ portion, ...summarise(group) }));
  return { ...summarise(sessions), portions };
}

const statRow = (row, b) => ({ ...row, mean: fromH(bucketMeanH(b)), peak: b.peak, count: b.count });

// vocabulary: the shape of body.vocabulary.vocabulary_json().
export function computeTrends({ entries, massages, from, to, vocabulary }) {
  const zoneRank = new Map(vocabulary.zones.map((z, i) => [z.code, i]));
  const zoneDepth = new Map(vocabulary.zones.map((z) => [z.code, z.order]));
  const sideRank = new Map(Object.keys(vocabulary.sides).map((code, i) => [code, i]));
  const postureRank = new Map(Object.keys(vocabulary.postures).map((code, i) => [code, i]));
  const portionRank = new Map(Object.keys(vocabulary.portions).map((code, i) => [code, i]));
  // Every threshold comes from the served vocabulary (journal/trends/rules.py), none is copied here.
  const SAFETY_WEEKS = vocabulary.trends.safety_weeks;
  const NOT_IMPROVING_MIN_MEAN_H = Math.round(vocabulary.trends.not_improving_min_mean * 100);
  const thresholds = {
    pointsH: Math.round(vocabulary.meaningful_drop.points * 100),
    percent: Math.round(vocabulary.meaningful_drop.fraction * 100),
  };

  const first = parseDay(from);
  const last = parseDay(to);
  if (first > last) throw new RangeError("from must not be after to");
  const oldestWeekEnd = last - 7 * Math.floor((last - first) / 7);
  // The first day's rolling mean reaches 6 days before `from` (the oldest week never further);
  // the safety notes look back SAFETY_WEEKS weeks from `to`.
  const earliestNeeded = Math.min(first, last - 7 * (SAFETY_WEEKS - 1)) - 6;

  const days = new Map();
  const depths = new Map();
  const byZone = new Map();
  const byPosture = new Map();
  for (const entry of entries) {
    if (entry.deleted) continue;
    const day = localDay(entry.occurred_at, entry.time_zone);
    if (day < earliestNeeded || day > last) continue;
    const intensity = Number(entry.intensity);
    let b = days.get(day);
    if (!b) {
      b = bucket();
      days.set(day, b);
    }
    add(b, intensity);
    if (intensity > 0) {
      const depth = zoneDepth.get(entry.zone);
      if (depth > (depths.get(day) || 0)) depths.set(day, depth);
    }
    if (day >= first) {
      let sides = byZone.get(entry.zone);
      if (!sides) {
        sides = new Map();
        byZone.set(entry.zone, sides);
      }
      let zoneBucket = sides.get(entry.side);
      if (!zoneBucket) {
        zoneBucket = bucket();
        sides.set(entry.side, zoneBucket);
      }
      add(zoneBucket, intensity);
      let postureBucket = byPosture.get(entry.posture);
      if (!postureBucket) {
        postureBucket = bucket();
        byPosture.set(entry.posture, postureBucket);
      }
      add(postureBucket, intensity);
    }
  }

  const daily = [];
  const loggedDays = [...days.keys()].filter((d) => d >= first).sort((a, b) => a - b);
  for (const day of loggedDays) {
    const b = days.get(day);
    const window = bucket();
    for (let back = day - 6; back <= day; back += 1) {
      const other = days.get(back);
      if (other) {
        window.total += other.total;
        window.count += other.count;
      }
    }
    daily.push({
      date: isoDay(day),
      mean: fromH(bucketMeanH(b)),
      peak: b.peak,
      count: b.count,
      rolling_mean: fromH(bucketMeanH(window)),
      depth: depths.has(day) ? depths.get(day) : null,
    });
  }

  const weeks = [];
  for (let end = oldestWeekEnd; end <= last; end += 7) weeks.push(makeWeek(days, depths, end));
  for (let i = 1; i < weeks.length; i += 1) {
    const c = comparison(weeks[i - 1], weeks[i], thresholds);
    weeks[i].change = c ? c.status : null;
  }
  const thisWeek = weeks[weeks.length - 1];
  const lastWeek = weeks.length > 1 ? weeks[weeks.length - 2] : makeWeek(days, depths, last - 7);
  const firstWeek = weeks.find((w) => w.count) || null;

  const recent = [];
  for (let k = 0; k < SAFETY_WEEKS; k += 1) recent.push(makeWeek(days, depths, last - 7 * k));
  const notImproving =
    recent.every((w) => w.count) &&
    recent[0]._meanH >= NOT_IMPROVING_MIN_MEAN_H &&
    changeStatus(recent[SAFETY_WEEKS - 1]._meanH, recent[0]._meanH, thresholds) !== BETTER;
  const reach = recent.slice(0, vocabulary.trends.spreading_weeks).map((w) => w.depth); // this week first
  const spreading =
    reach.every((depth) => depth !== null) &&
    reach.every((depth, i) => i === 0 || reach[i - 1] >= depth) &&
    reach[0] > reach[reach.length - 1];

  const massagesInRange = massages.filter((m) => {
    if (m.deleted) return false;
    const day = localDay(m.occurred_at, m.time_zone);
    return day >= first && day <= last;
  });

  const zoneRows = [...byZone.entries()]
    .flatMap(([zone, sides]) => [...sides.entries()].map(([side, b]) => statRow({ zone, side }, b)))
    .sort(
    (a, b) =>
      zoneRank.get(a.zone) - zoneRank.get(b.zone) || (sideRank.get(a.side) ?? 9) - (sideRank.get(b.side) ?? 9),
  );
  const postureRows = [...byPosture.entries()].map(([posture, b]) => statRow({ posture }, b)).sort(
    (a, b) => postureRank.get(a.posture) - postureRank.get(b.posture),
  );

  const publicWeek = (w) => {
    if (!w) return null;
    const { _meanH, ...rest } = w;
    return rest;
  };

  return {
    from: isoDay(first),
    to: isoDay(last),
    days_in_range: last - first + 1,
    days_logged: daily.length,
    entry_count: daily.reduce((n, point) => n + point.count, 0),
    daily,
    weeks: weeks.map(publicWeek),
    by_zone: zoneRows,
    by_posture: postureRows,
    massage: massageSummary(massagesInRange, portionRank),
    comparison: {
      this_week: publicWeek(thisWeek),
      last_week: publicWeek(lastWeek),
      first_week: publicWeek(firstWeek),
      vs_last_week: comparison(lastWeek, thisWeek, thresholds),
      vs_first_week: comparison(firstWeek, thisWeek, thresholds),
    },
    safety: { not_improving: Boolean(notImproving), spreading: Boolean(spreading) },
  };
}
