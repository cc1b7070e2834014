/* Web Push in the Minimus service worker: show every push, act on the taps.
 *
 * A module the (module) service worker imports. Payload (JSON, built by reminders/payloads.py):
 * {title, body, url, tag, kind, user, actions?, snooze?, web_push?, notification?}; the last two
 * are Safari's declarative fields, which this handler does not need. The tag is the occurrence
 * key, so a duplicate push replaces the notification instead of stacking.
 *
 * Actions that log (check-in "Same as last time", massage "Done") write into the user's journal
 * database through ../js/db.js, the page's own store, in one transaction with the outbox
 * entry, offline too; the record id is made from the notification's tag, so an action that
 * runs twice logs once. Background Sync then sends the outbox (outbox-sync.js). Where the
 * browser shows no action buttons, a tap opens the matching form, pre-filled.
 */
import { createRecordsOnce, getMeta, nameBasedId, openJournalDb, repeatedPainFields, setMeta } from "../js/db.js";
import { announceChange, requestOutboxSync } from "./outbox-sync.js";

// The worker's global scope, typed as what it is (the WebWorker library types `self` generically).
const sw = /** @type {ServiceWorkerGlobalScope & typeof globalThis} */ (/** @type {unknown} */ (self));

/**
 * @typedef {{ action: string, title: string, url?: string }} PushAction
 * @typedef {{ title: string, body: string, url: string, tag: string, kind?: string, user?: string,
 *   actions?: PushAction[], snooze?: string }} PushPayload
 * @typedef {{ url: string, kind: string, user: string, actionUrls: Record<string, string>, snooze: string,
 *   logged?: boolean }} NotificationData
 * @typedef {{ places: { zone: string, side: string }[], posture: string, intensity: number }} LastPain
 * @typedef {{ portion: string, side: string, tool: string, minutes: number }} LastMassage
 * @typedef {{ token: string, tapped_at: number }} PendingSnooze
 */

const ICON = "/static/icons/icon.svg";
const BADGE = "/static/icons/icon.svg";
const FALLBACK = { title: "Minimus", body: "Open Minimus for your reminder.", url: "/", tag: "minimus" };
const HISTORY_URL = "/journal/#history";
const HOME_URL = "/";
// Words for the confirmation; the page has the full vocabulary, the worker only needs these.
const PORTIONS = /** @type {Record<string, string>} */ ({ anterior: "front", posterior: "rear" });

/** @param {string | undefined} url */
function sameOriginPath(url) {
  // Only ever open our own pages, whatever a payload says.
  try {
    const parsed = new URL(url || "/", sw.location.origin);
    return parsed.origin === sw.location.origin ? parsed.href : sw.location.origin + "/";
  } catch {
    return sw.location.origin + "/";
  }
}

/**
 * @param {PushMessageData | null} data
 * @returns {PushPayload}
 */
function readPayload(data) {
  if (!data) return { ...FALLBACK };
  try {
    return { ...FALLBACK, ...data.json() };
  } catch {
    return { ...FALLBACK, body: data.text() || FALLBACK.body };
  }
}

const REMEMBERED_WAIT_MS = 2000;
const SNOOZE_MINUTES = 30;
// The server's shortest snooze (reminders/serializers.py SnoozeSerializer).
const MIN_SNOOZE_MINUTES = 5;
const PENDING_SNOOZES = "pending_snoozes";
export const SNOOZE_SYNC_PREFIX = "minimus-snooze:";

function actionsSupported() {
  const N = /** @type {{ maxActions?: number } | undefined} */ (sw.Notification);
  return Boolean(N && "maxActions" in N && Number(N.maxActions) > 0);
}

/**
 * What this device's journal remembers of the last entries ("same as last time" in the app).
 * @param {string | undefined} userId
 * @returns {Promise<{ lastPain?: LastPain, lastMassage?: LastMassage }>}
 */
async function rememberedLast(userId) {
  if (!userId) return {};
  let db;
  try {
    db = await openJournalDb(userId);
    return { lastPain: await getMeta(db, "last_pain"), lastMassage: await getMeta(db, "last_massage") };
  } catch {
    return {};
  } finally {
    db?.close();
  }
}

/**
 * The buttons as this device can honour them: "Same as last time" names the level it repeats
 * (the platform has no way to pick one in a notification), and an action that has nothing to
 * repeat becomes the pre-filled form instead.
 * @param {PushPayload} payload
 * @param {{ lastPain?: LastPain, lastMassage?: LastMassage }} last
 * @returns {PushAction[]}
 */
function honestActions(payload, last) {
  const actions = Array.isArray(payload.actions) ? payload.actions : [];
  return actions.map((action) => {
    if (action.action === "same-as-last") {
      if (!last.lastPain?.places?.length) return { action: "log-pain", title: "Log pain", url: action.url };
      return { ...action, title: `Same as last (${last.lastPain.intensity}/10)` };
    }
    if (action.action === "massage-done" && !(last.lastMassage && typeof last.lastPain?.intensity === "number")) {
      return { action: "log-massage", title: "Log massage", url: action.url };
    }
    return action;
  });
}

/**
 * @param {PushPayload} payload
 * @param {PushAction[]} [actions]
 * @returns {NotificationOptions & { actions?: { action: string, title: string }[], timestamp: number }}
 */
function notificationOptions(payload, actions = payload.actions || []) {
  /** @type {Record<string, string>} */
  const actionUrls = {};
  const shown = actions.map((a) => {
    if (a.url) actionUrls[a.action] = a.url;
    return { action: String(a.action), title: String(a.title) };
  });
  /** @type {ReturnType<typeof notificationOptions>} */
  const options = {
    // Safari runs this handler for a declarative ("mutable") push only if what it shows has a
    // page to open; other browsers ignore the option.
    ...{ navigate: sameOriginPath(payload.url) },
    body: payload.body,
    icon: ICON,
    badge: BADGE,
    tag: payload.tag,
    lang: "en",
    timestamp: Date.now(),
    data: {
      url: payload.url,
      kind: payload.kind || "",
      user: payload.user || "",
      actionUrls,
      snooze: payload.snooze || "",
    },
  };
  if (shown.length && actionsSupported()) options.actions = shown;
  return options;
}

/** @param {PushPayload} payload */
async function showPushNotification(payload) {
  // Always show something: Safari revokes subscriptions whose pushes show no notification.
  let actions = payload.actions || [];
  if (payload.kind === "pain_check_in" || payload.kind === "massage") {
    // A journal that is slow to open (another tab mid-upgrade, a busy phone) must not hold the
    // notification back: past the wait it shows with the buttons that need no memory.
    const remembered = await Promise.race([
      rememberedLast(payload.user),
      new Promise((resolve) => setTimeout(() => resolve({}), REMEMBERED_WAIT_MS)),
    ]);
    actions = honestActions(payload, remembered);
  }
  return sw.registration.showNotification(payload.title || FALLBACK.title, notificationOptions(payload, actions));
}

/**
 * @param {string | undefined} url
 * @returns {Promise<WindowClient | null>}
 */
async function openOrFocus(url) {
  const target = sameOriginPath(url);
  const windows = await sw.clients.matchAll({ type: "window", includeUncontrolled: true });
  const exact = windows.find((w) => w.url === target);
  if (exact) return exact.focus().catch(() => exact);
  // Reuse the open app window (one-window PWA on a phone) rather than stacking windows.
  const ours = windows.find((w) => "navigate" in w);
  if (ours) {
    try {
      const navigated = await ours.navigate(target);
      if (!navigated) return sw.clients.openWindow(target);
      return navigated.focus().catch(() => navigated);
    } catch {
      return sw.clients.openWindow(target);
    }
  }
  return sw.clients.openWindow(target);
}

/**
 * A notice from the worker itself (not a reminder): no buttons, a tap opens ``url``.
 * @param {{ tag: string, title: string, body: string, url: string, kind: string, silent?: boolean }} notice
 */
function showNotice({ tag, title, body, url, kind, silent = true }) {
  return sw.registration.showNotification(title, {
    body,
    icon: ICON,
    badge: BADGE,
    tag,
    lang: "en",
    silent,
    data: { url, kind, user: "", actionUrls: {}, snooze: "", logged: kind === "logged" },
  });
}

/**
 * @param {string} token
 * @param {number} minutes
 * @returns {Promise<Response>} rejects when the request never reached the server (offline)
 */
function postSnooze(token, minutes) {
  // The service worker cannot read the CSRF cookie: the signed token in the payload authenticates.
  return fetch("/api/reminders/snooze", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ token, minutes }),
  });
}

/**
 * Offline, with Background Sync: keep the snooze in this user's journal database (wiped with
 * it on sign-out or deletion) and send it when the connection is back.
 * @param {NotificationData} data
 * @param {string} tag
 * @returns {Promise<boolean>} false: this browser cannot send it later (open the app instead).
 */
async function snoozeWhenOnline(data, tag) {
  const registration = /** @type {ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } }} */ (sw.registration);
  if (!data.user || !registration.sync) return false;
  const db = await openJournalDb(data.user);
  try {
    /** @type {PendingSnooze[]} */
    const pending = (await getMeta(db, PENDING_SNOOZES)) || [];
    if (pending.some((item) => item.token === data.snooze)) return true; // tapped twice
    // Kept before the sync is asked for, so the sync always finds it.
    await setMeta(db, PENDING_SNOOZES, [...pending, { token: data.snooze, tapped_at: Date.now() }]);
    try {
      await registration.sync.register(SNOOZE_SYNC_PREFIX + data.user);
    } catch {
      // Background Sync turned off for this site: nothing would send it, so keep nothing.
      await setMeta(db, PENDING_SNOOZES, pending);
      return false;
    }
  } finally {
    db.close();
  }
  await showNotice({
    tag,
    title: "Snooze waiting for a connection",
    body: `You're offline. The snooze is sent when the connection is back: the reminder comes ${SNOOZE_MINUTES} minutes after your tap, or ${MIN_SNOOZE_MINUTES} minutes after the connection returns if that is later.`,
    url: HOME_URL,
    kind: "snooze-waiting",
  });
  return true;
}

/**
 * @param {NotificationData} data
 * @param {string} tag
 */
async function snooze(data, tag) {
  try {
    const response = await postSnooze(data.snooze, SNOOZE_MINUTES);
    if (response.ok) return;
  } catch {
    if (await snoozeWhenOnline(data, tag).catch(() => false)) return;
  }
  // Could not snooze (expired or used token, no way to send it later): open the app, so the
  // reminder is not silently lost.
  await openOrFocus(data.url);
}

/**
 * Send the snoozes kept while offline, each timed from its tap (never under the server's
 * minimum). Rejects while the server cannot be reached, so the browser tries again later.
 * @param {string} userId
 */
async function sendPendingSnoozes(userId) {
  const db = await openJournalDb(userId);
  try {
    /** @type {PendingSnooze[]} */
    const pending = (await getMeta(db, PENDING_SNOOZES)) || [];
    /** @type {PendingSnooze[]} */
    const left = [];
    /** @type {string[]} */
    const refusals = [];
    for (const item of pending) {
      const elapsed = (Date.now() - item.tapped_at) / 60000;
      const minutes = Math.max(MIN_SNOOZE_MINUTES, Math.ceil(SNOOZE_MINUTES - elapsed));
      /** @type {Response | null} */
      let response = null;
      try {
        response = await postSnooze(item.token, minutes);
      } catch {
        response = null;
      }
      if (!response || response.status >= 500 || response.status === 429) left.push(item);
      else if (response.status === 409) {
        // Snoozed already (an earlier try got through unanswered) or as often as allowed.
        const answer = await response.json().catch(() => ({}));
        refusals.push(String(answer.detail || "This reminder cannot be snoozed again."));
      } else if (!response.ok) refusals.push("Its link has expired: open Minimus to set a reminder.");
    }
    await setMeta(db, PENDING_SNOOZES, left);
    if (refusals.length) {
      await showNotice({
        tag: "minimus-snooze-refused",
        title: "About your snooze",
        body: [...new Set(refusals)].join(" "),
        url: HOME_URL,
        kind: "snooze-refused",
        silent: false, // the snooze the user counted on did not happen
      });
    }
    if (left.length) throw new Error(`${left.length} snooze(s) still waiting for the server`);
  } finally {
    db.close();
  }
}

function deviceTimeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/**
 * Replaces the reminder (same tag) with what was logged, so the user sees it and can change it.
 * @param {string} tag
 * @param {string} title
 * @param {string} body
 * @param {string} url
 */
function confirmLogged(tag, title, body, url) {
  return showNotice({ tag, title, body, url, kind: "logged" });
}

/**
 * "Same as last time": the last entry's places and moment at its level, now.
 * @param {string} tag
 * @param {string} userId
 * @returns {Promise<boolean>} false: nothing to repeat on this device (open the form instead).
 */
async function logSameAsLast(tag, userId) {
  const db = await openJournalDb(userId);
  try {
    /** @type {LastPain | undefined} */
    const last = await getMeta(db, "last_pain");
    if (!last?.places?.length || !last.posture || typeof last.intensity !== "number") return false;
    const occurredAt = new Date().toISOString();
    const items = await Promise.all(
      last.places.map(async (place, index) => ({
        type: /** @type {"pain_entry"} */ ("pain_entry"),
        id: await nameBasedId(`${userId}|${tag}|same-as-last|${index}`),
        fields: repeatedPainFields(last, place, occurredAt, deviceTimeZone()),
      })),
    );
    // A second run finds the records already there: the same confirmation, nothing new stored.
    await createRecordsOnce(db, items, { last_pain: { ...last, note: "" } });
    const places = last.places.length === 1 ? "1 place" : `${last.places.length} places`;
    await confirmLogged(
      tag,
      `Saved: pain ${last.intensity}/10, as last time`,
      `Same ${places} and moment as your last entry, at its level. Tap to change it.`,
      HISTORY_URL,
    );
    return true;
  } finally {
    db.close();
  }
}

/**
 * "Done" on a massage reminder: a session on the last massage's spot, side, tool and minutes.
 * Pain before is the last logged level (said so); pain after is asked on the next open.
 * @param {string} tag
 * @param {string} userId
 * @returns {Promise<boolean>} false: no earlier massage to repeat (open the form instead).
 */
async function logMassageDone(tag, userId) {
  const db = await openJournalDb(userId);
  try {
    /** @type {LastMassage | undefined} */
    const massage = await getMeta(db, "last_massage");
    /** @type {LastPain | undefined} */
    const lastPain = await getMeta(db, "last_pain");
    if (!massage?.portion || typeof lastPain?.intensity !== "number") return false;
    const fields = {
      occurred_at: new Date().toISOString(),
      time_zone: deviceTimeZone(),
      portion: massage.portion,
      side: massage.side,
      tool: massage.tool,
      minutes: massage.minutes,
      pain_before: lastPain.intensity,
      pain_after: null,
      note: "",
    };
    const id = await nameBasedId(`${userId}|${tag}|massage-done`);
    await createRecordsOnce(db, [{ type: "massage_session", id, fields }]);
    const spot = `${massage.side} ${PORTIONS[massage.portion] || massage.portion} spot`;
    await confirmLogged(
      tag,
      `Massage saved: ${massage.minutes} min, ${spot}`,
      `Pain before set to your last level, ${lastPain.intensity}/10. Tap to say how it is now.`,
      HOME_URL,
    );
    return true;
  } finally {
    db.close();
  }
}

/**
 * @param {Notification} notification
 * @param {string} action
 */
async function handleNotificationClick(notification, action) {
  /** @type {Partial<NotificationData>} */
  const data = notification.data || {};
  const url = (action && data.actionUrls && data.actionUrls[action]) || data.url || "/";
  if (action === "snooze" && data.snooze) {
    notification.close();
    return snooze(/** @type {NotificationData} */ (data), notification.tag);
  }
  const log = action === "same-as-last" ? logSameAsLast : action === "massage-done" ? logMassageDone : null;
  if (log && data.user && notification.tag) {
    let logged = false;
    try {
      logged = await log(notification.tag, data.user);
    } catch (error) {
      console.error("Minimus: logging from the notification failed", error);
    }
    if (logged) {
      announceChange(data.user);
      await requestOutboxSync(data.user);
      return undefined;
    }
  }
  notification.close();
  return openOrFocus(url);
}

sw.addEventListener("push", (event) => {
  event.waitUntil(showPushNotification(readPayload(event.data)));
});

sw.addEventListener("sync", (event) => {
  const syncEvent = /** @type {ExtendableEvent & { tag: string }} */ (event);
  if (!syncEvent.tag.startsWith(SNOOZE_SYNC_PREFIX)) return;
  syncEvent.waitUntil(sendPendingSnoozes(syncEvent.tag.slice(SNOOZE_SYNC_PREFIX.length)));
});

sw.addEventListener("notificationclick", (event) => {
  event.waitUntil(handleNotificationClick(event.notification, event.action));
});

// Exposed for other service worker code (and tests that cannot click a system notification).
sw.minimusPush = {
  readPayload,
  notificationOptions,
  showPushNotification,
  handleNotificationClick,
  sendPendingSnoozes,
};
