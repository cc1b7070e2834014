// push and notificationclick handlers: reminders app.
// Loaded by the service worker with importScripts() (a classic script, not a module);
// this placeholder registers nothing.
