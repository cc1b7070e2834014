// Passkeys (WebAuthn): sign up, sign in and add a passkey in Settings.
// The server makes the options and checks the answers (accounts/passkeys.py); this module
// only turns base64url strings into bytes for navigator.credentials and back.
import { apiFetch } from "./http.js";

/**
 * @param {string} text base64url, with or without padding
 * @returns {ArrayBuffer}
 */
export function base64urlToBuffer(text) {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

/**
 * @param {ArrayBuffer | ArrayBufferView | null} buffer
 * @returns {string} base64url without padding ("" for null)
 */
export function bufferToBase64url(buffer) {
  if (!buffer) return "";
  const bytes = buffer instanceof ArrayBuffer ? new Uint8Array(buffer) : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** @returns {boolean} */
export function passkeysSupported() {
  return typeof window.PublicKeyCredential === "function" && !!navigator.credentials;
}

/**
 * Options JSON from the server → the object navigator.credentials.create() takes.
 * @param {any} options
 * @returns {PublicKeyCredentialCreationOptions}
 */
export function creationOptions(options) {
  return {
    ...options,
    challenge: base64urlToBuffer(options.challenge),
    user: { ...options.user, id: base64urlToBuffer(options.user.id) },
    excludeCredentials: (options.excludeCredentials || []).map((/** @type {any} */ c) => ({ ...c, id: base64urlToBuffer(c.id) })),
  };
}

/**
 * Options JSON from the server → the object navigator.credentials.get() takes.
 * @param {any} options
 * @returns {PublicKeyCredentialRequestOptions}
 */
export function requestOptions(options) {
  return {
    ...options,
    challenge: base64urlToBuffer(options.challenge),
    allowCredentials: (options.allowCredentials || []).map((/** @type {any} */ c) => ({ ...c, id: base64urlToBuffer(c.id) })),
  };
}

/**
 * A credential as the JSON py_webauthn reads (the WebAuthn "toJSON" shape).
 * @param {PublicKeyCredential} credential
 * @returns {Record<string, any>}
 */
export function credentialToJSON(credential) {
  const response = /** @type {any} */ (credential.response);
  /** @type {Record<string, any>} */
  const json = {
    id: credential.id,
    rawId: bufferToBase64url(credential.rawId),
    type: credential.type,
    clientExtensionResults: credential.getClientExtensionResults?.() || {},
    authenticatorAttachment: credential.authenticatorAttachment || undefined,
    response: { clientDataJSON: bufferToBase64url(response.clientDataJSON) },
  };
  if (response.attestationObject) {
    json.response.attestationObject = bufferToBase64url(response.attestationObject);
    json.response.transports = response.getTransports?.() || [];
  } else {
    json.response.authenticatorData = bufferToBase64url(response.authenticatorData);
    json.response.signature = bufferToBase64url(response.signature);
    json.response.userHandle = response.userHandle ? bufferToBase64url(response.userHandle) : undefined;
  }
  return json;
}

/**
 * What went wrong in the browser, in words a person can act on.
 * @param {unknown} error
 * @returns {string}
 */
export function browserErrorMessage(error) {
  const name = error instanceof DOMException ? error.name : "";
  if (name === "NotAllowedError" || name === "AbortError")
    return "The passkey request was cancelled or timed out. Nothing changed: try again, or use your password.";
  if (name === "InvalidStateError") return "This device already holds a passkey for this account.";
  if (name === "SecurityError") return "Passkeys work only on this app's own secure address (https, or localhost).";
  if (name === "NotSupportedError") return "This device has no kind of passkey this app accepts.";
  return "The passkey could not be used on this device. Your password still works.";
}

/**
 * Server field errors ({"field": ["message"]}) as one sentence.
 * @param {any} data
 * @returns {string}
 */
export function serverErrorMessage(data) {
  if (!data || typeof data !== "object") return "The server could not check the passkey. Try again in a moment.";
  const messages = Object.values(data).flat().filter((m) => typeof m === "string");
  return messages.join(" ") || "The server could not check the passkey. Try again in a moment.";
}

class CeremonyFailed extends Error {}

/**
 * Ask the server for options, run the browser ceremony, send the answer back.
 * @param {{optionsUrl: string, verifyUrl: string, optionsBody?: object, extra?: object, create: boolean}} ceremony
 * @returns {Promise<any>} the server's answer to the verification
 */
export async function runCeremony({ optionsUrl, verifyUrl, optionsBody = {}, extra = {}, create }) {
  const options = await apiFetch(optionsUrl, { method: "POST", body: optionsBody });
  if (!options.ok) throw new CeremonyFailed(serverErrorMessage(options.data));
  let credential;
  try {
    credential = create
      ? await navigator.credentials.create({ publicKey: creationOptions(options.data) })
      : await navigator.credentials.get({ publicKey: requestOptions(options.data) });
  } catch (error) {
    throw new CeremonyFailed(browserErrorMessage(error));
  }
  if (!credential) throw new CeremonyFailed(browserErrorMessage(null));
  const answer = await apiFetch(verifyUrl, {
    method: "POST",
    body: { ...extra, credential: credentialToJSON(/** @type {PublicKeyCredential} */ (credential)) },
  });
  if (!answer.ok) throw new CeremonyFailed(serverErrorMessage(answer.data));
  return answer.data;
}

/**
 * @param {HTMLElement | null} target
 * @param {string} text
 */
function showError(target, text) {
  if (!target) return;
  target.textContent = text;
  target.hidden = !text;
}

/**
 * Wire a button or form: run the ceremony on click/submit, show why it failed.
 * @param {HTMLElement} trigger
 * @param {HTMLElement | null} errorBox
 * @param {() => Parameters<typeof runCeremony>[0]} describe
 * @param {(data: any) => void} done
 */
function wire(trigger, errorBox, describe, done) {
  const button = trigger instanceof HTMLButtonElement ? trigger : trigger.querySelector("button");
  const run = async (/** @type {Event} */ event) => {
    event.preventDefault();
    showError(errorBox, "");
    if (button) button.disabled = true;
    try {
      done(await runCeremony(describe()));
    } catch (error) {
      showError(errorBox, error instanceof CeremonyFailed ? error.message : "Could not reach the server. Check your connection; your password still works.");
    } finally {
      if (button) button.disabled = false;
    }
  };
  trigger.addEventListener(trigger instanceof HTMLFormElement ? "submit" : "click", (event) => void run(event));
}

/** @param {string} selector */
function field(selector) {
  const input = /** @type {HTMLInputElement | null} */ (document.querySelector(selector));
  return input ? input.value : "";
}

function init() {
  const unsupported = /** @type {HTMLElement | null} */ (document.querySelector("[data-passkey-unsupported]"));
  const triggers = document.querySelectorAll("[data-passkey-add], [data-passkey-login], [data-passkey-signup]");
  if (!passkeysSupported()) {
    triggers.forEach((el) => ((/** @type {HTMLElement} */ (el)).hidden = true));
    if (unsupported && triggers.length) unsupported.hidden = false;
    return;
  }
  const errorBox = /** @type {HTMLElement | null} */ (document.querySelector("[data-passkey-error]"));
  const add = /** @type {HTMLFormElement | null} */ (document.querySelector("[data-passkey-add]"));
  if (add) {
    wire(add, errorBox, () => ({
      optionsUrl: "/accounts/passkeys/register/options/",
      verifyUrl: "/accounts/passkeys/register/verify/",
      extra: { name: field("#passkey-new-name") },
      create: true,
    }), () => location.reload()); // the new passkey and its message come with the page
  }
  const signIn = /** @type {HTMLElement | null} */ (document.querySelector("[data-passkey-login]"));
  if (signIn) {
    const next = new URLSearchParams(location.search).get("next") || "";
    wire(signIn, errorBox, () => ({
      optionsUrl: "/accounts/passkeys/login/options/",
      verifyUrl: `/accounts/passkeys/login/verify/${next ? `?next=${encodeURIComponent(next)}` : ""}`,
      create: false,
    }), (data) => location.assign(data.redirect || "/"));
  }
  const signUp = /** @type {HTMLElement | null} */ (document.querySelector("[data-passkey-signup]"));
  if (signUp) {
    wire(signUp, errorBox, () => ({
      optionsUrl: "/accounts/passkeys/signup/options/",
      verifyUrl: "/accounts/passkeys/signup/verify/",
      optionsBody: { username: field("#id_username"), email: field("#id_email"), time_zone: field('input[name="time_zone"]') },
      extra: { name: "Passkey made at sign-up" },
      create: true,
    }), (data) => location.assign(data.redirect || "/"));
  }
}

init();
