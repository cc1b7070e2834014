// When the journal's local store fails: what happened, in the user's words, and what to do.
//
// Four failures reach the user: the store is full (QuotaExceededError), another tab holds an
// older version of the database and keeps this one from opening ("blocked"), a newer version in
// another tab made this page let go of it ("replaced"), and the browser will not open IndexedDB at all (private browsing in some browsers, site data blocked or
// deleted while the app was open). The page shows one notice at the top of the content; a form
// whose save failed says so next to its button and keeps what the user typed.

/** @typedef {"full" | "blocked" | "replaced" | "unavailable" | "failed"} StorageProblemKind */

/** @type {Record<StorageProblemKind, { title: string, advice: string, form: string }>} */
const WORDING = {
  full: {
    title: "This phone's storage for Minimus is full",
    advice:
      "The browser has no room left to save your journal on this phone. Free some space (delete " +
      "photos, videos or apps you no longer need, or other websites' data in the browser's settings), " +
      "then save again. Entries already saved here are kept.",
    form: "Not saved: this phone's storage is full. Your entry is still here: free some space, then save it again.",
  },
  blocked: {
    title: "Minimus is open in another tab",
    advice:
      "An older version of Minimus is still open in another tab or window and keeps this one from " +
      "updating your journal. Close the other Minimus tabs (or restart the browser); this page then " +
      "carries on by itself.",
    form: "Not saved yet: close the other Minimus tabs first. Your entry is still here: save it again after.",
  },
  replaced: {
    title: "Minimus was updated in another tab",
    advice:
      "This page still runs the older version and can no longer save to your journal. Reload it to " +
      "carry on; everything saved so far is kept.",
    form: "Not saved: this page is out of date. Your entry is still here: note it, reload the page, then log it again.",
  },
  unavailable: {
    title: "This browser will not store your journal",
    advice:
      "Minimus keeps your journal on this phone, and the browser refused to open that storage. " +
      "Private browsing, blocked website data, or data cleared while Minimus was open can cause this. " +
      "Open Minimus in a normal (not private) window, or allow website data for this site in the " +
      "browser's settings, then reload the page. Until then, the pain and massages you log go straight to the server while you are online.",
    form:
      "Not saved: this browser refuses to store your journal and you are offline. Your entry is still here, " +
      "but it is lost when you leave this page: save it again once you are online.",
  },
  failed: {
    title: "Minimus could not save on this phone",
    advice: "The browser's storage refused the change. Try again; if it keeps failing, reload the page.",
    form: "Not saved: the browser's storage refused it. Your entry is still here: save it again.",
  },
};

export class StorageProblem extends Error {
  /**
   * @param {StorageProblemKind} kind
   * @param {unknown} [cause] The browser's error, kept for the console.
   */
  constructor(kind, cause) {
    super(WORDING[kind].title, { cause });
    this.name = "StorageProblem";
    /** @type {StorageProblemKind} */
    this.kind = kind;
    this.advice = WORDING[kind].advice;
    /** What a form whose save failed says next to its button. */
    this.formMessage = WORDING[kind].form;
  }
}

/** @type {StorageProblem | null} */
let current = null;

/**
 * What a failed open or write means for the user.
 * @param {unknown} error
 * @param {{ opening?: boolean }} [options] Whether it came from opening the database.
 * @returns {StorageProblem}
 */
export function storageProblemOf(error, { opening = false } = {}) {
  if (error instanceof StorageProblem) return error;
  const name = /** @type {{ name?: unknown } | null} */ (error)?.name;
  // A write on the connection this page closed for a newer tab: that is the problem, not the browser.
  if (current?.kind === "replaced" && name === "InvalidStateError") return current;
  if (name === "QuotaExceededError") return new StorageProblem("full", error);
  // A write on a connection the browser closed (storage deleted under the page) is as bad as no open.
  if (opening || name === "InvalidStateError" || name === "UnknownError") return new StorageProblem("unavailable", error);
  return new StorageProblem("failed", error);
}

/** The problem the page shows now, if any (a form checks it before waiting on the store). */
export function currentStorageProblem() {
  return current;
}

/**
 * Shows the problem at the top of the page's content, or removes the notice (null).
 * @param {StorageProblem | null} problem
 */
export function showStorageProblem(problem) {
  current = problem;
  let notice = /** @type {HTMLElement | null} */ (document.getElementById("storage-problem"));
  if (!problem) {
    notice?.remove();
    return;
  }
  if (problem.cause) console.error(`Minimus: local storage problem (${problem.kind})`, problem.cause);
  if (!notice) {
    notice = document.createElement("div");
    notice.id = "storage-problem";
    notice.className = "callout danger storage-problem";
    notice.setAttribute("role", "alert");
    const main = document.getElementById("main") || document.body;
    main.prepend(notice);
  }
  notice.dataset.kind = problem.kind;
  const title = document.createElement("strong");
  title.textContent = problem.message;
  const advice = document.createElement("p");
  advice.textContent = problem.advice;
  notice.replaceChildren(title, advice);
}
