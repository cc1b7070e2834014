// Globals of the service worker script (CONFIG: frontend/templates/frontend/serviceworker.js).

/** Rendered by frontend/pwa_views.py from frontend.offline_cache.service_worker_config(). */
interface MinimusWorkerConfig {
  version: string;
  precache: { url: string; revision: string | null }[];
  offlineUrl: string;
  staticUrl: string;
  workerScripts: string[];
  hashedStatic: boolean;
  signedInShells: string[];
  neverCache: string[];
  sessionChangePaths: string[];
  networkTimeoutMs: number;
}

declare const CONFIG: MinimusWorkerConfig;

/** Set by static/sw/push.js for other worker code and the browser tests. */
declare var minimusPush: unknown;

/** Set by static/sw/outbox-sync.js for the browser tests. */
declare var minimusOutboxSync: unknown;
