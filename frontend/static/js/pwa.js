// Installable app: service worker registration, the "new version" banner, the install
// prompt (or iOS instructions), persistent storage, and keeping the offline cache
// right for whoever is signed in.
//
// Other modules:
//   initPwa()                   the page entry (app.js) calls it once; importing runs nothing.
//   requestPersistentStorage()  call after the first saved entry (or dispatch
//                               "minimus:entry-saved" on document); resolves to true/false.
//   checkForUpdate()            ask the server for a newer app (e.g. after a 409 upgrade_required).
//   forgetOfflinePages()        drop cached signed-in pages (sign-out does it by itself).

import { isIOS, isStandalone } from "./platform.js";
import { handled, reportError } from "./report.js";
/** @import { BeforeInstallPromptEvent } from "./types.js" */

const SW_URL = "/serviceworker.js";
const DRAFTS_KEY = "minimus-update-drafts";
const LAST_USER_KEY = "minimus-offline-user";
const SHELLS_VERSION_KEY = "minimus-offline-pages-version";
const INSTALL_DISMISSED_KEY = "minimus-install-dismissed";
const PERSIST_KEY = "minimus-storage-persisted";
const DISMISS_DAYS = 30;

/** @type {HTMLElement | null} */
let banner = null;
/** @type {ServiceWorkerRegistration | null} */
let registration = null;
let updateRequested = false;
/** @type {BeforeInstallPromptEvent | null} */
let deferredInstallPrompt = null;
let bannerKind = null;

function showBanner(kind, text, actions) {
  // An update message wins over an install suggestion.
  if (!banner || (bannerKind === "update" && kind !== "update")) return;
  bannerKind = kind;
  banner.replaceChildren();
  banner.dataset.kind = kind;
  const message = document.createElement("p");
  message.className = "app-banner-text";
  message.textContent = text;
  const buttons = document.createElement("div");
  buttons.className = "app-banner-actions";
  for (const { label, onClick, primary } of actions) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    if (primary) button.className = "primary";
    button.addEventListener("click", onClick);
    buttons.append(button);
  }
  banner.append(message, buttons);
  banner.hidden = false;
  document.body.classList.add("has-app-banner");
}

function hideBanner(kind) {
  if (!banner || bannerKind !== kind) return;
  banner.hidden = true;
  banner.replaceChildren();
  bannerKind = null;
  document.body.classList.remove("has-app-banner");
}

// ---- Service worker and updates ----------------------------------------------------

function offerUpdate(worker) {
  showBanner("update", "A new version is ready", [
    {
      label: "Update",
      primary: true,
      onClick: () => {
        updateRequested = true;
        // What was typed is kept first: the new version takes over with a reload.
        import("./update-drafts.js")
          .then(({ saveDrafts }) => saveDrafts(DRAFTS_KEY))
          .catch(reportError("keeping what was typed"))
          .finally(() => worker.postMessage({ type: "skip-waiting" }));
      },
    },
  ]);
}

function watchForWaitingWorker(reg) {
  if (reg.waiting && navigator.serviceWorker.controller) offerUpdate(reg.waiting);
  reg.addEventListener("updatefound", () => {
    const incoming = reg.installing;
    if (!incoming) return;
    incoming.addEventListener("statechange", () => {
      // Without a controller this is the first install: nothing to replace, no banner.
      if (incoming.state === "installed" && navigator.serviceWorker.controller) offerUpdate(incoming);
    });
  });
}

export async function checkForUpdate() {
  if (!registration) return;
  try {
    await registration.update();
  } catch {
    // Offline: the next start will check again.
  }
}

function askWorker(message) {
  const controller = navigator.serviceWorker && navigator.serviceWorker.controller;
  if (!controller) return Promise.resolve(null);
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data);
    controller.postMessage(message, [channel.port2]);
  });
}

export function forgetOfflinePages() {
  localStorage.removeItem(LAST_USER_KEY);
  return askWorker({ type: "logout" });
}

// Signed-in pages are cached for whoever is signed in now; a different person's pages go first.
async function keepSignedInPagesOffline() {
  const user = document.body.dataset.user;
  if (!user) return;
  const lastUser = localStorage.getItem(LAST_USER_KEY);
  if (lastUser && lastUser !== user) await askWorker({ type: "logout" });
  localStorage.setItem(LAST_USER_KEY, user);
  // After an update, fetch the pages afresh so they refer to the new version's files.
  const { version } = (await askWorker({ type: "version" })) || {};
  const refresh = Boolean(version) && localStorage.getItem(SHELLS_VERSION_KEY) !== version;
  const reply = await askWorker({ type: "cache-pages", refresh });
  if (!reply) return;
  if (version) localStorage.setItem(SHELLS_VERSION_KEY, version);
  document.documentElement.dataset.offlineReady = "true";
}

function watchSignOut() {
  document.addEventListener("submit", (event) => {
    const form = /** @type {HTMLFormElement} */ (event.target);
    if (form.matches("[data-logout-form]") || (form.action || "").endsWith("/accounts/logout/")) {
      localStorage.removeItem(LAST_USER_KEY);
      askWorker({ type: "logout" }).catch(reportError("forgetting the offline pages"));
    }
  });
}

async function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    // The first install takes control silently; a reload happens only after a tap on "Update".
    if (updateRequested) {
      updateRequested = false;
      location.reload();
    } else {
      keepSignedInPagesOffline().catch(reportError("caching the signed-in pages"));
    }
  });
  try {
    registration = await navigator.serviceWorker.register(SW_URL, { scope: "/", type: "module", updateViaCache: "none" });
  } catch {
    return;
  }
  watchForWaitingWorker(registration);
  if (navigator.serviceWorker.controller) {
    keepSignedInPagesOffline().catch(reportError("caching the signed-in pages"));
    void checkForUpdate(); // never rejects: offline, the next start checks again
  }
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") void checkForUpdate();
  });
}

// ---- Install prompt and iOS instructions -----------------------------------------------

// Other iOS browsers cannot add to the home screen the way Safari's Share menu does.
function isIosSafari() {
  const ua = navigator.userAgent;
  return isIOS() && /Safari/.test(ua) && !/CriOS|FxiOS|EdgiOS/.test(ua);
}

function recentlyDismissed() {
  const when = Number(localStorage.getItem(INSTALL_DISMISSED_KEY) || 0);
  return Date.now() - when < DISMISS_DAYS * 24 * 3600 * 1000;
}

function dismissInstall() {
  localStorage.setItem(INSTALL_DISMISSED_KEY, String(Date.now()));
  hideBanner("install");
}

async function promptInstall() {
  if (!deferredInstallPrompt) return;
  const prompt = deferredInstallPrompt;
  deferredInstallPrompt = null;
  hideBanner("install");
  updateInstallSection();
  await prompt.prompt();
}

function updateInstallSection() {
  const section = document.querySelector("[data-install]");
  if (!section) return;
  const state = isStandalone() ? "installed" : deferredInstallPrompt ? "prompt" : isIosSafari() ? "ios" : "other";
  /** @type {NodeListOf<HTMLElement>} */ (section.querySelectorAll("[data-install-state]")).forEach((el) => {
    el.hidden = el.dataset.installState !== state;
  });
}

function setUpInstall() {
  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault();
    deferredInstallPrompt = /** @type {BeforeInstallPromptEvent} */ (event);
    updateInstallSection();
    if (!recentlyDismissed()) {
      showBanner("install", "Install Minimus to open it from your home screen, even offline", [
        { label: "Install", primary: true, onClick: handled("the install prompt", promptInstall) },
        { label: "Not now", onClick: dismissInstall },
      ]);
    }
  });
  window.addEventListener("appinstalled", () => {
    deferredInstallPrompt = null;
    hideBanner("install");
    updateInstallSection();
    requestPersistentStorage().catch(reportError("asking for persistent storage"));
  });
  document.querySelectorAll("[data-install-button]").forEach((button) => button.addEventListener("click", handled("the install prompt", promptInstall)));
  if (isIosSafari() && !isStandalone() && !recentlyDismissed()) {
    showBanner("install", "Install on iPhone: tap Share, then \u201cAdd to Home Screen\u201d. Reminders need it.", [
      { label: "Got it", onClick: dismissInstall },
    ]);
  }
  updateInstallSection();
}

// ---- Persistent storage ---------------------------------------------------------------------

// The status is shown on Settings only: its wording loads there.
async function showStorageStatus() {
  if (!document.querySelector("[data-storage-status]")) return;
  const { showStorageStatus: show } = await import("./storage-status.js");
  await show();
}

// Safari clears the storage of sites unused for 7 days unless the app is installed or the
// storage is persistent: ask once there is something worth keeping.
export async function requestPersistentStorage() {
  if (!(navigator.storage && navigator.storage.persist)) return false;
  let persisted = await navigator.storage.persisted();
  if (!persisted) persisted = await navigator.storage.persist();
  localStorage.setItem(PERSIST_KEY, String(persisted));
  await showStorageStatus();
  return persisted;
}

function setUpStorage() {
  const persist = handled("asking for persistent storage", requestPersistentStorage);
  document.addEventListener("minimus:entry-saved", () => persist(), { once: true });
  document.querySelectorAll("[data-storage-persist]").forEach((button) => button.addEventListener("click", () => persist()));
  if (isStandalone()) persist();
  else showStorageStatus().catch(reportError("reading the storage status"));
}

let started = false;

/** Start the installable-app features on this page (once; later calls do nothing). */
export function initPwa() {
  if (started) return;
  started = true;
  banner = document.getElementById("app-banner");
  if (sessionStorage.getItem(DRAFTS_KEY)) {
    import("./update-drafts.js")
      .then(({ restoreDrafts }) => restoreDrafts(DRAFTS_KEY))
      .catch(reportError("restoring what was typed before the update"));
  }
  watchSignOut();
  setUpInstall();
  setUpStorage();
  registerServiceWorker().catch((error) => console.error("Service worker registration failed", error));
}
