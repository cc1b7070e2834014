// The edit dialog for one pain entry or massage. Saving writes only the changed fields; for
// a change the server refused, saving sends the corrected fields and drops the refused one.
import { resolveRejected, saveRecord } from "./db.js";
import { deviceTimeZone, fromLocalInputValue, h, toLocalInputValue, vocabulary } from "./journal-format.js";
import { showFormError } from "./journal-forms.js";
import { showStorageProblem, storageProblemOf } from "./storage-problem.js";
import { handled } from "./report.js";
/** @import { JournalRecord } from "./types.js" */

const SCORES = Array.from({ length: 11 }, (_, value) => [
  String(value),
  `${value}${value === 0 ? " (no pain)" : value === 10 ? " (worst imaginable)" : ""}`,
]);

function choiceField(name, label, options, value) {
  const id = `edit-${name}`;
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    h("select", { id, name }, options.map(([code, text]) => h("option", { value: code, selected: String(value) === code }, text))),
  );
}

function fieldsFor(record) {
  const vocab = vocabulary();
  const when = h(
    "div",
    { class: "field" },
    h("label", { for: "edit-occurred_at" }, "When"),
    h("input", { id: "edit-occurred_at", name: "occurred_at", type: "datetime-local", value: toLocalInputValue(new Date(record.occurred_at)) }),
  );
  const note = h(
    "div",
    { class: "field" },
    h("label", { for: "edit-note" }, "Note"),
    h("textarea", { id: "edit-note", name: "note", maxlength: String(vocab.note_max_length || 2000) }, record.note || ""),
  );
  const sides = Object.entries(vocab.sides).map(([code, label]) => [code, label[0].toUpperCase() + label.slice(1)]);
  if (record.type === "massage_session") {
    return [
      choiceField("portion", "Spot", Object.entries(vocab.portions).map(([code, label]) => [code, label[0].toUpperCase() + label.slice(1)]), record.portion),
      choiceField("side", "Side", sides, record.side),
      choiceField("tool", "Tool", Object.entries(vocab.tools), record.tool),
      h(
        "div",
        { class: "field" },
        h("label", { for: "edit-minutes" }, "Minutes"),
        h("input", { id: "edit-minutes", name: "minutes", type: "number", min: "1", max: "60", inputmode: "numeric", value: String(record.minutes) }),
      ),
      choiceField("pain_before", "Pain before", SCORES, record.pain_before),
      choiceField("pain_after", "Pain after", [["", "Not yet"], ...SCORES], record.pain_after ?? ""),
      when,
      note,
    ];
  }
  return [
    choiceField("zone", "Zone", vocab.zones.map((zone) => [zone.code, zone.label]), record.zone),
    choiceField("side", "Side", sides, record.side),
    choiceField("posture", "Moment", Object.entries(vocab.postures), record.posture),
    choiceField("intensity", "Pain (0 no pain, 10 worst imaginable)", SCORES, record.intensity),
    when,
    note,
  ];
}

const NUMBERS = ["intensity", "minutes", "pain_before", "pain_after"];

function readFields(form, record, initialTime) {
  const fields = {};
  for (const element of form.querySelectorAll("[name]")) {
    const { name, value } = element;
    if (name === "occurred_at") {
      // Untouched time keeps the stored instant (the input has no seconds).
      if (value !== initialTime) {
        fields.occurred_at = fromLocalInputValue(value);
        fields.time_zone = deviceTimeZone();
      }
    } else if (NUMBERS.includes(name)) {
      fields[name] = value === "" ? null : Number(value);
    } else {
      fields[name] = name === "note" ? value.trim() : value;
    }
  }
  return fields;
}

function problems(fields) {
  if ("occurred_at" in fields && !fields.occurred_at) return "Enter a valid time.";
  if ("minutes" in fields && !(Number.isInteger(fields.minutes) && fields.minutes >= 1 && fields.minutes <= 60)) {
    return "Minutes: a whole number from 1 to 60.";
  }
  return "";
}

export function setUpEditor({ db, engine }, onSaved) {
  const dialog = /** @type {HTMLDialogElement} */ (document.querySelector("[data-edit-dialog]"));
  const form = /** @type {HTMLFormElement} */ (dialog.querySelector("[data-edit-form]"));
  const box = form.querySelector("[data-edit-fields]");
  const title = form.querySelector("[data-edit-title]");
  let current = null;

  form.querySelector("[data-edit-cancel]").addEventListener("click", () => dialog.close());
  form.addEventListener("submit", handled("saving the edit", async (event) => {
    event.preventDefault();
    const fields = readFields(form, current.record, current.initialTime);
    const problem = problems(fields);
    if (problem) {
      showFormError(form, problem);
      return;
    }
    try {
      if (current.mutationId !== undefined) {
        await resolveRejected(db, current.mutationId, { fields });
      } else {
        await saveRecord(db, current.record.type, fields, { id: current.record.id });
      }
    } catch (error) {
      // The dialog stays open with the edit in it, and says why it was not saved.
      const storage = storageProblemOf(error);
      showStorageProblem(storage);
      showFormError(form, storage.formMessage);
      return;
    }
    await engine.noteLocalWrite();
    dialog.close();
    onSaved();
  }));

  /**
   * @param {JournalRecord} record
   * @param {{ mutationId?: number, errors?: Record<string, string[]> }} [rejection]
   */
  function open(record, { mutationId, errors } = {}) {
    current = { record, mutationId, initialTime: toLocalInputValue(new Date(record.occurred_at)) };
    title.textContent = record.type === "massage_session" ? "Edit massage" : "Edit pain entry";
    box.replaceChildren(...fieldsFor(record));
    for (const [field, messages] of Object.entries(errors || {})) {
      const input = box.querySelector(`[name="${field}"]`);
      const text = Array.isArray(messages) ? messages.join(" ") : String(messages);
      const message = h("p", { class: "field-error", id: `edit-error-${field}` }, text);
      if (input) {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", message.id);
        input.after(message);
      } else {
        box.prepend(message);
      }
    }
    showFormError(form, errors ? "The server did not accept this change: correct it and save." : "");
    dialog.showModal();
  }

  return { open };
}
