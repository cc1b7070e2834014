// Fault-injecting harness for the shipped sync client: frontend/static/js/db.js and sync.js,
// imported unchanged, run as three devices of one user against a live Minimus server.
//
// Started by tests/journal/test_sync_js_harness.py, which owns the server and the database.
// We talk to it over stdin/stdout: a line "@@control {json}" asks for something only the
// operator can do (a new user and its sessions, a server restart, a tombstone purge, the
// server forgetting a client's newest mutation ids, a client id bound to another account,
// a revoke, the server's rows); it answers one JSON line on stdin.
//
// fast-check draws random sequences of operations: users creating, editing and deleting on
// each device; sync loops whose requests meet faults (dropped request, response dropped after
// the server committed, 500/502/503/504, a duplicated request, a copy delivered much later,
// the page closed after sending); pages closed in the middle of an IndexedDB transaction;
// reloads; clocks a day off; time zone changes; a server that requires a newer app; purges,
// gaps, foreign and revoked client ids, server restarts. After quiescence every device must
// equal the server, and the server the reference model: 0 lost, 0 doubled, 0 resurrected.
// A failure prints the shrunk sequence.
import { register } from "node:module";
import readline from "node:readline";

import {
  IDBFactory,
  RealDate,
  forceCloseDatabase,
  frontendRequire,
  networkFetch,
  registerConnection,
  within,
} from "./environment.mjs";
import { Reference } from "./reference.mjs";

const config = JSON.parse(process.env.SYNC_HARNESS_CONFIG || "{}");
// A deliberate bug in the client (config "bug", see deliberate_bugs.mjs) proves the
// invariants catch it; only this process's copy of db.js is changed.
if (config.bug) register("./deliberate_bugs.mjs", import.meta.url, { data: { bug: config.bug } });

const fc = frontendRequire("fast-check");
const store = await import("../../../frontend/static/js/db.js");
const { SyncEngine } = await import("../../../frontend/static/js/sync.js");
const { unwrap } = await import("../../../frontend/static/vendor/idb/index.js");

const BASE = config.base_url;
const RUNS = Number(config.runs || 10);
const OPS = Number(config.ops_per_run || 100);
const DEVICES = 3;
const VOCABULARY = config.vocabulary;
const INVALID = config.invalid;
const ZONES = config.time_zones;

// --- the operator (pytest) -----------------------------------------------------------------
const answers = new Map();
let controlSeq = 0;
readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const message = JSON.parse(line);
  answers.get(message.id)?.(message);
  answers.delete(message.id);
});
function control(cmd, args = {}) {
  const id = ++controlSeq;
  const sent = RealDate.now();
  return new Promise((resolve, reject) => {
    answers.set(id, (message) => {
      count("ms", `control ${cmd}`, RealDate.now() - sent);
      if (message.error) reject(new Error(message.error));
      else resolve(message.result);
    });
    process.stdout.write(`@@control ${JSON.stringify({ id, cmd, ...args })}\n`);
  });
}

// --- figures ---------------------------------------------------------------------------------
const totals = {
  runs: 0,
  operations: 0,
  requests: 0,
  pushes_applied: 0,
  lost: 0,
  doubled: 0,
  resurrected: 0,
  most_requests_in_one_sync: 0,
  faults: {},
  events: {},
  ms: {},
};
function count(table, key, n = 1) {
  totals[table][key] = (totals[table][key] || 0) + n;
}

// --- one world per run: a user, three devices, the reference -----------------------------------
const never = () => new Promise(() => {});
// One sync that sends more requests than this without settling is a client looping without
// progress (and would keep the run from ending): a violation.
const SYNC_REQUEST_BUDGET = 150;

class World {
  constructor(account) {
    this.account = account;
    this.reference = new Reference(VOCABULARY);
    this.violations = [];
    this.devices = account.sessions.map((session, index) => ({
      index,
      session,
      idb: new IDBFactory(),
      clockSkewMs: 0,
      timeZone: ZONES[index % ZONES.length],
      page: null,
      staleApp: false,
      stuck: false,
    }));
    this.delayed = []; // copies of push requests still "in the network"
    this.tokens = new Map(); // token -> {device, recordId}
    this.deletes = []; // {device, recordId}
    this.created = []; // record ids in creation order (ops pick among them by index)
    this.writes = 0;
  }

  violation(message) {
    this.violations.push(message);
  }
}

let world;

// A closed page's pending IndexedDB requests fail with nobody left to listen (in a browser
// the page is gone); anything else unhandled is a defect of the client.
const CLOSED_PAGE_ERRORS = new Set(["AbortError", "InvalidStateError", "TransactionInactiveError"]);
process.on("unhandledRejection", (error) => {
  if (error instanceof DOMException && CLOSED_PAGE_ERRORS.has(error.name)) return;
  world?.violation(`unhandled rejection: ${error?.stack || error}`);
});

async function openPage(device) {
  const page = {
    device,
    dead: false,
    faults: [],
    writesBeforeCrash: null,
    requestsLeft: null,
    db: null,
    engine: null,
    fetch: (url, init) => pageFetch(page, url, init),
    close(reason) {
      if (page.dead) return;
      page.dead = true;
      count("events", reason);
      // The browser drops the page's connection; its code never runs again.
      if (page.db) forceCloseDatabase(unwrap(page.db));
      page.resolveClosed();
    },
  };
  page.closed = new Promise((resolve) => (page.resolveClosed = resolve));
  await within(page, async () => {
    page.db = await store.openJournalDb(world.account.user_id);
    registerConnection(unwrap(page.db), page);
    page.engine = new SyncEngine(page.db, world.account.user_id);
    // The page's timers belong to the harness: a requested sync runs when an operation says.
    page.engine.requestSync = () => {};
  });
  device.page = page;
  return page;
}

async function livePage(device) {
  if (!device.page || device.page.dead) await openPage(device);
  return device.page;
}

/** Run page code until it finishes or the page dies under it. */
function onPage(page, fn) {
  const ran = within(page, fn).catch((error) => {
    if (page.dead) return "closed";
    throw error;
  });
  return Promise.race([ran, page.closed.then(() => "closed")]);
}

/**
 * The device's client id, its first pending mutation and the last id the server applied for
 * that client; null when the page closed under the read.
 */
async function syncPosition(device) {
  const page = await livePage(device);
  const clientId = await onPage(page, () => store.getMeta(page.db, "client_id"));
  const pending = await onPage(page, () => store.pendingMutations(page.db, 1));
  if (clientId === "closed" || pending === "closed") return null;
  return { page, clientId, pending, applied: world.reference.lastApplied.get(clientId) || 0 };
}

// --- the network between a page and the server -----------------------------------------------
const BEFORE_SERVER = { drop_request: 0, http_500: 500, http_503: 503 };
const AFTER_SERVER = { drop_response: 0, http_502: 502, http_504: 504 };

async function send(device, { url, method, headers, body }) {
  const sent = RealDate.now();
  const response = await networkFetch(url, {
    method,
    headers: { ...headers, Cookie: `sessionid=${device.session.sessionid}; csrftoken=${device.session.csrftoken}` },
    body,
  });
  totals.requests += 1;
  const text = await response.text();
  count("ms", "requests", RealDate.now() - sent);
  const answer = { status: response.status, type: response.headers.get("Content-Type") || "", text };
  if (config.trace) process.stdout.write(`  ${device.index} <- ${answer.status} ${text.slice(0, 300)}\n`);
  observe(device, { url, body }, answer);
  return answer;
}

/** What the server answered tells the reference what it applied. */
function observe(device, request, answer) {
  if (!request.url.endsWith("/api/sync/push") || answer.status !== 200) return;
  const pushed = JSON.parse(request.body);
  const problems = world.reference.receive(pushed.client_id, pushed.mutations, JSON.parse(answer.text));
  totals.pushes_applied += 1;
  for (const problem of problems) world.violation(`device ${device.index}: ${problem}`);
}

async function pageFetch(page, url, init = {}) {
  if (page.dead) return never();
  const device = page.device;
  if (page.requestsLeft !== null && --page.requestsLeft < 0) {
    world.violation(`device ${device.index}: one sync sent more than ${SYNC_REQUEST_BUDGET} requests without settling`);
    device.stuck = true;
    page.close("sync loop stopped: it would not settle");
    return never();
  }
  const target = new URL(url, BASE);
  let body = init.body;
  if (device.staleApp) {
    // This page runs an app older than the server accepts: its requests carry an old schema.
    if (body) body = JSON.stringify({ ...JSON.parse(body), schema: 0 });
    target.searchParams.set("schema", "0");
  }
  const request = { url: target.href, method: init.method || "GET", headers: { ...init.headers }, body };
  const fault = page.faults.length ? page.faults.shift() : "none";
  if (fault !== "none") count("faults", fault);
  if (config.trace) process.stdout.write(`  ${device.index} ${request.method} ${target.pathname}${target.search} ${body || ""} fault=${fault}\n`);
  if (fault in BEFORE_SERVER) {
    if (!BEFORE_SERVER[fault]) throw new TypeError("Failed to fetch");
    return new Response("<h1>Server Error</h1>", { status: BEFORE_SERVER[fault], headers: { "Content-Type": "text/html" } });
  }
  const answer = await send(device, request);
  if (page.dead) return never();
  if (fault in AFTER_SERVER) {
    if (!AFTER_SERVER[fault]) throw new TypeError("Failed to fetch");
    return new Response("<h1>Bad Gateway</h1>", { status: AFTER_SERVER[fault], headers: { "Content-Type": "text/html" } });
  }
  let delivered = answer;
  if (fault === "duplicate") delivered = await send(device, request);
  if (fault === "delayed_copy") world.delayed.push({ device, request });
  if (fault === "close_after_send") {
    page.close("page closed while its request was in flight");
    return never();
  }
  if (fault === "restart_after_send") {
    await control("restart");
    count("events", "server restarted");
    throw new TypeError("Failed to fetch");
  }
  if (page.dead) return never();
  return new Response(delivered.text, { status: delivered.status, headers: { "Content-Type": delivered.type } });
}

// --- what users and the world do -------------------------------------------------------------
const TYPES = Object.keys(VOCABULARY.valid);

function pick(list, n) {
  return list[n % list.length];
}

function deviceNow(device) {
  return new RealDate(RealDate.now() + device.clockSkewMs);
}

function fieldValues(type, seeds, device) {
  const fields = {};
  Object.entries(VOCABULARY.valid[type]).forEach(([name, options], i) => {
    if (name === "note") return;
    fields[name] = pick(options, seeds[i % seeds.length]);
  });
  // Logged "now" on the device: a skewed clock gives an entry a day off, which is the user's
  // data, not a reason to lose or reorder anything.
  if (seeds[0] % 3 === 0) fields.occurred_at = deviceNow(device).toISOString().replace(/\.\d+Z$/, "Z");
  fields.time_zone = device.timeZone;
  return fields;
}

function makeInvalid(type, fields, seed) {
  const names = Object.keys(INVALID).filter((name) => name in VOCABULARY.valid[type]);
  const name = pick(names, seed);
  fields[name] = pick(INVALID[name], seed >> 3);
}

function token(device) {
  world.writes += 1;
  return `w${world.writes}d${device.index}`;
}

async function visibleRecords(page) {
  const rows = await onPage(page, () => store.allRecords(page.db));
  return rows === "closed" ? [] : rows;
}

const operations = {
  async create(op) {
    const device = world.devices[op.device];
    const page = await livePage(device);
    const type = pick(TYPES, op.type);
    const fields = fieldValues(type, op.values, device);
    if (op.invalid) makeInvalid(type, fields, op.values[1]);
    fields.note = token(device);
    if (op.crashAfter) page.writesBeforeCrash = op.crashAfter;
    const saved = await onPage(page, () => store.saveRecord(page.db, type, fields));
    page.writesBeforeCrash = null;
    if (saved === "closed") return;
    world.tokens.set(fields.note, { device: device.index, recordId: saved.id });
    world.created.push(saved.id);
  },

  async edit(op) {
    const device = world.devices[op.device];
    const page = await livePage(device);
    const visible = await visibleRecords(page);
    if (!visible.length) return;
    const record = pick(visible, op.pick);
    const names = Object.keys(VOCABULARY.valid[record.type]).filter((name) => name !== "note");
    // Mostly the "hot" first choices, so devices edit the same fields of the same records.
    const chosen = names.filter((_, i) => op.fields & (1 << i));
    const values = fieldValues(record.type, op.values, device);
    const changes = Object.fromEntries(chosen.map((name) => [name, values[name]]));
    if (op.invalid) makeInvalid(record.type, changes, op.values[1]);
    changes.note = token(device);
    if (op.crashAfter) page.writesBeforeCrash = op.crashAfter;
    const saved = await onPage(page, () => store.saveRecord(page.db, record.type, changes, { id: record.id }));
    page.writesBeforeCrash = null;
    if (saved === "closed") return;
    world.tokens.set(changes.note, { device: device.index, recordId: record.id });
  },

  async remove(op) {
    const device = world.devices[op.device];
    const page = await livePage(device);
    const visible = await visibleRecords(page);
    if (!visible.length) return;
    const record = pick(visible, op.pick);
    if (op.crashAfter) page.writesBeforeCrash = op.crashAfter;
    const removed = await onPage(page, () => store.deleteRecord(page.db, record.id));
    page.writesBeforeCrash = null;
    if (removed !== "closed") world.deletes.push({ device: device.index, recordId: record.id });
  },

  async sync(op) {
    const device = world.devices[op.device];
    const page = await livePage(device);
    page.faults = [...op.faults];
    if (op.crashAfter) page.writesBeforeCrash = op.crashAfter;
    await syncOnce(page);
    page.writesBeforeCrash = null;
    page.faults = [];
  },

  async reload(op) {
    const device = world.devices[op.device];
    if (device.page && !device.page.dead) device.page.close("page reloaded");
    await openPage(device);
  },

  async deliverDelayed(op) {
    if (!world.delayed.length) return;
    const [copy] = world.delayed.splice(op.pick % world.delayed.length, 1);
    count("events", "delayed copy delivered");
    await send(copy.device, copy.request);
  },

  async skewClock(op) {
    world.devices[op.device].clockSkewMs = [-1, 0, 1][op.days % 3] * 24 * 3600 * 1000;
    count("events", "clock skewed");
  },

  async changeTimeZone(op) {
    const device = world.devices[op.device];
    device.timeZone = pick(ZONES, op.zone);
    // db.js and sync.js must not care; Node's own zone follows for anything that would.
    process.env.TZ = device.timeZone;
    count("events", "time zone changed");
  },

  async serverNeedsNewerApp() {
    for (const device of world.devices) device.staleApp = true;
    count("events", "server requires a newer app");
  },

  async updateApp(op) {
    const device = world.devices[op.device];
    if (!device.staleApp) return;
    device.staleApp = false;
    count("events", "app updated");
    await operations.reload(op);
  },

  async purgeTombstones() {
    const purged = await control("purge", { user_id: world.account.user_id });
    world.reference.purged(purged);
    count("events", "tombstones purged");
  },

  async serverForgets(op) {
    // The server lost the newest mutation ids of a client (its sync-client table restored
    // from a backup) while the device had already dropped them: the next push meets a gap.
    const device = world.devices[op.device];
    const position = await syncPosition(device);
    if (!position) return;
    const { clientId, pending, applied } = position;
    // Only when nothing applied is still unconfirmed on the device: the server would apply it
    // again under its renumbered id, which is what a forgotten counter means, not a bug.
    if (!applied || (pending.length && pending[0].mutation_id <= applied)) return;
    if (world.delayed.some((copy) => copy.device === device)) return;
    const to = op.pick % applied;
    await control("forget", { client_id: clientId, to });
    world.reference.forget(clientId, to);
    count("events", "server forgot mutation ids");
  },

  async foreignClient(op) {
    // This install's client id turns out to be another account's (a copied browser profile).
    const position = await syncPosition(world.devices[op.device]);
    if (!position) return;
    const { page, clientId, pending, applied } = position;
    if (pending.length && pending[0].mutation_id <= applied) return;
    const foreign = await control("foreign_client");
    await onPage(page, () => store.setMeta(page.db, "client_id", foreign));
    count("events", "foreign client id");
  },

  async revoke(op) {
    // "Revoke this sync client" in Settings, on another device.
    const device = world.devices[op.device];
    const page = await livePage(device);
    const clientId = await onPage(page, () => store.getMeta(page.db, "client_id"));
    if (clientId === "closed" || !world.reference.lastApplied.has(clientId)) return;
    await control("revoke", { user_id: world.account.user_id, client_id: clientId });
    count("events", "client revoked");
  },

};

// --- random sequences ----------------------------------------------------------------------
const device = fc.integer({ min: 0, max: DEVICES - 1 });
const seeds = fc.array(fc.nat({ max: 1000 }), { minLength: 10, maxLength: 10 });
const rarely = (n) => fc.nat({ max: n - 1 }).map((x) => x === 0);
// Most IndexedDB writes complete; now and then the page dies after the n-th write request.
const crash = fc.oneof({ weight: 12, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 6 }) });
// A kind of operation can be left out (SYNC_HARNESS_WITHOUT=revoke,restart_after_send) to tell
// which one a failure needs.
const without = new Set(config.without || []);
const FAULTS = [
  "drop_request",
  "drop_response",
  "http_500",
  "http_502",
  "http_503",
  "http_504",
  "duplicate",
  "delayed_copy",
  "close_after_send",
];
const fault = fc.oneof(
  { weight: 100, arbitrary: fc.constant("none") },
  { weight: 90, arbitrary: fc.constantFrom(...FAULTS) },
  { weight: without.has("restart_after_send") ? 0 : 2, arbitrary: fc.constant("restart_after_send") },
);
const user = { device, values: seeds, invalid: rarely(14), crashAfter: crash };
// Weights: mostly users writing offline; syncs (each a few real requests) are the costly
// part, so they are rarer than writes, and server restarts (a fresh worker) rarer still.
const opKinds = [
  ["create", 240, { type: fc.nat({ max: 1 }), ...user }],
  ["edit", 280, { pick: fc.nat({ max: 50 }), fields: fc.nat({ max: 63 }), ...user }],
  ["remove", 80, { pick: fc.nat({ max: 50 }), device, crashAfter: crash }],
  ["sync", 40, { device, faults: fc.array(fault, { maxLength: 4 }), crashAfter: crash }],
  ["reload", 20, { device }],
  ["deliverDelayed", 10, { pick: fc.nat({ max: 20 }) }],
  ["skewClock", 5, { device, days: fc.nat({ max: 2 }) }],
  ["changeTimeZone", 5, { device, zone: fc.nat({ max: 9 }) }],
  ["serverNeedsNewerApp", 3, {}],
  ["updateApp", 8, { device }],
  ["purgeTombstones", 3, {}],
  ["serverForgets", 4, { device, pick: fc.nat({ max: 50 }) }],
  ["foreignClient", 4, { device }],
  ["revoke", 4, { device }],
];
const op = fc.oneof(
  ...opKinds
    .filter(([kind]) => !without.has(kind))
    .map(([kind, weight, fields]) => ({ weight, arbitrary: fc.record({ kind: fc.constant(kind), ...fields }) })),
);

// --- quiescence and the invariants ------------------------------------------------------------
/** One run of the page's sync loop, within the request budget. */
async function syncOnce(page) {
  page.requestsLeft = SYNC_REQUEST_BUDGET;
  await onPage(page, () => page.engine.run());
  const sent = SYNC_REQUEST_BUDGET - page.requestsLeft;
  totals.most_requests_in_one_sync = Math.max(totals.most_requests_in_one_sync, sent);
  page.requestsLeft = null;
}

async function quiesce() {
  world.delayed = [];
  for (const device of world.devices) {
    device.staleApp = false;
    device.clockSkewMs = device.clockSkewMs; // clocks stay as they are: they must not matter
  }
  // Everyone syncs on a good network until nothing is pending, then once more to pull
  // what the others pushed.
  for (let round = 0; round < 2; round += 1) {
    for (const device of world.devices) {
      if (device.stuck) continue;
      const page = await livePage(device);
      for (let attempt = 0; attempt < 8 && !device.stuck; attempt += 1) {
        await syncOnce(page);
        const summary = await onPage(page, () => store.outboxSummary(page.db));
        if (page.engine.status.phase === "idle" && summary.pending === 0) break;
      }
    }
  }
}

function domain(type, row) {
  const fields = { type };
  for (const name of Object.keys(VOCABULARY.valid[type])) {
    let value = row[name] === undefined ? null : row[name];
    if (name === "occurred_at" && value) value = new RealDate(value).toISOString();
    fields[name] = value;
  }
  return fields;
}

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

async function check() {
  const problems = [...world.violations];
  const server = await control("dump", { user_id: world.account.user_id });
  const serverLive = new Map(Object.entries(server.live));
  // The server equals the reference.
  for (const [id, row] of world.reference.records) {
    const stored = serverLive.get(id);
    if (!stored) problems.push(`lost: ${id} is in the model but not on the server`);
    else if (!same(domain(row.type, row), domain(stored.type, stored))) {
      problems.push(`server ${id} is ${JSON.stringify(domain(stored.type, stored))}, model ${JSON.stringify(domain(row.type, row))}`);
    }
  }
  let resurrected = 0;
  for (const id of serverLive.keys()) {
    if (!world.reference.records.has(id)) problems.push(`server has ${id}, the model does not`);
    if (world.reference.everDeleted.has(id)) {
      resurrected += 1;
      problems.push(`resurrected: ${id} was deleted; its history: ${world.reference.history.get(id).join("; ")}`);
    }
  }
  if (!same([...world.reference.deleted].sort(), [...server.tombstones].sort())) {
    problems.push(`tombstones ${server.tombstones.length} on the server, ${world.reference.deleted.size} in the model`);
  }
  // Every user write was processed by the server exactly once.
  let lost = 0;
  let doubled = 0;
  for (const [token] of world.tokens) {
    const times = world.reference.processed.get(token) || 0;
    if (times === 0) lost += 1;
    if (times > 1) doubled += 1;
    if (times !== 1) problems.push(`write ${token} was processed ${times} times`);
  }
  // Every device equals the server, apart from its own writes the server refused ("not saved").
  for (const device of world.devices) {
    const page = await livePage(device);
    const summary = await onPage(page, () => store.outboxSummary(page.db));
    const rows = await onPage(page, () => store.allRecords(page.db));
    if (summary.pending) problems.push(`device ${device.index} still has ${summary.pending} pending`);
    const refused = new Set(summary.rejected.map((item) => item.record_id));
    const expectedRefusals = [...world.tokens]
      .filter(([token, write]) => write.device === device.index && world.reference.outcome.get(token) === "invalid")
      .map(([token]) => token)
      .sort();
    const shownRefusals = summary.rejected.map((item) => item.record.note).sort();
    if (!same(expectedRefusals, shownRefusals)) {
      problems.push(`device ${device.index} shows refusals ${shownRefusals}, the server made ${expectedRefusals}`);
    }
    const seen = new Set();
    for (const row of rows) {
      seen.add(row.id);
      if (world.reference.everDeleted.has(row.id)) {
        resurrected += 1;
        problems.push(`resurrected on device ${device.index}: ${row.id}`);
      }
      if (refused.has(row.id)) continue;
      const stored = serverLive.get(row.id);
      if (!stored) problems.push(`device ${device.index} shows ${row.id}, the server does not have it`);
      else if (!same(domain(row.type, row), domain(stored.type, stored)) || row.version !== stored.version) {
        problems.push(
          `device ${device.index} shows ${row.id} as ${JSON.stringify({ ...domain(row.type, row), version: row.version })}, ` +
            `the server ${JSON.stringify({ ...domain(stored.type, stored), version: stored.version })}`,
        );
      }
    }
    for (const id of serverLive.keys()) {
      if (!seen.has(id)) problems.push(`device ${device.index} is missing ${id}`);
    }
  }
  return { problems, lost, doubled, resurrected };
}

async function runSequence(ops) {
  world = new World(await control("new_user"));
  for (const step of ops) {
    if (config.trace) process.stdout.write(`op ${JSON.stringify(step)}\n`);
    const began = RealDate.now();
    await operations[step.kind](step);
    count("ms", `op ${step.kind}`, RealDate.now() - began);
    totals.operations += 1;
    if (world.violations.length) break;
  }
  let began = RealDate.now();
  await quiesce();
  count("ms", "quiesce", RealDate.now() - began);
  began = RealDate.now();
  const result = await check();
  count("ms", "check", RealDate.now() - began);
  for (const device of world.devices) device.page?.close("run over");
  totals.runs += 1;
  totals.lost += result.lost;
  totals.doubled += result.doubled;
  totals.resurrected += result.resurrected;
  if (result.problems.length) {
    throw new Error(`${result.problems.length} problems:\n  ${result.problems.slice(0, 12).join("\n  ")}`);
  }
}

const started = RealDate.now();
let failure = null;
try {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: OPS, maxLength: OPS }), runSequence),
    { numRuns: RUNS, seed: config.seed ?? undefined, path: config.path ?? undefined, endOnFailure: config.shrink === false, includeErrorInReport: true,
      // A failure still reports its sequence, shrunk as far as the time allowed.
      interruptAfterTimeLimit: config.time_limit_ms ?? undefined },
  );
} catch (error) {
  failure = String(error.message || error);
}
const summary = { ...totals, seconds: (RealDate.now() - started) / 1000, failure };
// Exit once the summary is written: a pipe takes a long counterexample in several writes.
process.stdout.write(`@@summary ${JSON.stringify(summary)}\n`, () => process.exit(failure ? 1 : 0));
