// The sync loop (shared/design/sync-protocol.md, "Client"): push the outbox in order, then
// pull pages until `more` is false. One loop at a time across tabs (Web Locks); backoff on
// network errors; a 401 keeps the outbox and asks the user to sign in again.
//
// Status events ("status" on the engine, mirrored to other tabs by BroadcastChannel):
//   {phase: "idle"|"syncing"|"offline"|"error"|"auth"|"upgrade", pending, rejected, lastSyncedAt, message}
// "records-changed" fires when pulled or local writes changed what the screen shows.
// Each loop also dispatches window "minimus:sync-loop" {detail: {edge: "start"|"end"|"busy"}}
// ("busy": another tab holds the loop) so an observer (the browser tests) can check that loops
// never overlap.
import { apiFetch } from "./http.js";
import * as store from "./db.js";
import { checkForUpdate } from "./pwa.js";
import { wipeLocalAccountData } from "./account-wipe.js";
/** @import { ForeignClientError, OutboxItem, PullResponse, PushRequest, PushResponse, SyncError, SyncStatus } from "./types.js" */

export const SCHEMA = store.SYNC_SCHEMA;
const PAGE_SIZE = 500;
const PERIOD_MS = 3 * 60 * 1000;
const AFTER_WRITE_MS = 600;
const BUSY_RETRY_MS = 1500;
const MAX_BACKOFF_MS = 5 * 60 * 1000;

/** @param {unknown} error */
function logSyncFailure(error) {
  // The local store failed (quota, a deleted database): nothing the loop can retry by itself.
  console.error("Sync could not run", error);
}

class HttpError extends Error {
  /**
   * @param {number} status
   * @param {unknown} data The JSON body, if any.
   */
  constructor(status, data) {
    super(`HTTP ${status}`);
    this.status = status;
    this.data = data;
  }
}

// The server's machine-readable codes, never its English wording, tell the cases apart.

/**
 * @param {unknown} error
 * @param {number} status
 * @param {(SyncError | ForeignClientError)["code"] | "account_deleted"} code
 */
function isRefusal(error, status, code) {
  if (!(error instanceof HttpError) || error.status !== status) return false;
  const data = /** @type {{ code?: unknown } | null} */ (error.data);
  return typeof data === "object" && data !== null && data.code === code;
}

/** @param {unknown} error */
function isUpgradeRequired(error) {
  return isRefusal(error, 409, "upgrade_required");
}

export class SyncEngine extends EventTarget {
  /**
   * @param {import("../vendor/idb/index.js").IDBPDatabase} db
   * @param {string} userId
   */
  constructor(db, userId) {
    super();
    this.db = db;
    this.userId = userId;
    this.lockName = `minimus-sync-${userId}`;
    this.failures = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    this.running = false;
    /** @type {number | null} */
    this.serverLastMutationId = null;
    /** @type {SyncStatus} */
    this.status = { phase: "idle", pending: 0, rejected: [], lastSyncedAt: null, message: "" };
    this.channel = "BroadcastChannel" in self ? new BroadcastChannel(this.lockName) : null;
    this.channel?.addEventListener("message", (event) => {
      this.onTabMessage(event.data).catch(logSyncFailure);
    });
  }

  start() {
    addEventListener("online", () => this.requestSync(0));
    addEventListener("offline", () => {
      this.refreshStatus({ phase: "offline" }).catch(logSyncFailure);
    });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.requestSync(0);
    });
    setInterval(() => {
      if (document.visibilityState === "visible") this.requestSync(0);
    }, PERIOD_MS);
    this.refreshStatus({ phase: navigator.onLine ? "idle" : "offline" }).catch(logSyncFailure);
    this.requestSync(0);
  }

  // A local write happened: tell this tab and the others, sync a moment later. Background
  // Sync (where the browser has it) sends it even if the app is closed before then.
  async noteLocalWrite() {
    this.requestBackgroundSync();
    this.dispatchEvent(new Event("records-changed"));
    this.channel?.postMessage({ kind: "records-changed" });
    await this.refreshStatus(this.status.phase === "syncing" ? {} : { phase: navigator.onLine ? "idle" : "offline" });
    this.requestSync(AFTER_WRITE_MS);
  }

  // The service worker's "sync" handler (static/sw/outbox-sync.js) pushes this outbox.
  requestBackgroundSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker
      .getRegistration("/")
      .then((registration) => {
        const sync = /** @type {{ sync?: { register(tag: string): Promise<void> } } | undefined} */ (registration)?.sync;
        return sync?.register(`minimus-outbox:${this.userId}`);
      })
      .catch(() => {
        // No worker yet, or Background Sync refused: the loop here and the next open still send it.
      });
  }

  requestSync(delayMs = 0) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.run().catch(logSyncFailure);
    }, delayMs);
  }

  async run() {
    if (this.deleted) return;
    if (this.running) {
      // A write landed while this tab's loop runs: look again once it has finished.
      this.requestSync(BUSY_RETRY_MS);
      return;
    }
    if (!navigator.onLine) {
      await this.refreshStatus({ phase: "offline" });
      return;
    }
    if (!navigator.locks) {
      await this.loop();
      return;
    }
    const ran = await navigator.locks.request(this.lockName, { ifAvailable: true }, async (lock) => {
      if (!lock) return false;
      await this.loop();
      return true;
    });
    // Another tab holds the loop: it pushes our outbox too (same database); look again soon
    // in case it had read the outbox before our last write.
    if (!ran) {
      dispatchEvent(new CustomEvent("minimus:sync-loop", { detail: { edge: "busy" } }));
      this.requestSync(BUSY_RETRY_MS);
    }
  }

  async loop() {
    this.running = true;
    dispatchEvent(new CustomEvent("minimus:sync-loop", { detail: { edge: "start" } }));
    await this.refreshStatus({ phase: "syncing", message: "" });
    try {
      for (let round = 0; round < 5; round += 1) {
        await this.pushAll();
        await this.pullAll();
        if (!(await store.pendingMutations(this.db, 1)).length) break;
      }
      this.failures = 0;
      await this.refreshStatus({ phase: "idle", lastSyncedAt: new Date().toISOString(), message: "" });
    } catch (error) {
      await this.handleFailure(error);
    } finally {
      this.running = false;
      dispatchEvent(new CustomEvent("minimus:sync-loop", { detail: { edge: "end" } }));
    }
  }

  async handleFailure(error) {
    if (isRefusal(error, 403, "foreign_client") || isRefusal(error, 403, "client_revoked")) {
      // Our client id is bound to another account (a copied profile?), or was revoked in
      // Settings: take a fresh one; the outbox is renumbered and sent again under it. What the
      // revoked id already applied (a push whose answer was lost) is confirmed first, or it
      // would apply a second time under the new id.
      const revoked = /** @type {ForeignClientError} */ (/** @type {HttpError} */ (error).data);
      if (typeof revoked.last_mutation_id === "number") {
        await store.confirmPushed(this.db, revoked.last_mutation_id, revoked.rejected || []);
      }
      await store.takeNewClientId(this.db);
      this.requestSync(0);
      return;
    }
    if (isRefusal(error, 401, "account_deleted")) {
      await this.wipeDeletedAccount();
      return;
    }
    // Session authentication answers 403 when the session has expired.
    if (error instanceof HttpError && (error.status === 401 || error.status === 403)) {
      // Keep the outbox; the same user signing in again finds it in the same database.
      await this.refreshStatus({ phase: "auth", message: "Sign in again to sync" });
      return;
    }
    if (isUpgradeRequired(error)) {
      await this.refreshStatus({ phase: "upgrade", message: "Update the app to sync" });
      // The service worker fetches the new app; pwa.js offers "Update". The outbox stays.
      await checkForUpdate();
      return;
    }
    if (!navigator.onLine) {
      await this.refreshStatus({ phase: "offline", message: "" });
      return;
    }
    this.failures += 1;
    const base = Math.min(MAX_BACKOFF_MS, 2000 * 2 ** (this.failures - 1));
    const delay = Math.round(base * (0.5 + Math.random() / 2));
    await this.refreshStatus({ phase: "error", message: "Will retry" });
    this.requestSync(delay);
  }

  // The account was deleted (on another device): nothing of it may stay here, not even
  // the outbox, which only that account could ever have sent.
  async wipeDeletedAccount() {
    clearTimeout(this.timer);
    this.deleted = true;
    this.db.close();
    await wipeLocalAccountData({ userId: this.userId });
    this.status = { ...this.status, phase: "deleted", pending: 0, rejected: [], message: "Account deleted" };
    this.dispatchEvent(new CustomEvent("status", { detail: this.status }));
    this.channel?.postMessage({ kind: "deleted" });
    location.replace("/accounts/deleted/");
  }

  /**
   * @param {string} url
   * @param {import("./http.js").ApiFetchOptions} [options]
   * @returns {Promise<any>} The JSON body of a 2xx answer.
   */
  async request(url, options) {
    // A network failure rejects here (TypeError) and is handled as "retry with backoff".
    const result = await apiFetch(url, options);
    if (!result.ok) throw new HttpError(result.status, result.data);
    return result.data;
  }

  async pushAll() {
    for (let attempt = 0; attempt < 50; attempt += 1) {
      // Read again each time: recovering from a gap takes a new client id.
      const clientId = await store.getMeta(this.db, "client_id");
      const batch = await store.pendingMutations(this.db, PAGE_SIZE);
      if (!batch.length) return;
      /** @type {PushResponse} */
      let data;
      /** @type {PushRequest} */
      const body = {
        client_id: clientId,
        schema: SCHEMA,
        mutations: batch.map((item) => ({
          id: item.mutation_id,
          type: item.type,
          op: item.op,
          record: item.record,
          ...(item.base_version ? { base_version: item.base_version } : {}),
        })),
      };
      try {
        data = await this.request("/api/sync/push", { method: "POST", body });
      } catch (error) {
        if (isRefusal(error, 409, "mutation_gap")) {
          await this.recoverFromGap(/** @type {SyncError} */ (/** @type {HttpError} */ (error).data), batch[0].mutation_id);
          continue;
        }
        throw error;
      }
      await store.confirmPushed(this.db, data.last_mutation_id, data.rejected || []);
      if ((data.rejected || []).length) await this.refreshStatus({});
      this.serverLastMutationId = data.last_mutation_id;
    }
  }

  // 409 mutation_gap: the server needs `expected` next, but our first pending id is higher
  // (it forgot mutations it had confirmed, e.g. a restored backup). The outbox goes out again
  // under a new client id, never renumbered under this one: a late copy of a push this id
  // already sent would then name other mutations by the same ids, and the server would apply
  // some of them twice and take later ones as already applied.
  /**
   * @param {SyncError} data
   * @param {number} firstPendingId
   */
  async recoverFromGap(data, firstPendingId) {
    let serverLast = typeof data?.expected === "number" ? data.expected - 1 : null;
    if (serverLast === null) {
      await this.pullAll();
      serverLast = this.serverLastMutationId ?? 0;
    }
    if (firstPendingId > serverLast + 1) await store.takeNewClientId(this.db);
    else await store.confirmPushed(this.db, serverLast, []);
  }

  async pullAll() {
    const clientId = await store.getMeta(this.db, "client_id");
    let changed = false;
    // A sync from cursor 0 ends holding only what the server listed (and what is still to
    // send): a record pushed from here, never pulled back, may have been deleted elsewhere
    // since, its tombstone purged, and no page would ever say so.
    /** @type {Set<string> | null} */
    let listed = (await store.getMeta(this.db, "cursor")) ? null : new Set();
    for (let page = 0; page < 1000; page += 1) {
      const cursor = (await store.getMeta(this.db, "cursor")) || 0;
      // Ask for rejections among the mutations this pull may confirm, in case a push's
      // answer (which lists them) was lost on the way.
      const [firstPending] = await store.pendingMutations(this.db, 1);
      const rejectedAfter = firstPending ? `&rejected_after=${firstPending.mutation_id - 1}` : "";
      const query = `cursor=${cursor}&limit=${PAGE_SIZE}&schema=${SCHEMA}${rejectedAfter}`;
      /** @type {PullResponse} */
      const data = await this.request(`/api/sync/pull?${query}`, {
        headers: { "X-Client-Id": clientId },
      });
      if (data.reset) {
        // Our cursor is older than the server keeps tombstones: start again from 0.
        await store.resetForResync(this.db);
        listed = null;
        changed = true;
        continue;
      }
      for (const change of data.changes || []) listed?.add(change.id);
      if (typeof data.last_mutation_id === "number") this.serverLastMutationId = data.last_mutation_id;
      await store.applyPulledPage(this.db, {
        changes: data.changes || [],
        cursor: data.cursor,
        lastMutationId: data.last_mutation_id,
        rejected: data.rejected || [],
        onlyListed: data.more ? undefined : listed || undefined,
      });
      if ((data.changes || []).length || (listed && !data.more)) changed = true;
      if (!data.more) break;
    }
    if (changed) {
      this.dispatchEvent(new Event("records-changed"));
      this.channel?.postMessage({ kind: "records-changed" });
    }
  }

  /** @param {Partial<SyncStatus>} patch */
  async refreshStatus(patch) {
    const summary = await store.outboxSummary(this.db);
    this.status = { ...this.status, ...patch, pending: summary.pending, rejected: summary.rejected };
    this.dispatchEvent(new CustomEvent("status", { detail: this.status }));
    this.channel?.postMessage({ kind: "status", status: this.status });
  }

  /** @param {{ kind?: string, status?: SyncStatus } | undefined} message */
  async onTabMessage(message) {
    if (message?.kind === "deleted") {
      this.deleted = true;
      clearTimeout(this.timer);
      this.db.close();
      location.replace("/accounts/deleted/");
      return;
    }
    if (this.deleted) return;
    if (message?.kind === "records-changed") {
      this.dispatchEvent(new Event("records-changed"));
      await this.refreshStatus({});
    } else if (message?.kind === "status" && !this.running) {
      // Another tab runs the loop: show its phase, with counts from our shared database.
      const summary = await store.outboxSummary(this.db);
      this.status = { ...message.status, pending: summary.pending, rejected: summary.rejected };
      this.dispatchEvent(new CustomEvent("status", { detail: this.status }));
    }
  }
}
