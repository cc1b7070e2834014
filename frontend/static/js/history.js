// History: entries grouped by local day (each entry's own time zone), newest first, with
// filters by zone and moment, edit, delete with undo, and "not saved: why" with a fix.
import { allRecords, deleteRecord, getRecord, resolveRejected, saveRecord } from "./db.js";
import {
  describeRecord,
  dayHeading,
  h,
  localDayKey,
  placeLabel,
  timeLabel,
  vocabulary,
} from "./journal-format.js";
import { firstErrorMessage } from "./sync-status.js";
import { setUpEditor } from "./entry-editor.js";
import { askPainAfter } from "./after-prompt.js";
import { handled } from "./report.js";

const UNDO_MS = 10000;
const SERVER_ONLY = ["id", "type", "version", "deleted", "updated_at", "local_date"];

export function recordFields(record) {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !SERVER_ONLY.includes(key)));
}

function shortName(record) {
  return record.type === "massage_session" ? `massage at ${timeLabel(record.occurred_at, record.time_zone)}` : `${placeLabel(record.zone, record.side)} at ${timeLabel(record.occurred_at, record.time_zone)}`;
}

function fillFilters() {
  const vocab = vocabulary();
  const zone = document.querySelector('[data-filter="zone"]');
  for (const item of vocab.zones) zone.append(h("option", { value: item.code }, item.label));
  const posture = document.querySelector('[data-filter="posture"]');
  for (const [code, label] of Object.entries(vocab.postures)) posture.append(h("option", { value: code }, label));
}

function groupByDay(records) {
  const days = new Map();
  for (const record of records) {
    const key = localDayKey(record.occurred_at, record.time_zone);
    if (!days.has(key)) days.set(key, []);
    days.get(key).push(record);
  }
  // Newest day first; within a day, newest first (records come sorted by instant).
  return [...days.entries()].sort((a, b) => (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0));
}

export function setUpHistory(journal) {
  const { db, engine } = journal;
  const list = document.querySelector("[data-history-list]");
  const rejectedBox = document.querySelector("[data-rejected-list]");
  const toast = /** @type {HTMLElement} */ (document.querySelector("[data-toast]"));
  const filters = [.../** @type {NodeListOf<HTMLSelectElement>} */ (document.querySelectorAll("[data-filter]"))];
  fillFilters();
  const editor = setUpEditor(journal, () => render());
  let toastTimer = null;

  function showToast(text, action) {
    clearTimeout(toastTimer);
    toast.replaceChildren(h("span", {}, text));
    if (action) {
      toast.append(
        h("button", { type: "button", class: "button", onclick: async () => { toast.hidden = true; await action.run(); } }, action.label),
      );
    }
    toast.hidden = false;
    toastTimer = setTimeout(() => { toast.hidden = true; }, UNDO_MS);
  }

  async function remove(record) {
    await deleteRecord(db, record.id);
    await engine.noteLocalWrite();
    // A delete is final on the server, so undo brings the entry back as a new record.
    showToast(`Deleted: ${shortName(record)}.`, {
      label: "Undo",
      run: async () => {
        await saveRecord(db, record.type, recordFields(record));
        await engine.noteLocalWrite();
        showToast("Entry restored.");
      },
    });
  }

  function entryItem(record, pendingIds) {
    const when = timeLabel(record.occurred_at, record.time_zone);
    const name = shortName(record);
    const score = record.type === "massage_session" ? null : h("span", { class: "badge" }, `${record.intensity}/10`);
    const item = h(
      "li",
      { class: "entry", "data-record-id": record.id },
      h("div", { class: "entry-main" }, h("span", { class: "entry-time" }, when), " ", h("span", { class: "entry-what" }, describeRecord(record, { withScore: false })), " ", score),
      record.note ? h("p", { class: "entry-note" }, record.note) : null,
      pendingIds.has(record.id) ? h("p", { class: "entry-sync" }, "Saved on this phone, not yet synced") : null,
      h(
        "div",
        { class: "entry-actions" },
        h("button", { type: "button", "data-action": `edit-${record.id}`, "aria-label": `Edit ${name}`, onclick: () => editor.open(record) }, "Edit"),
        h("button", { type: "button", class: "danger", "data-action": `delete-${record.id}`, "aria-label": `Delete ${name}`, onclick: () => remove(record) }, "Delete"),
      ),
    );
    if (record.type === "massage_session" && record.pain_after === null) {
      const add = h("button", {
        type: "button",
        "data-action": `after-${record.id}`,
        "aria-label": `Add pain after for the ${name}`,
        onclick: () => add.replaceWith(askPainAfter(record, journal)),
      }, "Pain after");
      item.querySelector(".entry-actions").prepend(add);
    }
    return item;
  }

  async function renderRejected(rejected) {
    if (!rejected.length) {
      rejectedBox.replaceChildren();
      return;
    }
    const items = [];
    for (const item of rejected) {
      const record = await getRecord(db, item.record_id);
      const what = record ? describeRecord(record) : "A deleted entry";
      items.push(
        h(
          "li",
          {},
          h("p", {}, h("strong", {}, "Not saved: "), `${what}. ${firstErrorMessage(item.errors)}`),
          h(
            "div",
            { class: "entry-actions" },
            record
              ? h("button", { type: "button", class: "primary", "aria-label": `Fix ${shortName(record)}`, onclick: () => editor.open(record, { mutationId: item.mutation_id, errors: item.errors }) }, "Fix")
              : null,
            h("button", {
              type: "button",
              "aria-label": `Discard the unsaved change to ${record ? shortName(record) : "a deleted entry"}`,
              onclick: async () => {
                await resolveRejected(db, item.mutation_id, { discard: true });
                await engine.noteLocalWrite();
              },
            }, "Discard"),
          ),
        ),
      );
    }
    rejectedBox.replaceChildren(h("div", { class: "callout danger" }, h("h3", {}, "Changes the server did not accept"), h("ul", { class: "rejected" }, items)));
  }

  async function render() {
    const focusKey = /** @type {HTMLElement | null} */ (document.activeElement)?.dataset?.action;
    const [records, outbox] = await Promise.all([allRecords(db), db.getAll("outbox")]);
    const pendingIds = new Set(outbox.filter((item) => item.state === "pending").map((item) => item.record_id));
    await renderRejected(outbox.filter((item) => item.state === "rejected"));
    const zone = filters.find((select) => select.dataset.filter === "zone").value;
    const posture = filters.find((select) => select.dataset.filter === "posture").value;
    // Massages have no zone or moment: a filter shows pain entries only.
    const shown = records.filter(
      (record) => (!zone && !posture) || (record.type === "pain_entry" && (!zone || record.zone === zone) && (!posture || record.posture === posture)),
    );
    if (!shown.length) {
      list.replaceChildren(h("p", { class: "muted" }, records.length ? "No entries match these filters." : "Nothing logged yet. Entries you log appear here, newest first."));
      return;
    }
    list.replaceChildren(
      ...groupByDay(shown).map(([key, items]) =>
        h("section", { class: "day", "aria-label": dayHeading(key) }, h("h3", {}, dayHeading(key)), h("ul", { class: "entries" }, items.map((record) => entryItem(record, pendingIds)))),
      ),
    );
    if (focusKey) /** @type {HTMLElement | null} */ (list.querySelector(`[data-action="${focusKey}"]`))?.focus();
  }

  const refresh = handled("showing the history", render);
  filters.forEach((select) => select.addEventListener("change", refresh));
  engine.addEventListener("records-changed", refresh);
  engine.addEventListener("status", refresh);
  refresh();
  return { render };
}
