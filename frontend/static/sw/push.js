/* Web Push in the Minimus service worker: show every push, handle taps on it.
 *
 * A classic script: the service worker loads it with importScripts("/static/sw/push.js").
 * Payload (JSON, built by reminders/payloads.py): {title, body, url, tag, kind, actions?, snooze?}.
 * The tag is the occurrence key, so a duplicate push replaces the notification instead of stacking.
 */
(function () {
  "use strict";

  var ICON = "/static/icons/icon.svg";
  var BADGE = "/static/icons/icon.svg";
  var FALLBACK = { title: "Minimus", body: "Open Minimus for your reminder.", url: "/", tag: "minimus" };

  function sameOriginPath(url) {
    // Only ever open our own pages, whatever a payload says.
    try {
      var parsed = new URL(url || "/", self.location.origin);
      return parsed.origin === self.location.origin ? parsed.href : self.location.origin + "/";
    } catch (e) {
      return self.location.origin + "/";
    }
  }

  function readPayload(data) {
    if (!data) return Object.assign({}, FALLBACK);
    try {
      return Object.assign({}, FALLBACK, data.json());
    } catch (e) {
      return Object.assign({}, FALLBACK, { body: data.text() || FALLBACK.body });
    }
  }

  function actionsSupported() {
    var N = self.Notification;
    return Boolean(N && "maxActions" in N && N.maxActions > 0);
  }

  function notificationOptions(payload) {
    var actionUrls = {};
    var actions = (Array.isArray(payload.actions) ? payload.actions : []).map(function (a) {
      if (a.url) actionUrls[a.action] = a.url;
      return { action: String(a.action), title: String(a.title) };
    });
    var options = {
      body: payload.body,
      icon: ICON,
      badge: BADGE,
      tag: payload.tag,
      lang: "en",
      timestamp: Date.now(),
      data: { url: payload.url, kind: payload.kind || "", actionUrls: actionUrls, snooze: payload.snooze || "" },
    };
    if (actions.length && actionsSupported()) options.actions = actions;
    return options;
  }

  function showPushNotification(payload) {
    // Always show something: Safari revokes subscriptions whose pushes show no notification.
    return self.registration.showNotification(payload.title || FALLBACK.title, notificationOptions(payload));
  }

  function openOrFocus(url) {
    var target = sameOriginPath(url);
    return self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
      var exact = windows.find(function (w) { return w.url === target; });
      if (exact) return exact.focus().catch(function () { return exact; });
      // Reuse the open app window (one-window PWA on a phone) rather than stacking windows.
      var ours = windows.find(function (w) { return "navigate" in w; });
      if (ours) {
        return ours.navigate(target).then(function (w) {
          if (!w) return self.clients.openWindow(target);
          return w.focus().catch(function () { return w; });
        }).catch(function () { return self.clients.openWindow(target); });
      }
      return self.clients.openWindow(target);
    });
  }

  function snooze(data) {
    // The service worker cannot read the CSRF cookie: the signed token in the payload authenticates.
    return fetch("/api/reminders/snooze", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ token: data.snooze, minutes: 30 }),
    }).then(function (response) {
      if (!response.ok) throw new Error("snooze failed: " + response.status);
    }).catch(function () {
      // Could not snooze (offline, expired token): open the app so nothing is silently lost.
      return openOrFocus(data.url);
    });
  }

  function handleNotificationClick(notification, action) {
    var data = notification.data || {};
    notification.close();
    if (action === "snooze" && data.snooze) return snooze(data);
    var url = (action && data.actionUrls && data.actionUrls[action]) || data.url || "/";
    return openOrFocus(url);
  }

  self.addEventListener("push", function (event) {
    event.waitUntil(showPushNotification(readPayload(event.data)));
  });

  self.addEventListener("notificationclick", function (event) {
    event.waitUntil(handleNotificationClick(event.notification, event.action));
  });

  // Exposed for other service worker code (and tests that cannot click a system notification).
  self.minimusPush = {
    readPayload: readPayload,
    notificationOptions: notificationOptions,
    showPushNotification: showPushNotification,
    handleNotificationClick: handleNotificationClick,
  };
})();
