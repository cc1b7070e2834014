// Removing what a deleted account left on this device: every local journal database, the
// cached signed-in pages (and any per-user cache) and this browser's push subscription.
// The app shell caches stay: they hold nobody's data.
const JOURNAL_DB_PREFIX = "minimus-journal-";
const USER_CACHE_NAMES = ["minimus-pages"];
const USER_CACHE_PREFIX = "minimus-user-";
const LOCAL_KEYS = ["minimus-offline-user", "minimus-offline-pages-version"];

/**
 * @param {string} name
 * @returns {Promise<void>}
 */
function deleteDatabase(name) {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = request.onerror = () => resolve();
    // Another tab still has it open: it closes on "versionchange" (db.js), then this resolves.
    request.onblocked = () => undefined;
  });
}

/**
 * Wipe every local trace of signed-in use on this device.
 * @param {{userId?: string}} [options] the account's id, for browsers that cannot list databases
 * @returns {Promise<void>}
 */
export async function wipeLocalAccountData({ userId } = {}) {
  const names = new Set(userId ? [JOURNAL_DB_PREFIX + userId] : []);
  if (indexedDB.databases) {
    for (const info of await indexedDB.databases()) {
      if (info.name && info.name.startsWith(JOURNAL_DB_PREFIX)) names.add(info.name);
    }
  }
  await Promise.all([...names].map(deleteDatabase));
  if ("caches" in self) {
    for (const name of await caches.keys()) {
      if (USER_CACHE_NAMES.includes(name) || name.startsWith(USER_CACHE_PREFIX)) await caches.delete(name);
    }
  }
  for (const key of LOCAL_KEYS) localStorage.removeItem(key);
  try {
    const registration = await navigator.serviceWorker?.getRegistration();
    const subscription = await registration?.pushManager?.getSubscription();
    await subscription?.unsubscribe();
  } catch {
    // No push support here: nothing to drop.
  }
  document.documentElement.dataset.localDataWiped = "true";
}

/** The page shown right after "Delete my account" asks for the wipe (data-wipe-local). */
export function initAccountWipe() {
  const userId = document.body?.dataset.wipeLocal;
  if (userId) {
    wipeLocalAccountData({ userId }).catch((error) => console.error("Could not wipe this device", error));
  }
}
