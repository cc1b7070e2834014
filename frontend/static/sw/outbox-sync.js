/* The worker's side of journal sync: pushes the outbox after the page is gone.
 *
 * A module the service worker imports, built on the page's own store (../js/db.js): the same
 * database, the same outbox, the same confirmation. Background Sync ("sync" event, tag
 * "minimus-outbox:<user id>") runs it when the connection is back, even with no page open;
 * where the browser has no Background Sync it is tried at once, and otherwise the page's sync
 * loop sends the outbox at the next open, as before.
 *
 * Authentication: the session cookie goes with the request; the CSRF token (a worker cannot
 * read cookies) comes from GET /api/sync/session, which also names the signed-in user. Only
 * that user's journal is pushed: a device where someone else has signed in since keeps the
 * outbox for its owner.
 */
import { SYNC_SCHEMA, confirmPushed, getMeta, openJournalDb, pendingMutations } from "../js/db.js";

const worker = /** @type {ServiceWorkerGlobalScope & typeof globalThis} */ (/** @type {unknown} */ (self));
export const SYNC_TAG_PREFIX = "minimus-outbox:";
const PAGE_SIZE = 500;

/** A failure worth another try later (offline, a server error): the sync event rejects. */
class RetryLater extends Error {}

/** @returns {Promise<{ user: string, csrf_token: string } | null>} null: not signed in. */
async function sessionCredentials() {
  const response = await fetch("/api/sync/session", {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
    cache: "no-store",
  });
  if (response.status >= 500) throw new RetryLater(`session: HTTP ${response.status}`);
  if (!response.ok) return null;
  return response.json();
}

/**
 * Push every pending mutation of this user's journal; resolves with how many the server took.
 * Refusals that need the user or the page (signed out, another account, an app update, a
 * mutation gap) end quietly: the outbox stays and the page's loop deals with them.
 * @param {string} userId
 * @returns {Promise<number>}
 */
export async function pushOutbox(userId) {
  const run = async () => {
    const db = await openJournalDb(userId);
    try {
      let sent = 0;
      /** @type {{ user: string, csrf_token: string } | null | undefined} */
      let session;
      for (let round = 0; round < 50; round += 1) {
        const batch = await pendingMutations(db, PAGE_SIZE);
        if (!batch.length) return sent;
        session ??= await sessionCredentials();
        if (!session || session.user !== userId) return sent;
        const response = await fetch("/api/sync/push", {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": session.csrf_token },
          body: JSON.stringify({
            client_id: await getMeta(db, "client_id"),
            schema: SYNC_SCHEMA,
            mutations: batch.map((item) => ({ id: item.mutation_id, type: item.type, op: item.op, record: item.record })),
          }),
        });
        if (response.status >= 500 || response.status === 429) throw new RetryLater(`push: HTTP ${response.status}`);
        if (!response.ok) return sent;
        const data = await response.json();
        await confirmPushed(db, data.last_mutation_id, data.rejected || []);
        sent += batch.length;
      }
      return sent;
    } finally {
      db.close();
    }
  };
  // The page's sync loop holds the same lock: the two never push one outbox at once.
  if (worker.navigator.locks) return worker.navigator.locks.request(`minimus-sync-${userId}`, run);
  return run();
}

/**
 * Tell open pages that the journal changed under them (they re-read and re-count the outbox).
 * @param {string} userId
 */
export function announceChange(userId) {
  if (!("BroadcastChannel" in worker)) return;
  const channel = new BroadcastChannel(`minimus-sync-${userId}`);
  channel.postMessage({ kind: "records-changed" });
  channel.close();
}

/**
 * After a write from the worker: Background Sync where there is one, else a push now (which
 * may fail offline: the page's loop sends it at the next open).
 * @param {string} userId
 */
export async function requestOutboxSync(userId) {
  const registration = /** @type {ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } }} */ (worker.registration);
  if (registration.sync) {
    try {
      await registration.sync.register(SYNC_TAG_PREFIX + userId);
      return;
    } catch {
      // Background Sync turned off for this site: try at once instead.
    }
  }
  await pushOutbox(userId).catch(() => 0);
}

worker.addEventListener("sync", (event) => {
  const syncEvent = /** @type {ExtendableEvent & { tag: string }} */ (event);
  if (!syncEvent.tag.startsWith(SYNC_TAG_PREFIX)) return;
  const userId = syncEvent.tag.slice(SYNC_TAG_PREFIX.length);
  // A rejection (offline, a server error) makes the browser try again later.
  syncEvent.waitUntil(pushOutbox(userId).then(() => announceChange(userId)));
});

// Exposed for the browser tests, which run the push and wait for its answer.
worker.minimusOutboxSync = { pushOutbox };
