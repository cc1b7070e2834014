// The journal's local store in IndexedDB: one database per signed-in user.
//
// Public API (also used by the trends page):
//   openJournalDb(userId)            -> Promise<IDBPDatabase>   database "minimus-journal-<userId>"
//   allRecords(db, type?)            -> Promise<Record[]>       non-deleted records, newest first;
//       type "pain_entry" | "massage_session" | undefined (both). A record is
//       {id, type, occurred_at (UTC ISO), time_zone (IANA), version (null until the server has it),
//        pain_entry: zone, side, posture, intensity, note;
//        massage_session: portion, side, tool, minutes, pain_before, pain_after, note}
//   getRecord(db, id), saveRecord(db, type, fields, {id}) , deleteRecord(db, id)
//   outboxSummary(db)                -> {pending, rejected: [{mutation_id, record_id, errors}]}
//   deleteJournalDb(userId)          after a clean sign-out
//   createRecordsOnce(db, items, meta), nameBasedId(name)   writes of a notification action
//
// The service worker imports this same module (it is a module worker): a notification action
// writes into the same database and outbox as the page, the same way.
//
// Stores (see shared/design/sync-protocol.md, "Client"):
//   records  keyPath "id": the record as the user sees it (server row + unconfirmed outbox changes)
//   outbox   keyPath "mutation_id": {mutation_id, type, op, record_id, record, state: "pending"|"rejected", errors}
//   meta     out-of-line keys: client_id, cursor, next_mutation_id, last_pain (for "same as last time")
// A user action writes record + outbox entry + next_mutation_id in ONE transaction, so a crash
// never leaves a write without its outbox entry. A pulled page and its cursor are also one
// transaction, and unconfirmed outbox changes are re-applied on top of pulled rows.
import { openDB, deleteDB, unwrap } from "../vendor/idb/index.js";
/** @import { IDBPDatabase, IDBPTransaction } from "../vendor/idb/index.js" */
/** @import { JournalRecord, OutboxItem, Rejection, RecordType, SyncChange } from "./types.js" */

export const RECORD_TYPES = ["pain_entry", "massage_session"];
// The sync protocol version this client speaks (the page's loop and the worker's push alike).
export const SYNC_SCHEMA = 1;
const DB_PREFIX = "minimus-journal-";

/** @param {string} userId */
export function journalDbName(userId) {
  return DB_PREFIX + userId;
}

/** @returns {string} A random v4 UUID. */
export function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // randomUUID needs a secure context; plain-http LAN testing still gets a v4 UUID.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return uuidFromBytes(bytes);
}

/** @param {Uint8Array} bytes 16 bytes, version and variant bits already set. */
function uuidFromBytes(bytes) {
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// Without crypto.subtle (plain-http LAN testing): four 32-bit FNV-1a lanes, still stable per name.
/** @param {string} name */
function fallbackDigest(name) {
  const out = new Uint8Array(16);
  for (let lane = 0; lane < 4; lane += 1) {
    let hash = 0x811c9dc5 ^ (lane * 0x9e3779b9);
    for (let i = 0; i < name.length; i += 1) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
    new DataView(out.buffer).setUint32(lane * 4, hash >>> 0);
  }
  return out;
}

/**
 * A UUID made from a name (version 8, RFC 9562): one notification action on one notification
 * always gives the same record id, so running it twice cannot log twice.
 * @param {string} name
 * @returns {Promise<string>}
 */
export async function nameBasedId(name) {
  const bytes = crypto.subtle
    ? new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(name))).slice(0, 16)
    : fallbackDigest(name);
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return uuidFromBytes(bytes);
}

/**
 * @param {string} userId
 * @param {{ onBlocked?: () => void, onReplaced?: () => void }} [options] onBlocked: another tab holds
 *   an older version open, so the open waits until it closes (the page tells the user; the open then
 *   goes on by itself). onReplaced: a newer version in another tab needs this one closed: it is.
 * @returns {Promise<IDBPDatabase>}
 */
export async function openJournalDb(userId, { onBlocked, onReplaced } = {}) {
  if (!userId) throw new Error("openJournalDb needs the signed-in user's id");
  const db = await openDB(journalDbName(userId), 1, {
    blocked() {
      onBlocked?.();
    },
    upgrade(database, oldVersion) {
      // Each version adds to the one before: a database already at 1 keeps its stores.
      if (oldVersion < 1) {
        const records = database.createObjectStore("records", { keyPath: "id" });
        records.createIndex("type", "type");
        database.createObjectStore("outbox", { keyPath: "mutation_id" });
        database.createObjectStore("meta");
      }
    },
    blocking(currentVersion, newVersion) {
      // Another tab wants to delete or upgrade the database: let it.
      db.close();
      if (newVersion) onReplaced?.(); // an upgrade; a deletion (sign-out elsewhere) has no version
    },
  });
  const tx = db.transaction("meta", "readwrite");
  if (!(await tx.store.get("client_id"))) {
    await tx.store.put(newId(), "client_id");
    await tx.store.put(0, "cursor");
    await tx.store.put(1, "next_mutation_id");
  }
  await tx.done;
  return db;
}

/**
 * Leaving the page aborts the transactions it still has open and closes the connection. A page
 * frozen in the back/forward cache mid-transaction keeps that transaction's stores, so the next
 * page's reads and writes on them wait until it is evicted (seen in WebKit going from Home to the
 * journal during Home's first sync). Nothing a user was told is saved can go: a save says
 * "Saved" only once its transaction completed, and a sync step is redone by the next sync.
 * @param {IDBPDatabase} db
 * @param {{ onRestored?: () => void }} [options] onRestored: the page came back from the
 *   back/forward cache with its connection closed.
 */
export function releaseWhenPageHides(db, { onRestored } = {}) {
  const raw = unwrap(db);
  /** @type {Set<IDBTransaction>} */
  const open = new Set();
  const transaction = /** @type {(...args: any[]) => IDBTransaction} */ (raw.transaction.bind(raw));
  // The instance's own method: idb's wrappers and shortcuts (db.get, db.put) all go through it.
  raw.transaction = (/** @type {any[]} */ ...args) => {
    const tx = transaction(...args);
    open.add(tx);
    const settled = () => open.delete(tx);
    for (const name of ["complete", "abort", "error"]) tx.addEventListener(name, settled);
    return tx;
  };
  addEventListener("pagehide", () => {
    for (const tx of open) {
      try {
        tx.abort();
      } catch {
        // Finished in the meantime.
      }
    }
    open.clear();
    raw.close();
  });
  addEventListener("pageshow", (event) => {
    if (/** @type {Event & { persisted?: boolean }} */ (event).persisted) onRestored?.();
  });
}

/** @param {string} userId */
export async function deleteJournalDb(userId) {
  await deleteDB(journalDbName(userId));
}

/**
 * @param {IDBPDatabase} db
 * @param {string} key
 * @returns {Promise<any>}
 */
export async function getMeta(db, key) {
  return db.get("meta", key);
}

/**
 * @param {IDBPDatabase} db
 * @param {string} key
 * @param {unknown} value
 */
export async function setMeta(db, key, value) {
  return db.put("meta", value, key);
}

/**
 * @param {{ occurred_at: string }} a
 * @param {{ occurred_at: string }} b
 */
function byNewest(a, b) {
  return a.occurred_at < b.occurred_at ? 1 : a.occurred_at > b.occurred_at ? -1 : 0;
}

/**
 * @param {IDBPDatabase} db
 * @param {RecordType} [type]
 * @returns {Promise<JournalRecord[]>}
 */
export async function allRecords(db, type) {
  const rows = type ? await db.getAllFromIndex("records", "type", type) : await db.getAll("records");
  return rows.filter((row) => !row.deleted).sort(byNewest);
}

/**
 * @param {IDBPDatabase} db
 * @param {string} id
 * @returns {Promise<JournalRecord | undefined>}
 */
export async function getRecord(db, id) {
  const row = await db.get("records", id);
  return row && !row.deleted ? row : undefined;
}

// Writes a record and its outbox entry in one transaction. A new record carries all its
// fields; an edit carries only the fields that changed (the server merges field by field).
/**
 * @param {IDBPDatabase} db
 * @param {RecordType} type
 * @param {object} fields
 * @param {{ id?: string }} [options] The id of the record to edit (none: a new record).
 * @returns {Promise<JournalRecord>}
 */
export async function saveRecord(db, type, fields, { id } = {}) {
  const tx = db.transaction(["records", "outbox", "meta"], "readwrite");
  const records = tx.objectStore("records");
  const recordId = id || newId();
  const existing = id ? await records.get(recordId) : undefined;
  /** @type {Record<string, unknown>} */
  let changes;
  if (existing) {
    changes = {};
    for (const [key, value] of Object.entries(fields)) {
      if (existing[key] !== value) changes[key] = value;
    }
  } else {
    changes = { ...fields };
  }
  const record = { ...(existing || { version: null }), ...changes, id: recordId, type };
  if (Object.keys(changes).length) {
    await records.put(record);
    const create = !existing;
    // An edit of a record the server sent says so: if the server no longer has it (deleted
    // elsewhere, the tombstone purged), the edit is "gone" rather than the record made anew.
    const baseVersion = existing && typeof existing.version === "number" ? { base_version: existing.version } : {};
    await appendMutation(tx, { type, op: "upsert", record_id: recordId, record: { id: recordId, ...changes }, create, ...baseVersion });
  }
  await tx.done;
  return record;
}

// New records with ids the caller chose (nameBasedId), their outbox entries and the meta that
// goes with them, in ONE transaction. A record whose id is already stored is left alone: a
// notification action that runs twice (two taps, a retried event) logs once.
/**
 * @param {IDBPDatabase} db
 * @param {{ type: RecordType, id: string, fields: object }[]} items
 * @param {Record<string, unknown>} [meta] Stored only when something new was written.
 * @returns {Promise<{ created: JournalRecord[], existing: JournalRecord[] }>}
 */
export async function createRecordsOnce(db, items, meta = {}) {
  const tx = db.transaction(["records", "outbox", "meta"], "readwrite");
  const records = tx.objectStore("records");
  const created = [];
  const existing = [];
  for (const { type, id, fields } of items) {
    const found = await records.get(id);
    if (found) {
      existing.push(found);
      continue;
    }
    const record = /** @type {JournalRecord} */ (/** @type {unknown} */ ({ version: null, ...fields, id, type }));
    await records.put(record);
    await appendMutation(tx, { type, op: "upsert", record_id: id, record: { id, ...fields }, create: true });
    created.push(record);
  }
  if (created.length) {
    for (const [key, value] of Object.entries(meta)) await tx.objectStore("meta").put(value, key);
  }
  await tx.done;
  return { created, existing };
}

/**
 * @param {IDBPDatabase} db
 * @param {string} id
 * @returns {Promise<JournalRecord | undefined>} The record as it was, if there was one.
 */
export async function deleteRecord(db, id) {
  const tx = db.transaction(["records", "outbox", "meta"], "readwrite");
  const existing = await tx.objectStore("records").get(id);
  if (!existing) {
    await tx.done;
    return undefined;
  }
  await tx.objectStore("records").delete(id);
  await appendMutation(tx, { type: existing.type, op: "delete", record_id: id, record: { id } });
  await tx.done;
  return existing;
}

/**
 * @param {IDBPTransaction<unknown, string[], "readwrite">} tx
 * @param {Pick<OutboxItem, "type" | "op" | "record_id" | "record" | "create" | "base_version">} mutation
 */
async function appendMutation(tx, mutation) {
  const meta = tx.objectStore("meta");
  const mutationId = (await meta.get("next_mutation_id")) || 1;
  await tx.objectStore("outbox").put({
    mutation_id: mutationId,
    state: "pending",
    created_at: new Date().toISOString(),
    ...mutation,
  });
  await meta.put(mutationId + 1, "next_mutation_id");
}

/**
 * @param {IDBPDatabase} db
 * @returns {Promise<{ pending: number, rejected: OutboxItem[] }>}
 */
export async function outboxSummary(db) {
  const items = await db.getAll("outbox");
  const rejected = items.filter((item) => item.state === "rejected");
  return { pending: items.length - rejected.length, rejected };
}

/**
 * @param {IDBPDatabase} db
 * @param {number} [limit]
 * @returns {Promise<OutboxItem[]>} Oldest first.
 */
export async function pendingMutations(db, limit = 500) {
  const items = await db.getAll("outbox");
  return items.filter((item) => item.state === "pending").slice(0, limit);
}

// A push (or a pull) answered: mutations up to lastMutationId are confirmed. Rejected ones stay
// in the outbox, not sent again, so the user sees "not saved: why" and can fix or discard
// them; "gone" (an edit of a record deleted elsewhere) is dropped with its record, as the
// protocol says a delete is final.
/**
 * @param {IDBPDatabase} db
 * @param {number} lastMutationId
 * @param {Rejection[]} [rejected]
 */
export async function confirmPushed(db, lastMutationId, rejected = []) {
  const tx = db.transaction(["records", "outbox"], "readwrite");
  await confirmInTransaction(tx, lastMutationId, rejected);
  await tx.done;
}

/**
 * @param {IDBPTransaction<unknown, string[], "readwrite">} tx
 * @param {number} lastMutationId
 * @param {Rejection[]} rejected
 */
async function confirmInTransaction(tx, lastMutationId, rejected) {
  const byId = new Map(rejected.map((item) => [item.id, item]));
  const outbox = tx.objectStore("outbox");
  for (const item of await outbox.getAll(IDBKeyRange.bound(1, Math.max(1, lastMutationId)))) {
    if (item.state !== "pending" || item.mutation_id > lastMutationId) continue;
    const rejection = byId.get(item.mutation_id);
    if (rejection && rejection.code === "gone") {
      await outbox.delete(item.mutation_id);
      await tx.objectStore("records").delete(item.record_id);
    } else if (rejection) {
      await outbox.put({ ...item, state: "rejected", code: rejection.code, errors: rejection.errors || {} });
    } else {
      await outbox.delete(item.mutation_id);
    }
  }
}

// Rejected items moved out of the way of renumbered ones take negative keys below every key
// in use, so a second new client id never gives two of them one key.
/**
 * @param {import("../vendor/idb/index.js").IDBPObjectStore<unknown, string[], "outbox", "readwrite">} outbox
 * @param {OutboxItem[]} items
 */
async function parkRejected(outbox, items) {
  const [lowest] = await outbox.getAllKeys(IDBKeyRange.upperBound(0, true), 1);
  let key = Math.min(0, Number(lowest ?? 0)) - 1;
  for (const item of items) await outbox.put({ ...item, mutation_id: key-- });
}

/**
 * @param {any} record The stored row, if any.
 * @param {OutboxItem} item
 * @returns {any} The row with the mutation applied; undefined for a delete.
 */
function applyMutation(record, item) {
  if (item.op === "delete") return undefined;
  const base = record && !record.deleted ? record : { version: null };
  return { ...base, ...item.record, id: item.record_id, type: item.type };
}

// Applies one pulled page and saves its cursor in one transaction. Outbox items the server
// has confirmed (lastMutationId, read in the same snapshot as the page) are dropped first;
// the rest are re-applied over the pulled rows so the screen never jumps back.
// `onlyListed` (the last page of a sync from cursor 0: every id its pages listed) also drops
// the rows the server no longer has, as a reset does (see keptThroughResync).
/**
 * @param {IDBPDatabase} db
 * @param {{ changes: SyncChange[], cursor?: number, lastMutationId?: number, rejected?: Rejection[], onlyListed?: Set<string> }} page
 */
export async function applyPulledPage(db, { changes, cursor, lastMutationId, rejected = [], onlyListed }) {
  const tx = db.transaction(["records", "outbox", "meta"], "readwrite");
  const records = tx.objectStore("records");
  const outbox = tx.objectStore("outbox");
  if (typeof lastMutationId === "number" && lastMutationId > 0) {
    await confirmInTransaction(tx, lastMutationId, rejected);
  }
  const unconfirmed = await outbox.getAll();
  const touched = new Set();
  const deletedIds = new Set(changes.filter((change) => change.deleted).map((change) => change.id));
  for (const change of changes) {
    touched.add(change.id);
    if (change.deleted) await records.delete(change.id);
    else await records.put(change);
  }
  for (const id of touched) {
    // A delete is final: our pending edits of a record deleted elsewhere are not re-applied
    // (they still go out, in order, and the server answers "gone").
    if (deletedIds.has(id)) continue;
    const mine = unconfirmed.filter((item) => item.record_id === id);
    if (!mine.length) continue;
    let record = await records.get(id);
    for (const item of mine) record = applyMutation(record, item);
    if (record) await records.put(record);
    else await records.delete(id);
  }
  if (onlyListed) {
    const keep = await keptThroughResync(tx);
    for (const id of await records.getAllKeys()) {
      if (!onlyListed.has(String(id)) && !keep.has(id)) await records.delete(id);
    }
  }
  if (cursor !== undefined) await tx.objectStore("meta").put(cursor, "cursor");
  await tx.done;
}

// What a full re-sync keeps of the rows it does not get from the server: records with changes
// still to send, and creates the server refused (shown as "not saved"). Any other row the
// server does not list is gone there: pushed from here and deleted elsewhere since, its
// tombstone purged, no pull will ever say so.
/** @param {IDBPTransaction<unknown, string[], "readwrite">} tx */
async function keptThroughResync(tx) {
  const records = tx.objectStore("records");
  const keep = new Set();
  for (const item of await tx.objectStore("outbox").getAll()) {
    // Items written before creates were marked: a record never pulled may be a refused create.
    const refusedCreate = item.create ?? (await records.get(item.record_id))?.version === null;
    if (item.state === "pending" || refusedCreate) keep.add(item.record_id);
  }
  return keep;
}

// The server asked for a full re-sync ({"reset": true}): forget pulled rows but keep what
// keptThroughResync keeps, then pull from cursor 0. A record the server has comes back with
// that pull (a refused edit re-applied on top); one deleted elsewhere, its tombstone since
// purged, stays gone.
/** @param {IDBPDatabase} db */
export async function resetForResync(db) {
  const tx = db.transaction(["records", "outbox", "meta"], "readwrite");
  const records = tx.objectStore("records");
  const keep = await keptThroughResync(tx);
  for (const id of await records.getAllKeys()) {
    if (!keep.has(id)) await records.delete(id);
  }
  await tx.objectStore("meta").put(0, "cursor");
  await tx.done;
}

// The user fixes a rejected mutation: the corrected fields go out as a new mutation and the
// rejected one is dropped, in one transaction.
/**
 * @param {IDBPDatabase} db
 * @param {number} mutationId
 * @param {{ fields?: object, discard?: boolean }} [resolution]
 */
export async function resolveRejected(db, mutationId, { fields, discard = false } = {}) {
  const tx = db.transaction(["records", "outbox", "meta"], "readwrite");
  const outbox = tx.objectStore("outbox");
  const item = await outbox.get(mutationId);
  if (!item) {
    await tx.done;
    return;
  }
  await outbox.delete(mutationId);
  const records = tx.objectStore("records");
  if (discard) {
    // A create the server never accepted disappears; an edit waits for the next pull to
    // bring the server's value back (version null forces nothing; the record stays as is).
    const record = await records.get(item.record_id);
    if (record && record.version === null) await records.delete(item.record_id);
  } else {
    const record = { ...(await records.get(item.record_id)), ...fields };
    await records.put(record);
    const sendAll = record.version === null;
    const payload = sendAll ? stripLocal(record) : { id: item.record_id, ...item.record, ...fields };
    await appendMutation(tx, { type: item.type, op: "upsert", record_id: item.record_id, record: payload, create: sendAll });
  }
  await tx.done;
}

/** @param {Record<string, any>} record */
function stripLocal(record) {
  const { version, type, deleted, updated_at, ...fields } = record;
  return fields;
}

// The server bound our client id to another account: start a fresh client whose mutation
// ids begin at 1 again, keeping every pending change in order.
/** @param {IDBPDatabase} db */
export async function takeNewClientId(db) {
  const tx = db.transaction(["outbox", "meta"], "readwrite");
  const outbox = tx.objectStore("outbox");
  const items = await outbox.getAll();
  for (const item of items) await outbox.delete(item.mutation_id);
  let next = 1;
  for (const item of items.filter((entry) => entry.state === "pending")) {
    await outbox.put({ ...item, mutation_id: next++ });
  }
  await parkRejected(outbox, items.filter((entry) => entry.state !== "pending"));
  await tx.objectStore("meta").put(newId(), "client_id");
  await tx.objectStore("meta").put(next, "next_mutation_id");
  await tx.done;
}

/**
 * The fields of a pain entry that repeats the last one (its posture and level) at one of its
 * places: the page's "Same as last time" button and the notification's action log the same.
 * @param {{ posture: string, intensity: number }} last
 * @param {{ zone: string, side: string }} place
 * @param {string} occurredAt UTC ISO 8601
 * @param {string} timeZone IANA name of the device's zone
 */
export function repeatedPainFields(last, place, occurredAt, timeZone) {
  return {
    occurred_at: occurredAt,
    time_zone: timeZone,
    zone: place.zone,
    side: place.side,
    posture: last.posture,
    intensity: last.intensity,
    note: "",
  };
}
