// Same-origin JSON requests with Django's CSRF token.

/** @returns {string} Django's CSRF token from its cookie, or "" without one. */
export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

// The signed account marker of this page: if the account has been deleted, a refused request
// says so ({"code": "account_deleted"}) and the journal wipes itself from this device.
/** @returns {Record<string, string>} */
function accountMarkerHeader() {
  const marker = document.body?.dataset.accountMarker;
  return marker ? { "X-Minimus-Account": marker } : {};
}

/**
 * @typedef {object} ApiFetchOptions
 * @property {string} [method]
 * @property {unknown} [body] Sent as JSON.
 * @property {Record<string, string>} [headers]
 * @property {AbortSignal} [signal]
 */

/**
 * @typedef {object} ApiResult
 * @property {boolean} ok
 * @property {number} status
 * @property {any} data The JSON body, or null when the answer is not JSON.
 * @property {Response} response
 */

/**
 * @param {string} url
 * @param {ApiFetchOptions} [options]
 * @returns {Promise<ApiResult>}
 */
export async function apiFetch(url, { method = "GET", body, headers = {}, signal } = {}) {
  /** @type {Record<string, string>} */
  const allHeaders = { Accept: "application/json", ...accountMarkerHeader(), ...headers };
  /** @type {RequestInit} */
  const init = { method, credentials: "same-origin", headers: allHeaders, signal };
  if (body !== undefined) {
    allHeaders["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (method !== "GET" && method !== "HEAD") allHeaders["X-CSRFToken"] = csrfToken();
  const response = await fetch(url, init);
  let data = null;
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("json")) data = await response.json();
  return { ok: response.ok, status: response.status, data, response };
}
