// One journal session per page: the signed-in user's database, the sync engine and the
// quiet sync status in the header. Pages get it with getJournal().
import { deleteJournalDb, openJournalDb, outboxSummary, releaseWhenPageHides } from "./db.js";
import { SyncEngine } from "./sync.js";
import { renderSyncStatus } from "./sync-status.js";
import { StorageProblem, showStorageProblem, storageProblemOf } from "./storage-problem.js";
/** @import { SyncStatus } from "./types.js" */

let session = null;

export function currentUserId() {
  return document.body.dataset.user || "";
}

export function getJournal() {
  if (!session) {
    session = startSession();
    // Guarded at once, so a quick tap on "Sign out" cannot slip past the check.
    document.querySelectorAll("[data-logout-form]").forEach((form) => guardSignOut(form, session));
  }
  return session;
}

async function startSession() {
  const userId = currentUserId();
  if (!userId) throw new Error("not signed in");
  const db = await openStore(userId);
  // Back from the back/forward cache, the connection is closed: the page starts again.
  releaseWhenPageHides(db, { onRestored: () => location.reload() });
  const engine = new SyncEngine(db, userId);
  const statusElement = document.getElementById("sync-status");
  if (statusElement) {
    engine.addEventListener("status", (event) =>
      renderSyncStatus(statusElement, /** @type {CustomEvent<SyncStatus>} */ (event).detail),
    );
  }
  engine.start();
  return { db, engine, userId };
}

// Opening the store, with the user told when it waits on another tab or fails for good.
/** @param {string} userId */
async function openStore(userId) {
  let blocked = false;
  try {
    const db = await openJournalDb(userId, {
      onBlocked() {
        blocked = true;
        showStorageProblem(new StorageProblem("blocked"));
      },
      onReplaced() {
        showStorageProblem(new StorageProblem("replaced"));
      },
    });
    if (blocked) showStorageProblem(null);
    return db;
  } catch (error) {
    const problem = storageProblemOf(error, { opening: true });
    showStorageProblem(problem);
    throw problem;
  }
}

// Signing out with changes not yet on the server: say so before they are left behind.
// They stay in this user's database and go out when the same user signs in again; after a
// clean sign-out the local journal is deleted.
export function guardSignOut(form, journalReady) {
  let confirmed = false;
  form.addEventListener("submit", async (event) => {
    if (confirmed) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    const { db, engine, userId } = await journalReady;
    const { pending, rejected } = await outboxSummary(db);
    const unsynced = pending + rejected.length;
    if (unsynced && navigator.onLine) {
      engine.requestSync(0);
    }
    if (unsynced) {
      const ok = confirm(
        `${unsynced} ${unsynced === 1 ? "change is" : "changes are"} not yet synced. ` +
          "They stay on this phone and are sent when you sign in again. Sign out anyway?",
      );
      if (!ok) return;
    } else {
      db.close();
      await deleteJournalDb(userId).catch(() => {});
    }
    confirmed = true;
    form.requestSubmit();
  });
}
