// One journal session per page: the signed-in user's database, the sync engine and the
// quiet sync status in the header. Pages get it with getJournal().
import { openJournalDb } from "./db.js";
import { SyncEngine } from "./sync.js";
import { renderSyncStatus } from "./sync-status.js";

let session = null;

export function currentUserId() {
  return document.body.dataset.user || "";
}

export function getJournal() {
  if (!session) session = startSession();
  return session;
}

async function startSession() {
  const userId = currentUserId();
  if (!userId) throw new Error("not signed in");
  const db = await openJournalDb(userId);
  const engine = new SyncEngine(db, userId);
  const statusElement = document.getElementById("sync-status");
  if (statusElement) {
    engine.addEventListener("status", (event) => renderSyncStatus(statusElement, event.detail));
  }
  engine.start();
  return { db, engine, userId };
}

// Safari drops the storage of sites unused for 7 days unless persistence is granted.
let persistenceAsked = false;
export function askForPersistentStorage() {
  if (persistenceAsked) return;
  persistenceAsked = true;
  navigator.storage?.persist?.().catch(() => {});
}
