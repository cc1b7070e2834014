// What kind of device and display the app runs on.

/**
 * iPhone, iPod or iPad. iPadOS 13+ Safari asks for desktop pages and reports itself as a
 * Mac ("Macintosh", platform "MacIntel"); only its touch points tell it apart from a Mac.
 * @returns {boolean}
 */
export function isIOS() {
  const ua = navigator.userAgent;
  if (/iPad|iPhone|iPod/.test(ua)) return true;
  return /Macintosh/.test(ua) && navigator.maxTouchPoints > 1;
}

/**
 * Opened from the home screen as an installed app (iOS Safari says so with navigator.standalone).
 * @returns {boolean}
 */
export function isStandalone() {
  const iosStandalone = /** @type {Navigator & { standalone?: boolean }} */ (navigator).standalone;
  return window.matchMedia("(display-mode: standalone)").matches || iosStandalone === true;
}
