// Test-only service worker: the push handlers as shipped, plus a way to "tap" a notification.
// Headless Chromium has no notification to click, so the test asks (postMessage) for the same
// click handler the notificationclick event runs, with the notification getNotifications() returns.
importScripts("/static/sw/push.js");

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
self.addEventListener("message", (event) => {
  if (!event.data || event.data.type !== "test-notification-click") return;
  event.waitUntil(
    self.registration.getNotifications({ tag: event.data.tag }).then((found) =>
      self.minimusPush.handleNotificationClick(found[0], event.data.action || ""),
    ),
  );
});
