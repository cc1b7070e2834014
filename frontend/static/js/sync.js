// The sync loop (shared/design/sync-protocol.md, "Client"): push the outbox in order, then
// pull pages until `more` is false. One loop at a time across tabs (Web Locks); backoff on
// network errors; a 401 keeps the outbox and asks the user to sign in again.
//
// Status events ("status" on the engine, mirrored to other tabs by BroadcastChannel):
//   {phase: "idle"|"syncing"|"offline"|"error"|"auth"|"upgrade", pending, rejected, lastSyncedAt, message}
// "records-changed" fires when pulled or local writes changed what the screen shows.
// Each loop also dispatches window "minimus:sync-loop" {detail: {edge: "start"|"end"}} so an
// observer (the browser tests) can check that loops never overlap.
import { apiFetch } from "./http.js";
import * as store from "./db.js";

export const SCHEMA = 1;
const PAGE_SIZE = 500;
const PERIOD_MS = 3 * 60 * 1000;
const AFTER_WRITE_MS = 600;
const BUSY_RETRY_MS = 1500;
const MAX_BACKOFF_MS = 5 * 60 * 1000;

class HttpError extends Error {
  constructor(status, data) {
    super(`HTTP ${status}`);
    this.status = status;
    this.data = data;
  }
}

function isUpgradeRequired(error) {
  return error instanceof HttpError && error.status === 409 && error.data?.error === "upgrade_required";
}

export class SyncEngine extends EventTarget {
  constructor(db, userId) {
    super();
    this.db = db;
    this.userId = userId;
    this.lockName = `minimus-sync-${userId}`;
    this.failures = 0;
    this.timer = null;
    this.running = false;
    this.serverLastMutationId = null;
    this.status = { phase: "idle", pending: 0, rejected: [], lastSyncedAt: null, message: "" };
    this.channel = "BroadcastChannel" in self ? new BroadcastChannel(this.lockName) : null;
    this.channel?.addEventListener("message", (event) => this.onTabMessage(event.data));
  }

  start() {
    addEventListener("online", () => this.requestSync(0));
    addEventListener("offline", () => this.refreshStatus({ phase: "offline" }));
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.requestSync(0);
    });
    setInterval(() => {
      if (document.visibilityState === "visible") this.requestSync(0);
    }, PERIOD_MS);
    this.refreshStatus({ phase: navigator.onLine ? "idle" : "offline" });
    this.requestSync(0);
  }

  // A local write happened: tell this tab and the others, sync a moment later.
  async noteLocalWrite() {
    this.dispatchEvent(new Event("records-changed"));
    this.channel?.postMessage({ kind: "records-changed" });
    await this.refreshStatus(this.status.phase === "syncing" ? {} : { phase: navigator.onLine ? "idle" : "offline" });
    this.requestSync(AFTER_WRITE_MS);
  }

  requestSync(delayMs = 0) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), delayMs);
  }

  async run() {
    if (this.running) return;
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
    if (!ran) this.requestSync(BUSY_RETRY_MS);
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
    if (error instanceof HttpError && (error.status === 401 || error.status === 403)) {
      // Keep the outbox; the same user signing in again finds it in the same database.
      await this.refreshStatus({ phase: "auth", message: "Sign in again to sync" });
      return;
    }
    if (isUpgradeRequired(error)) {
      await this.refreshStatus({ phase: "upgrade", message: "Update the app to sync" });
      navigator.serviceWorker?.getRegistration().then((registration) => registration?.update());
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

  async request(url, options) {
    // A network failure rejects here (TypeError) and is handled as "retry with backoff".
    const result = await apiFetch(url, options);
    if (!result.ok) throw new HttpError(result.status, result.data);
    return result.data;
  }

  async pushAll() {
    const clientId = await store.getMeta(this.db, "client_id");
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const batch = await store.pendingMutations(this.db, PAGE_SIZE);
      if (!batch.length) return;
      let data;
      try {
        data = await this.request("/api/sync/push", {
          method: "POST",
          body: {
            client_id: clientId,
            schema: SCHEMA,
            mutations: batch.map((item) => ({ id: item.mutation_id, type: item.type, op: item.op, record: item.record })),
          },
        });
      } catch (error) {
        if (error instanceof HttpError && error.status === 409 && !isUpgradeRequired(error)) {
          await this.recoverFromGap(error.data, batch[0].mutation_id);
          continue;
        }
        throw error;
      }
      await store.confirmPushed(this.db, data.last_mutation_id, data.rejected || []);
      if ((data.rejected || []).length) await this.refreshStatus({});
      this.serverLastMutationId = data.last_mutation_id;
    }
  }

  // 409 gap: the server's counter for this client is below our first pending id - 1.
  async recoverFromGap(data, firstPendingId) {
    let serverLast = typeof data?.last_mutation_id === "number" ? data.last_mutation_id : null;
    if (serverLast === null) {
      await this.pullAll();
      serverLast = this.serverLastMutationId ?? 0;
    }
    if (firstPendingId > serverLast + 1) await store.renumberPending(this.db, serverLast);
    else await store.confirmPushed(this.db, serverLast, []);
  }

  async pullAll() {
    const clientId = await store.getMeta(this.db, "client_id");
    let changed = false;
    for (let page = 0; page < 1000; page += 1) {
      const cursor = (await store.getMeta(this.db, "cursor")) || 0;
      const data = await this.request(`/api/sync/pull?cursor=${cursor}&limit=${PAGE_SIZE}`, {
        headers: { "X-Client-Id": clientId },
      });
      if (data.reset) {
        // Our cursor is older than the server keeps tombstones: start again from 0.
        await store.resetForResync(this.db);
        changed = true;
        continue;
      }
      if (typeof data.last_mutation_id === "number") this.serverLastMutationId = data.last_mutation_id;
      await store.applyPulledPage(this.db, {
        changes: data.changes || [],
        cursor: data.cursor,
        lastMutationId: data.last_mutation_id,
      });
      if ((data.changes || []).length) changed = true;
      if (!data.more) break;
    }
    if (changed) {
      this.dispatchEvent(new Event("records-changed"));
      this.channel?.postMessage({ kind: "records-changed" });
    }
  }

  async refreshStatus(patch) {
    const summary = await store.outboxSummary(this.db);
    this.status = { ...this.status, ...patch, pending: summary.pending, rejected: summary.rejected };
    this.dispatchEvent(new CustomEvent("status", { detail: this.status }));
    this.channel?.postMessage({ kind: "status", status: this.status });
  }

  async onTabMessage(message) {
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
