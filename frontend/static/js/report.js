// Failures of work nobody waits for (background refreshes, fire-and-forget messages): logged
// for a bug report instead of surfacing as unhandled rejections.

/**
 * @param {string} what What was being done, for the log line.
 * @returns {(error: unknown) => void} A rejection handler.
 */
export function reportError(what) {
  return (error) => console.error(`Minimus: ${what} failed`, error);
}

/**
 * An event handler that may return a promise: a rejection is logged, not left unhandled.
 * @template {unknown[]} A
 * @param {string} what
 * @param {(...args: A) => unknown} handler
 * @returns {(...args: A) => void}
 */
export function handled(what, handler) {
  // Called at once, not in a later microtask: a submit handler must still preventDefault().
  return (...args) => {
    try {
      Promise.resolve(handler(...args)).catch(reportError(what));
    } catch (error) {
      reportError(what)(error);
    }
  };
}
