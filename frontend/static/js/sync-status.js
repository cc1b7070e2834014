// The quiet sync state in the header (#sync-status, a polite live region): it says only what
// the user needs, and becomes a link when something needs them.

function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many}`;
}

export function firstErrorMessage(errors) {
  if (!errors || typeof errors !== "object") return "the server refused it";
  for (const [field, messages] of Object.entries(errors)) {
    const text = Array.isArray(messages) ? messages[0] : messages;
    if (text) return field === "non_field_errors" || field === "detail" ? String(text) : `${field.replace(/_/g, " ")}: ${text}`;
  }
  return "the server refused it";
}

export function describeSyncStatus(status) {
  const { phase, pending, rejected } = status;
  if (rejected.length) {
    return {
      tone: "warn",
      text: `${plural(rejected.length, "change", "changes")} not saved: ${firstErrorMessage(rejected[0].errors)}`,
      link: { href: "/journal/#history", text: "Fix" },
    };
  }
  if (phase === "auth") {
    const next = encodeURIComponent(location.pathname + location.hash);
    return {
      tone: "warn",
      text: pending ? `${plural(pending, "change", "changes")} not yet synced` : "Not syncing",
      link: { href: `/accounts/login/?next=${next}`, text: "Sign in again" },
    };
  }
  if (phase === "upgrade") return { tone: "warn", text: "Update the app to sync", link: null };
  if (phase === "syncing") return { tone: "", text: "Syncing…", link: null };
  if (pending && phase === "offline") {
    return { tone: "", text: `Saved on this phone · ${plural(pending, "change", "changes")} not yet synced`, link: null };
  }
  if (pending) return { tone: "", text: `${plural(pending, "change", "changes")} not yet synced`, link: null };
  if (phase === "offline") return { tone: "", text: "Offline · all saved", link: null };
  return { tone: "ok", text: status.lastSyncedAt ? "Synced" : "", link: null };
}

export function renderSyncStatus(element, status) {
  const view = describeSyncStatus(status);
  element.dataset.phase = status.phase;
  element.dataset.pending = String(status.pending);
  const text = document.createElement("span");
  text.className = view.tone;
  text.textContent = view.text;
  /** @type {Node[]} */
  const parts = [text];
  if (view.link) {
    const link = document.createElement("a");
    link.href = view.link.href;
    link.textContent = view.link.text;
    link.className = "sync-fix";
    parts.push(document.createTextNode(" "), link);
  }
  // Only touch the live region when the words change, so screen readers hear each state once.
  const signature = view.text + (view.link?.href || "");
  if (element.dataset.signature === signature) return;
  element.dataset.signature = signature;
  element.replaceChildren(...parts);
}
