// Home: today's entries from this phone's journal, "same as last time" in one tap, and the
// pain-after prompt for a recent massage.
import { allRecords, repeatedPainFields, saveRecord } from "./db.js";
import { getJournal } from "./journal-session.js";
import { describeRecord, deviceTimeZone, h, localDayKey, placesLabel, postureLabel, timeLabel, todayKey } from "./journal-format.js";
import { showAfterPrompt } from "./after-prompt.js";
import { handled, reportError } from "./report.js";

async function renderToday({ db }) {
  const box = document.querySelector("[data-today-entries]");
  if (!box) return;
  const today = todayKey();
  const records = (await allRecords(db)).filter((record) => localDayKey(record.occurred_at, record.time_zone) === today);
  if (!records.length) {
    box.replaceChildren(h("p", { class: "muted" }, "Nothing logged yet today."));
    return;
  }
  box.replaceChildren(
    h(
      "ul",
      { class: "today-list" },
      records.map((record) => h("li", {}, h("span", { class: "entry-time" }, timeLabel(record.occurred_at, record.time_zone)), " ", describeRecord(record))),
    ),
    h("p", {}, h("a", { href: "/journal/#history", class: "link-target" }, "All entries")),
  );
}

async function setUpSameAsLast(journal) {
  const button = /** @type {HTMLButtonElement | null} */ (document.querySelector("[data-same-as-last]"));
  const note = document.querySelector("[data-same-saved]");
  if (!button) return;
  const last = await journal.db.get("meta", "last_pain");
  if (!last?.places?.length) return;
  const where = placesLabel(last.places);
  button.textContent = `Same as last time: ${where}, ${postureLabel(last.posture)}, ${last.intensity}/10`;
  button.hidden = false;
  button.addEventListener("click", handled("saving the same entry as last time", async () => {
    const occurredAt = new Date().toISOString();
    for (const place of last.places) {
      await saveRecord(journal.db, "pain_entry", repeatedPainFields(last, place, occurredAt, deviceTimeZone()));
    }
    await journal.engine.noteLocalWrite();
    document.dispatchEvent(new CustomEvent("minimus:entry-saved"));
    note.textContent = `Saved: ${where}, ${last.intensity}/10, ${postureLabel(last.posture)}.`;
  }));
}

async function main() {
  const journal = await getJournal();
  journal.engine.addEventListener("records-changed", () => renderToday(journal));
  await renderToday(journal);
  await setUpSameAsLast(journal);
  showAfterPrompt(document.querySelector("[data-after-prompt]"), journal);
}

main().catch(reportError("showing today's entries"));
