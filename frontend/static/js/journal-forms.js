// Form pieces shared by the log, massage and edit forms.
import { fromLocalInputValue, toLocalInputValue } from "./journal-format.js";

// "Time: now" until the user opens the time field and changes it.
export function setUpTimeField(form) {
  const input = form.querySelector("[data-time-input]");
  const summary = form.querySelector("[data-time-summary]");
  const reset = () => {
    input.value = toLocalInputValue(new Date());
    input.dataset.touched = "";
    summary.textContent = "now";
  };
  input.addEventListener("input", () => {
    input.dataset.touched = "true";
    summary.textContent = input.value ? input.value.replace("T", " ") : "now";
  });
  // An optional value can always be undone: back to "now".
  form.querySelector("[data-time-now]")?.addEventListener("click", reset);
  reset();
  return {
    reset,
    // The moment to store: now, unless the user picked another time.
    occurredAt() {
      if (!input.dataset.touched) return new Date().toISOString();
      return fromLocalInputValue(input.value);
    },
  };
}

export function showFormError(form, message) {
  const error = form.querySelector("[data-form-error]");
  error.textContent = message;
  error.hidden = !message;
}

