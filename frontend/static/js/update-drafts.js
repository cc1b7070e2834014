// Unsaved form input survives the reload that applies an update (pwa.js loads this module
// only when the user taps "Update", and on the page after it when drafts were kept).

function fieldsWorthKeeping(form) {
  return [...form.elements].filter(
    (el) => el.name && !["hidden", "password", "submit", "button", "file"].includes(el.type) &&
      el.name !== "csrfmiddlewaretoken",
  );
}

function isChanged(el) {
  if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
  if (el.tagName === "SELECT") return [...el.options].some((o) => o.selected !== o.defaultSelected);
  return el.value !== el.defaultValue;
}

/** @param {string} key The sessionStorage key the drafts are kept under. */
export function saveDrafts(key) {
  const drafts = [];
  document.querySelectorAll("form").forEach((form, formIndex) => {
    for (const el of fieldsWorthKeeping(form)) {
      if (isChanged(el)) drafts.push({ formIndex, name: el.name, value: el.value, checked: el.checked, type: el.type });
    }
  });
  if (drafts.length) sessionStorage.setItem(key, JSON.stringify({ path: location.pathname, drafts }));
}

/** @param {string} key */
export function restoreDrafts(key) {
  const saved = sessionStorage.getItem(key);
  if (!saved) return;
  sessionStorage.removeItem(key);
  const { path, drafts } = JSON.parse(saved);
  if (path !== location.pathname) return;
  const forms = document.querySelectorAll("form");
  for (const draft of drafts) {
    const form = forms[draft.formIndex];
    if (!form) continue;
    for (const el of fieldsWorthKeeping(form)) {
      if (el.name !== draft.name) continue;
      if (draft.type === "checkbox" || draft.type === "radio") {
        if (el.value === draft.value) el.checked = draft.checked;
      } else {
        el.value = draft.value;
      }
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }
}
