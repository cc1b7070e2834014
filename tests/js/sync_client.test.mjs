// The shipped journal store and sync loop (frontend/static/js/db.js, sync.js) against a
// scripted server: each test pins one recovery path the fault harness
// (tests/js/sync_harness/run.mjs) once caught going wrong.
import assert from "node:assert/strict";
import { test } from "node:test";

import { IDBFactory, within } from "./sync_harness/environment.mjs";

const store = await import("../../frontend/static/js/db.js");
const { SyncEngine } = await import("../../frontend/static/js/sync.js");

const USER = "7";

/** A device whose requests go to `answer(request)`, recorded in `requests`. */
function device(answer) {
  const requests = [];
  const page = {
    device: { idb: new IDBFactory(), session: { csrftoken: "token", account_marker: "" }, clockSkewMs: 0 },
    requests,
    async fetch(url, init = {}) {
      const request = {
        url,
        method: init.method || "GET",
        headers: init.headers || {},
        body: init.body ? JSON.parse(init.body) : null,
      };
      requests.push(request);
      const [status, body] = answer(request, requests.length);
      return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
    },
  };
  page.run = (fn) => within(page, fn);
  return page;
}

const entry = (note, extra = {}) => ({
  occurred_at: "2026-03-10T08:15:00Z",
  time_zone: "Europe/Berlin",
  zone: "outer_hip",
  side: "left",
  posture: "sitting",
  intensity: 4,
  note,
  ...extra,
});

const pulled = (extra = {}) => [200, { changes: [], cursor: 5, more: false, last_mutation_id: 0, reset: false, rejected: [], ...extra }];

test("refused changes moved aside twice keep one key each", async () => {
  const phone = device(() => pulled());
  await phone.run(async () => {
    const db = await store.openJournalDb(USER);
    await store.saveRecord(db, "pain_entry", entry("first refused", { intensity: 11 }));
    await store.confirmPushed(db, 1, [{ id: 1, code: "invalid", errors: { intensity: ["Too high."] } }]);
    await store.takeNewClientId(db);
    await store.saveRecord(db, "pain_entry", entry("second refused", { intensity: 12 }));
    await store.confirmPushed(db, 1, [{ id: 1, code: "invalid", errors: { intensity: ["Too high."] } }]);
    await store.takeNewClientId(db);
    await store.saveRecord(db, "pain_entry", entry("third, after a gap", { intensity: 13 }));
    await store.confirmPushed(db, 1, [{ id: 1, code: "invalid", errors: { intensity: ["Too high."] } }]);
    await store.takeNewClientId(db);
    const { rejected } = await store.outboxSummary(db);
    assert.deepEqual(rejected.map((item) => item.record.note).sort(), [
      "first refused",
      "second refused",
      "third, after a gap",
    ]);
    assert.equal(new Set(rejected.map((item) => item.mutation_id)).size, 3);
    db.close();
  });
});

test("a re-sync drops a refused edit's record the server no longer has, keeps refused creates and unsent changes", async () => {
  const phone = device(() => pulled());
  await phone.run(async () => {
    const db = await store.openJournalDb(USER);
    const accepted = await store.saveRecord(db, "pain_entry", entry("accepted, never pulled back"));
    await store.saveRecord(db, "pain_entry", { intensity: 11 }, { id: accepted.id });
    const refusedCreate = await store.saveRecord(db, "pain_entry", entry("refused create", { zone: "elbow" }));
    await store.confirmPushed(db, 3, [
      { id: 2, code: "invalid", errors: { intensity: ["Too high."] } },
      { id: 3, code: "invalid", errors: { zone: ["Not one of the allowed values."] } },
    ]);
    const unsent = await store.saveRecord(db, "pain_entry", entry("not sent yet"));
    // The accepted entry was deleted on another device and its tombstone purged since.
    await store.resetForResync(db);
    const left = (await store.allRecords(db)).map((record) => record.id).sort();
    assert.deepEqual(left, [refusedCreate.id, unsent.id].sort());
    db.close();
  });
});

test("a full sync from cursor 0 drops a pushed record that was deleted and purged elsewhere", async () => {
  const phone = device((request) =>
    request.url.startsWith("/api/sync/push") ? [200, { last_mutation_id: 1, rejected: [] }] : pulled({ last_mutation_id: 1 }),
  );
  await phone.run(async () => {
    const db = await store.openJournalDb(USER);
    const engine = new SyncEngine(db, USER);
    engine.requestSync = () => {};
    await store.saveRecord(db, "pain_entry", entry("pushed, then deleted on the laptop"));
    // The push is confirmed but the pull fails: the cursor stays 0.
    let pullFails = true;
    const answer = phone.fetch;
    phone.fetch = async (url, init) => {
      if (url.startsWith("/api/sync/pull") && pullFails) throw new TypeError("Failed to fetch");
      return answer(url, init);
    };
    await engine.run();
    assert.equal((await store.allRecords(db)).length, 1);
    pullFails = false;
    await engine.run();
    assert.deepEqual(await store.allRecords(db), []);
    assert.equal(await store.getMeta(db, "cursor"), 5);
    db.close();
  });
});

test("a revoked client confirms what it already applied before sending the rest under a new id", async () => {
  const phone = device((request, n) => {
    if (!request.url.startsWith("/api/sync/push")) return pulled({ last_mutation_id: 1 });
    if (n === 1) {
      // The first push was applied (its answer lost) before the revoke; this one is refused.
      return [403, { code: "client_revoked", detail: "Revoked.", last_mutation_id: 1, rejected: [] }];
    }
    return [200, { last_mutation_id: request.body.mutations.at(-1).id, rejected: [] }];
  });
  await phone.run(async () => {
    const db = await store.openJournalDb(USER);
    const engine = new SyncEngine(db, USER);
    engine.requestSync = () => {};
    const oldClient = await store.getMeta(db, "client_id");
    await store.saveRecord(db, "pain_entry", entry("applied before the revoke"));
    await store.saveRecord(db, "pain_entry", entry("written after"));
    await engine.run();
    await engine.run();
    const pushes = phone.requests.filter((request) => request.url.startsWith("/api/sync/push"));
    assert.equal(pushes.length, 2);
    assert.equal(pushes[0].body.client_id, oldClient);
    assert.notEqual(pushes[1].body.client_id, oldClient);
    assert.deepEqual(
      pushes[1].body.mutations.map((mutation) => [mutation.id, mutation.record.note]),
      [[1, "written after"]],
    );
    assert.equal((await store.outboxSummary(db)).pending, 0);
    db.close();
  });
});

/**
 * The server's side of mutation ids: per client id, mutations apply in id order, each once; a
 * push that starts past the next id is a gap. `applied` lists each applied write's note.
 */
function mutationCounter() {
  const last = new Map();
  const applied = [];
  return {
    applied,
    answer(request) {
      if (!request.url.startsWith("/api/sync/push")) {
        return pulled({ last_mutation_id: last.get(request.headers["X-Client-Id"]) || 0 });
      }
      const { client_id: clientId, mutations } = request.body;
      let seen = last.get(clientId) || 0;
      if (mutations[0].id > seen + 1) return [409, { code: "mutation_gap", error: "mutation_gap", detail: "Gap.", expected: seen + 1 }];
      for (const mutation of mutations) {
        if (mutation.id <= seen) continue;
        seen = mutation.id;
        applied.push(mutation.record.note);
      }
      last.set(clientId, seen);
      return [200, { last_mutation_id: seen, rejected: [] }];
    },
  };
}

test("after a mutation gap, a late copy of the push the server refused applies nothing a second time", async () => {
  const server = mutationCounter();
  const phone = device((request) => server.answer(request));
  await phone.run(async () => {
    const db = await store.openJournalDb(USER);
    const engine = new SyncEngine(db, USER);
    engine.requestSync = () => {};
    // Mutation 1 was confirmed here, then the server lost its counter (a restored backup).
    await store.setMeta(db, "next_mutation_id", 2);
    await store.saveRecord(db, "pain_entry", entry("first"));
    await store.saveRecord(db, "pain_entry", entry("second"));
    await engine.run();
    const [refused] = phone.requests.filter((request) => request.url.startsWith("/api/sync/push"));
    // The network delivers a copy of the refused push long after the recovery.
    server.answer(refused);
    await store.saveRecord(db, "pain_entry", entry("third"));
    await engine.run();
    assert.deepEqual(server.applied, ["first", "second", "third"]);
    assert.equal((await store.outboxSummary(db)).pending, 0);
    db.close();
  });
});

test("an edit of a pulled record names the version it was made on, and a gone answer drops the record", async () => {
  const pulledEntry = { id: "6beff1fb-a09a-4ef1-8d24-c62b0ecb6298", type: "pain_entry", version: 3, deleted: false, ...entry("pulled") };
  const phone = device((request) => {
    if (!request.url.startsWith("/api/sync/push")) return pulled({ changes: [pulledEntry], cursor: 3 });
    return [200, { last_mutation_id: 1, rejected: [{ id: 1, code: "gone", errors: { id: ["Deleted."] } }] }];
  });
  await phone.run(async () => {
    const db = await store.openJournalDb(USER);
    const engine = new SyncEngine(db, USER);
    engine.requestSync = () => {};
    await engine.run();
    await store.saveRecord(db, "pain_entry", { intensity: 9, note: "edited offline" }, { id: pulledEntry.id });
    await engine.pushAll();
    const [push] = phone.requests.filter((request) => request.url.startsWith("/api/sync/push"));
    assert.equal(push.body.mutations[0].base_version, 3);
    assert.equal(await store.getRecord(db, pulledEntry.id), undefined);
    assert.equal((await store.outboxSummary(db)).pending, 0);
    db.close();
  });
});
