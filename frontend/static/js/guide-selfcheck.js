// Red-flag self-check (guide): answers stay in the page, nothing is sent or stored.
// The questions and their levels (urgent / today) come from the server-rendered form,
// so the rule lives in one place (guide/selfcheck.py); this module only applies it
// offline, without a round trip. Without JavaScript the form is a plain GET.

const ORDER = ["urgent", "today"];

function resultFor(form) {
  const levels = new Set();
  form.querySelectorAll("fieldset[data-level]").forEach((fieldset) => {
    const yes = fieldset.querySelector('input[type="radio"][value="yes"]');
    if (yes && yes.checked) levels.add(fieldset.dataset.level);
  });
  return ORDER.find((level) => levels.has(level)) || "none";
}

function show(result) {
  const region = document.getElementById("selfcheck-result");
  if (!region) return;
  /** @type {NodeListOf<HTMLElement>} */ (region.querySelectorAll("[data-result]")).forEach((message) => {
    message.hidden = message.dataset.result !== result;
  });
  region.focus();
}

document.querySelectorAll("form[data-selfcheck]").forEach((form) => {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    show(resultFor(form));
  });
});
