// The browser around the shipped journal modules, in Node: one IndexedDB (fake-indexeddb)
// per device, and per-page globals (fetch, document.cookie, navigator, the clock) chosen by
// the page whose code is running. Each page's code runs inside `within(page, fn)`; Node's
// AsyncLocalStorage carries that choice through every await, IndexedDB callback and timer,
// so three devices can share one process without sharing a cookie jar or a clock.
import { AsyncLocalStorage } from "node:async_hooks";
import { createRequire } from "node:module";

// The harness lives outside frontend/ but uses frontend's pinned dev dependencies.
export const frontendRequire = createRequire(new URL("../../../frontend/package.json", import.meta.url));
const fakeIdb = frontendRequire("fake-indexeddb");

const context = new AsyncLocalStorage();
const RealDate = Date;
const realFetch = globalThis.fetch;

/** The page whose code is running (throws outside one: a module touched the browser at import). */
function page() {
  const current = context.getStore();
  if (!current) throw new Error("browser global used outside a page");
  return current;
}

/** Run `fn` as code of `current` (a page object with .device and .fetch). */
export function within(current, fn) {
  return context.run(current, fn);
}

/** The real network, outside any page (so Node's own timers never see a page's clock). */
export function networkFetch(url, init) {
  return context.exit(() => realFetch(url, init));
}

// IndexedDB: the interfaces idb checks with instanceof, and each device's own factory.
for (const name of [
  "IDBCursor",
  "IDBCursorWithValue",
  "IDBDatabase",
  "IDBIndex",
  "IDBKeyRange",
  "IDBObjectStore",
  "IDBOpenDBRequest",
  "IDBRequest",
  "IDBTransaction",
  "IDBVersionChangeEvent",
]) {
  globalThis[name] = fakeIdb[name];
}
Object.defineProperty(globalThis, "indexedDB", { configurable: true, get: () => page().device.idb });
export const { IDBFactory, forceCloseDatabase } = fakeIdb;

// A page closed in the middle of an IndexedDB transaction: the transaction aborts (nothing
// of it is kept) and the connection is gone. Armed per page: the n-th write request of
// that page's connection is where the page dies.
const connections = new WeakMap();
/** @param {IDBDatabase} connection the raw connection under idb's wrapper */
export function registerConnection(connection, current) {
  connections.set(connection, current);
}
for (const method of ["put", "add", "delete", "clear"]) {
  const original = fakeIdb.IDBObjectStore.prototype[method];
  fakeIdb.IDBObjectStore.prototype[method] = function (...args) {
    const owner = connections.get(this.transaction.db);
    if (owner && owner.dead) throw new DOMException("The page is closed", "InvalidStateError");
    if (owner && owner.writesBeforeCrash !== null) {
      owner.writesBeforeCrash -= 1;
      if (owner.writesBeforeCrash <= 0) {
        owner.writesBeforeCrash = null;
        this.transaction.abort();
        owner.close("closed during an IndexedDB transaction");
        throw new DOMException("The page is closed", "AbortError");
      }
    }
    return original.apply(this, args);
  };
}

// The clock: each device's may be skewed (a phone set a day off).
class DeviceDate extends RealDate {
  constructor(...args) {
    if (args.length) super(...args);
    else super(DeviceDate.now());
  }
  static now() {
    const current = context.getStore();
    return RealDate.now() + (current ? current.device.clockSkewMs : 0);
  }
}
globalThis.Date = DeviceDate;
export { RealDate };

// window, document, navigator, as much of them as db.js and sync.js touch.
const windowEvents = new EventTarget();
globalThis.addEventListener = windowEvents.addEventListener.bind(windowEvents);
globalThis.removeEventListener = windowEvents.removeEventListener.bind(windowEvents);
globalThis.dispatchEvent = windowEvents.dispatchEvent.bind(windowEvents);
// No BroadcastChannel: each device is one tab of its own browser.
globalThis.self = { indexedDB: undefined };
Object.defineProperty(globalThis.self, "indexedDB", { get: () => page().device.idb });
globalThis.document = {
  get cookie() {
    return `csrftoken=${page().device.session.csrftoken}`;
  },
  get body() {
    return { dataset: { accountMarker: page().device.session.account_marker } };
  },
  visibilityState: "visible",
  addEventListener() {},
};
Object.defineProperty(globalThis, "navigator", {
  configurable: true,
  get: () => ({ onLine: true, locks: undefined, serviceWorker: undefined }),
});
globalThis.fetch = (url, init) => page().fetch(url, init);
globalThis.location = { replace() {} };
