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
//
// Stores (see shared/design/sync-protocol.md, "Client"):
//   records  keyPath "id": the record as the user sees it (server row + unconfirmed outbox changes)
//   outbox   keyPath "mutation_id": {mutation_id, type, op, record_id, record, state: "pending"|"rejected", errors}
//   meta     out-of-line keys: client_id, cursor, next_mutation_id, last_pain (for "same as last time")
// A user action writes record + outbox entry + next_mutation_id in ONE transaction, so a crash
// never leaves a write without its outbox entry. A pulled page and its cursor are also one
// transaction, and unconfirmed outbox changes are re-applied on top of pulled rows.
import { openDB, deleteDB } from "../vendor/idb/index.js";

export const RECORD_TYPES = ["pain_entry", "massage_session"];
const DB_PREFIX = "minimus-journal-";

export function journalDbName(userId) {
  return DB_PREFIX + userId;
}

export function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // randomUUID needs a secure context; plain-http LAN testing still gets a v4 UUID.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export async function openJournalDb(userId) {
  if (!userId) throw new Error("openJournalDb needs the signed-in user's id");
  const db = await openDB(journalDbName(userId), 1, {
    upgrade(database) {
      const records = database.createObjectStore("records", { keyPath: "id" });
      records.createIndex("type", "type");
      database.createObjectStore("outbox", { keyPath: "mutation_id" });
      database.createObjectStore("meta");
    },
    blocking() {
      // Another tab wants to delete or upgrade the database: let it.
      db.close();
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

export async function deleteJournalDb(userId) {
  await deleteDB(journalDbName(userId));
}

export async function getMeta(db, key) {
  return db.get("meta", key);
}

export async function setMeta(db, key, value) {
  return db.put("meta", value, key);
}

function byNewest(a, b) {
  return a.occurred_at < b.occurred_at ? 1 : a.occurred_at > b.occurred_at ? -1 : 0;
}

export async function allRecords(db, type) {
  const rows = type ? await db.getAllFromIndex("records", "type", type) : await db.getAll("records");
  return rows.filter((row) => !row.deleted).sort(byNewest);
}

export async function getRecord(db, id) {
  const row = await db.get("records", id);
  return row && !row.deleted ? row : undefined;
}

// Writes a record and its outbox entry in one transaction. A new record carries all its
// fields; an edit carries only the fields that changed (the server merges field by field).
export async function saveRecord(db, type, fields, { id } = {}) {
  const tx = db.transaction(["records", "outbox", "meta"], "readwrite");
  const records = tx.objectStore("records");
  const recordId = id || newId();
  const existing = id ? await records.get(recordId) : undefined;
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
    await appendMutation(tx, { type, op: "upsert", record_id: recordId, record: { id: recordId, ...changes } });
  }
  await tx.done;
  return record;
}

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

export async function outboxSummary(db) {
  const items = await db.getAll("outbox");
  const rejected = items.filter((item) => item.state === "rejected");
  return { pending: items.length - rejected.length, rejected };
}

export async function pendingMutations(db, limit = 500) {
  const items = await db.getAll("outbox");
  return items.filter((item) => item.state === "pending").slice(0, limit);
}

// A push answered: mutations up to lastMutationId are confirmed; rejected ones stay in the
// outbox (not sent again) so the user sees "not saved: why" and can fix or discard them.
export async function confirmPushed(db, lastMutationId, rejected = []) {
  const errorsById = new Map(rejected.map((item) => [item.id, item.errors || {}]));
  const tx = db.transaction("outbox", "readwrite");
  for (const item of await tx.store.getAll(IDBKeyRange.upperBound(lastMutationId))) {
    if (item.state !== "pending") continue;
    if (errorsById.has(item.mutation_id)) {
      await tx.store.put({ ...item, state: "rejected", errors: errorsById.get(item.mutation_id) });
    } else {
      await tx.store.delete(item.mutation_id);
    }
  }
  await tx.done;
}

// After a 409 "gap" the server's counter is behind our first pending id (our confirmed items
// went missing, e.g. a restored backup): renumber pending mutations to follow the server's.
export async function renumberPending(db, serverLastMutationId) {
  const tx = db.transaction(["outbox", "meta"], "readwrite");
  const outbox = tx.objectStore("outbox");
  const pending = (await outbox.getAll()).filter((item) => item.state === "pending");
  let next = serverLastMutationId + 1;
  for (const item of pending) await outbox.delete(item.mutation_id);
  const rejected = await outbox.getAll();
  for (const item of rejected) {
    if (item.mutation_id >= next) await outbox.delete(item.mutation_id);
  }
  // Rejected items keep a key out of the way of the renumbered ones.
  for (const item of rejected) {
    if (item.mutation_id >= next) await outbox.put({ ...item, mutation_id: -item.mutation_id });
  }
  for (const item of pending) await outbox.put({ ...item, mutation_id: next++ });
  await tx.objectStore("meta").put(next, "next_mutation_id");
  await tx.done;
}

function applyMutation(record, item) {
  if (item.op === "delete") return undefined;
  const base = record && !record.deleted ? record : { version: null };
  return { ...base, ...item.record, id: item.record_id, type: item.type };
}

// Applies one pulled page and saves its cursor in one transaction. Outbox items the server
// has confirmed (lastMutationId, read in the same snapshot as the page) are dropped first;
// the rest are re-applied over the pulled rows so the screen never jumps back.
export async function applyPulledPage(db, { changes, cursor, lastMutationId }) {
  const tx = db.transaction(["records", "outbox", "meta"], "readwrite");
  const records = tx.objectStore("records");
  const outbox = tx.objectStore("outbox");
  if (typeof lastMutationId === "number") {
    for (const item of await outbox.getAll(IDBKeyRange.bound(1, lastMutationId))) {
      if (item.state === "pending") await outbox.delete(item.mutation_id);
    }
  }
  const unconfirmed = await outbox.getAll();
  const touched = new Set();
  for (const change of changes) {
    touched.add(change.id);
    if (change.deleted) await records.delete(change.id);
    else await records.put(change);
  }
  for (const id of touched) {
    const mine = unconfirmed.filter((item) => item.record_id === id);
    if (!mine.length) continue;
    let record = await records.get(id);
    for (const item of mine) record = applyMutation(record, item);
    if (record) await records.put(record);
    else await records.delete(id);
  }
  if (cursor !== undefined) await tx.objectStore("meta").put(cursor, "cursor");
  await tx.done;
}

// Server rows fetched outside a pull (e.g. after discarding a rejected edit).
export async function applyServerRows(db, rows) {
  return applyPulledPage(db, { changes: rows });
}

// The server asked for a full re-sync ({"reset": true}): forget pulled rows but keep every
// record that still has an outbox entry, then pull from cursor 0.
export async function resetForResync(db) {
  const tx = db.transaction(["records", "outbox", "meta"], "readwrite");
  const keep = new Set((await tx.objectStore("outbox").getAll()).map((item) => item.record_id));
  const records = tx.objectStore("records");
  for (const id of await records.getAllKeys()) {
    if (!keep.has(id)) await records.delete(id);
  }
  await tx.objectStore("meta").put(0, "cursor");
  await tx.done;
}

// The user fixes a rejected mutation: the corrected fields go out as a new mutation and the
// rejected one is dropped, in one transaction.
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
    await appendMutation(tx, { type: item.type, op: "upsert", record_id: item.record_id, record: payload });
  }
  await tx.done;
}

function stripLocal(record) {
  const { version, type, deleted, updated_at, ...fields } = record;
  return fields;
}
