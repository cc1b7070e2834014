// "How is the pain now?" after a massage: right away on saving, or later from a prompt on the
// home and journal pages for a recent massage that has no pain-after score yet.
import { allRecords, saveRecord } from "./db.js";
import { capitalise, h, portionLabel, timeLabel } from "./journal-format.js";
import { handled } from "./report.js";
/** @import { IDBPDatabase } from "../vendor/idb/index.js" */
/** @import { SyncEngine } from "./sync.js" */
/** @import { LocalMassageSession } from "./types.js" */

const PROMPT_WINDOW_MS = 12 * 60 * 60 * 1000;
const SNOOZE_MS = 60 * 60 * 1000;
// Massages already asked about on this page (e.g. right after saving): no second prompt.
const askedInPage = new Set();

/**
 * @param {LocalMassageSession} record
 * @param {{ db: IDBPDatabase, engine: SyncEngine }} journal
 * @param {{ onDone?: (value: number | null) => void }} [options]
 * @returns {HTMLElement}
 */
export function askPainAfter(record, { db, engine }, { onDone = () => {} } = {}) {
  askedInPage.add(record.id);
  const box = h("div", { class: "after-prompt", role: "group", "aria-labelledby": `after-${record.id}` });
  const question = h("p", { id: `after-${record.id}` }, "How is the pain now? (0 no pain, 10 worst imaginable)");
  const buttons = h("div", { class: "scale-buttons" });
  for (let value = 0; value <= 10; value += 1) {
    buttons.append(
      h(
        "button",
        {
          type: "button",
          "aria-label": `Pain after: ${value}${value === 0 ? ", no pain" : value === 10 ? ", worst imaginable" : ""}`,
          onclick: async () => {
            await saveRecord(db, "massage_session", { pain_after: value }, { id: record.id });
            box.replaceChildren(h("p", {}, `Pain after saved: ${value}/10 (before: ${record.pain_before}).`));
            onDone(value);
            await engine.noteLocalWrite();
          },
        },
        String(value),
      ),
    );
  }
  const later = h(
    "button",
    {
      type: "button",
      class: "button later",
      onclick: async () => {
        // Ask again in an hour, not on every page until then.
        await db.put("meta", { id: record.id, until: Date.now() + SNOOZE_MS }, "after_prompt_snooze");
        box.replaceChildren(h("p", { class: "muted" }, "We will ask again in an hour."));
        onDone(null);
      },
    },
    "Later",
  );
  box.append(question, buttons, later);
  return box;
}

/**
 * @param {IDBPDatabase} db
 * @param {number} [now]
 * @returns {Promise<LocalMassageSession | undefined>}
 */
export async function recentMassageWithoutAfter(db, now = Date.now()) {
  const massages = /** @type {LocalMassageSession[]} */ (await allRecords(db, "massage_session"));
  const snooze = await db.get("meta", "after_prompt_snooze");
  return massages.find(
    (record) =>
      record.pain_after === null &&
      now - new Date(record.occurred_at).getTime() < PROMPT_WINDOW_MS &&
      !(snooze && snooze.id === record.id && snooze.until > now),
  );
}

/**
 * @param {HTMLElement | null} container
 * @param {{ db: IDBPDatabase, engine: SyncEngine }} journal
 * @param {{ folded?: boolean }} [options] folded: one line until tapped (the log screen)
 */
export function showAfterPrompt(container, journal, { folded = false } = {}) {
  if (!container) return;
  async function render() {
    // Once answered, the thank-you stays until the page changes.
    if (container.dataset.answered) return;
    const record = await recentMassageWithoutAfter(journal.db);
    if (container.dataset.answered) return;
    if (record && container.dataset.recordId === record.id && !container.hidden) return;
    if (!record || askedInPage.has(record.id)) {
      container.hidden = true;
      container.replaceChildren();
      delete container.dataset.recordId;
      return;
    }
    container.dataset.recordId = record.id;
    // Folded to one line, so the page's own controls (the log steps) stay in view.
    const details = h(
      "details",
      { class: "after-details", open: !folded },
      h(
        "summary",
        {},
        h("strong", {}, `Massage at ${timeLabel(record.occurred_at, record.time_zone)}`),
        `: add the pain after (before: ${record.pain_before})`,
      ),
      h("p", { class: "muted" }, `${capitalise(portionLabel(record.portion))}.`),
      askPainAfter(record, journal, {
        onDone: () => {
          container.dataset.answered = "true";
        },
      }),
    );
    container.replaceChildren(details);
    container.className = "card after-card";
    container.hidden = false;
  }
  const refresh = handled("showing the pain-after prompt", render);
  journal.engine.addEventListener("records-changed", refresh);
  refresh();
}
