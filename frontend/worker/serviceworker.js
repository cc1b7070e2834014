/* Minimus service worker.
 *
 * A module worker. Served at /serviceworker.js as it is, after the imports and the CONFIG that frontend/pwa_views.py renders
 * (template frontend/serviceworker.js): the precache list (static files under their hashed
 * names, with content revisions), and the version that names the caches. Plain JavaScript,
 * never rendered as a template, type-checked as it is (jsconfig.sw.json).
 * A new version installs in the background and waits; the page offers "Update" and
 * sends "skip-waiting" only when the user taps it.
 *
 * Caches:
 *   minimus-precache-<version>  app shell: offline page, guide pages, CSS, JS, icons
 *   minimus-static-previous     files of the version before, for pages cached under it
 *   minimus-static-<version>    hashed static files fetched at run time
 *   minimus-pages               pages visited (network first), dropped on sign-in/out
 * /api/ responses are never cached: they hold one user's data.
 */
// The worker's global scope, typed as what it is (the WebWorker library types `self` generically).
const worker = /** @type {ServiceWorkerGlobalScope & typeof globalThis} */ (/** @type {unknown} */ (self));
const VERSION = CONFIG.version;
const PREFIX = "minimus-";
const PRECACHE = `${PREFIX}precache-${VERSION}`;
const STATIC_RUNTIME = `${PREFIX}static-${VERSION}`;
const STATIC_PREVIOUS = `${PREFIX}static-previous`;
const PAGES = `${PREFIX}pages`;
const REVISION_HEADER = "X-Minimus-Revision";

// Other parts of the app add event handlers as modules in frontend/static/sw/ (push.js: push
// and notification clicks; outbox-sync.js: Background Sync), imported by the rendered start
// of this script. A module worker: register it with { type: "module" }.

/**
 * @param {string} pathname
 * @param {string[]} prefixes
 */
function isPathUnder(pathname, prefixes) {
  return prefixes.some((prefix) => pathname === prefix || pathname.startsWith(prefix));
}

async function olderPrecaches() {
  const names = await caches.keys();
  return names.filter((name) => name.startsWith(`${PREFIX}precache-`) && name !== PRECACHE);
}

// A static file whose content revision is unchanged is copied from the old cache, not downloaded:
// a deploy costs the user exactly the files that changed.
/**
 * @param {MinimusWorkerConfig["precache"][number]} entry
 * @param {string[]} oldNames
 * @returns {Promise<Response | null>}
 */
async function reusableCopy(entry, oldNames) {
  if (!entry.revision) return null;
  for (const name of oldNames) {
    const cached = await (await caches.open(name)).match(entry.url);
    if (cached && cached.headers.get(REVISION_HEADER) === entry.revision) return cached;
  }
  return null;
}

// Responses are rebuilt so they carry the revision and no "redirected" flag (which a
// navigation would refuse).
/**
 * @param {Response} response
 * @param {string | null} revision
 */
async function storable(response, revision) {
  const headers = new Headers(response.headers);
  if (revision) headers.set(REVISION_HEADER, revision);
  const body = await response.blob();
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

async function precache() {
  const cache = await caches.open(PRECACHE);
  const oldNames = await olderPrecaches();
  await Promise.all(
    CONFIG.precache.map(async (entry) => {
      const reused = await reusableCopy(entry, oldNames);
      if (reused) return cache.put(entry.url, reused);
      // Anonymous and past the HTTP cache: the shell holds nobody's data and is this deploy's.
      const response = await fetch(new Request(entry.url, { cache: "reload", credentials: "omit" }));
      if (!response.ok) throw new Error(`precache ${entry.url}: HTTP ${response.status}`);
      return cache.put(entry.url, await storable(response, entry.revision));
    }),
  );
}

worker.addEventListener("install", (event) => {
  // No skipWaiting here: the new version waits until the user asks for it.
  event.waitUntil(precache());
});

// Pages cached under the previous version refer to its static files: keep those (only the
// previous version's) so they still render offline until they are fetched afresh.
/** @param {string[]} oldNames */
async function keepPreviousStatic(oldNames) {
  const current = new Set(CONFIG.precache.map((entry) => new URL(entry.url, worker.location.href).href));
  await caches.delete(STATIC_PREVIOUS);
  const previous = await caches.open(STATIC_PREVIOUS);
  for (const name of oldNames) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const url = new URL(request.url);
      const response = url.pathname.startsWith(CONFIG.staticUrl) && !current.has(url.href) && (await cache.match(request));
      if (response) await previous.put(request, response);
    }
  }
}

worker.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const oldNames = await olderPrecaches();
      if (oldNames.length) await keepPreviousStatic(oldNames);
      const keep = new Set([PRECACHE, STATIC_RUNTIME, STATIC_PREVIOUS, PAGES]);
      const names = await caches.keys();
      await Promise.all(
        names.filter((name) => name.startsWith(PREFIX) && !keep.has(name)).map((name) => caches.delete(name)),
      );
      await worker.clients.claim();
    })(),
  );
});

async function forgetPages() {
  await caches.delete(PAGES);
}

/**
 * @param {Request} request
 * @returns {Promise<Response | undefined>}
 */
async function cachedPage(request) {
  // The latest visit first (pages cache), then the precached copy.
  const pages = await caches.open(PAGES);
  return (
    (await pages.match(request, { ignoreVary: true })) ||
    (await caches.match(request, { ignoreVary: true })) ||
    // A shortcut or link with a query string still opens the page it points at.
    (await caches.match(request, { ignoreVary: true, ignoreSearch: true }))
  );
}

/** @param {Response} response */
function worthKeeping(response) {
  return response.status === 200 && response.type === "basic" && !response.redirected;
}

async function offlineFallback() {
  return (await caches.match(CONFIG.offlineUrl)) || Response.error();
}

// Network first so pages are always current online; cache when the network fails or stalls.
/**
 * @param {FetchEvent} event
 * @returns {Promise<Response>}
 */
async function networkFirst(event) {
  const { request } = event;
  const fromNetwork = fetch(request);
  // Registered at once (not when the response arrives) so the worker lives until it is stored.
  event.waitUntil(
    fromNetwork
      .then((response) => {
        if (!worthKeeping(response)) return undefined;
        const copy = response.clone();
        return caches.open(PAGES).then((cache) => cache.put(request, copy));
      })
      .catch(() => undefined),
  );
  /** @type {Promise<"stalled">} */
  const stalled = new Promise((resolve) => setTimeout(resolve, CONFIG.networkTimeoutMs, "stalled"));
  try {
    const first = await Promise.race([fromNetwork, stalled]);
    // A server error (or a proxy's 502 during a deploy) is no better than no network.
    if (first !== "stalled" && first.status < 500) return first;
    if (first !== "stalled") return (await cachedPage(request)) || first;
    return (await cachedPage(request)) || (await fromNetwork);
  } catch {
    return (await cachedPage(request)) || offlineFallback();
  }
}

/** @param {Request} request */
async function networkOnlyPage(request) {
  try {
    return await fetch(request);
  } catch {
    return offlineFallback();
  }
}

// Static files: cache first. Their names change with their content in production, so a
// cached copy is never stale; unhashed names (DEBUG) are only served from the precache.
/** @param {FetchEvent} event */
async function cacheFirst(event) {
  const { request } = event;
  const cached = await caches.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (CONFIG.hashedStatic && worthKeeping(response)) {
    const copy = response.clone();
    event.waitUntil(caches.open(STATIC_RUNTIME).then((cache) => cache.put(request, copy)));
  }
  return response;
}

worker.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (url.origin !== worker.location.origin) return;
  if (request.method !== "GET") {
    if (request.method === "POST" && isPathUnder(url.pathname, CONFIG.sessionChangePaths)) {
      event.waitUntil(forgetPages());
    }
    return;
  }
  if (isPathUnder(url.pathname, CONFIG.neverCache)) {
    if (request.mode === "navigate" && !url.pathname.startsWith("/api/")) {
      event.respondWith(networkOnlyPage(request));
    }
    return;
  }
  if (url.pathname.startsWith(CONFIG.staticUrl)) {
    event.respondWith(cacheFirst(event));
  } else if (request.mode === "navigate") {
    event.respondWith(networkFirst(event));
  }
});

// Signed-in pages asked for by the page right after sign-in, so they open offline even if
// never visited. Already cached ones are left alone unless `refresh` (network first keeps
// them current on every visit anyway).
/**
 * @param {string[]} urls
 * @param {boolean} refresh
 */
async function cachePages(urls, refresh) {
  const cache = await caches.open(PAGES);
  let stored = 0;
  for (const path of urls) {
    const url = new URL(path, worker.location.href);
    if (url.origin !== worker.location.origin || isPathUnder(url.pathname, CONFIG.neverCache)) continue;
    if (!refresh && (await cache.match(url.href, { ignoreVary: true }))) {
      stored += 1;
      continue;
    }
    try {
      const response = await fetch(url.href, { credentials: "same-origin", redirect: "manual" });
      if (worthKeeping(response)) {
        await cache.put(url.href, response);
        stored += 1;
      }
    } catch {
      // Offline: whatever is cached stays.
    }
  }
  return stored;
}

worker.addEventListener("message", (event) => {
  /** @type {{ type?: string, urls?: string[], refresh?: boolean }} */
  const data = typeof event.data === "string" ? { type: event.data } : event.data || {};
  /** @param {object} message */
  const reply = (message) => {
    if (event.ports && event.ports[0]) event.ports[0].postMessage(message);
    else if (event.source) event.source.postMessage(message);
  };
  if (data.type === "skip-waiting") {
    event.waitUntil(worker.skipWaiting());
  } else if (data.type === "logout") {
    event.waitUntil(forgetPages().then(() => reply({ type: "logged-out" })));
  } else if (data.type === "cache-pages") {
    const urls = data.urls || CONFIG.signedInShells;
    event.waitUntil(cachePages(urls, Boolean(data.refresh)).then((count) => reply({ type: "pages-cached", count })));
  } else if (data.type === "version") {
    reply({ type: "version", version: VERSION });
  }
});
