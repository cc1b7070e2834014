// Module hooks that load frontend/static/js/db.js with one deliberate bug, to prove the fault
// harness catches it (tests/journal/test_sync_js_harness.py). Registered by run.mjs only when
// its config names a bug; the shipped file is never changed. Each bug replaces an exact piece
// of db.js: if that piece is gone (db.js was rewritten), loading fails instead of silently
// running the correct client.

/** @type {Record<string, [string, string]>} bug -> [shipped code, buggy code] */
export const BUGS = {
  // A new client id keeps the outbox's old mutation ids instead of numbering it from 1.
  skip_renumbering: [
    "await outbox.put({ ...item, mutation_id: next++ });",
    "await outbox.put({ ...item });",
  ],
};

let bug = null;

/** @param {{ bug: string }} data */
export function initialize(data) {
  if (!(data.bug in BUGS)) throw new Error(`unknown deliberate bug ${data.bug}; known: ${Object.keys(BUGS)}`);
  bug = data.bug;
}

export async function load(url, context, nextLoad) {
  const loaded = await nextLoad(url, context);
  if (!bug || !url.endsWith("/frontend/static/js/db.js")) return loaded;
  const [shipped, buggy] = BUGS[bug];
  const source = String(loaded.source);
  if (!source.includes(shipped)) throw new Error(`deliberate bug ${bug}: db.js no longer contains ${shipped}`);
  return { ...loaded, source: source.replace(shipped, buggy), shortCircuit: true };
}
