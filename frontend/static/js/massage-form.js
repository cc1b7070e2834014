// Log a massage: spot (front/rear portion) with the guide's illustration, side, tool,
// minutes, pain before; pain after now or later (see after-prompt.js).
import { saveRecord, setMeta } from "./db.js";
import { deviceTimeZone, h, portionLabel, toolLabel, vocabulary } from "./journal-format.js";
import { setUpTimeField, showFormError } from "./journal-forms.js";
import { handled, reportError } from "./report.js";
import { journalOrProblem, saveOnServerInstead } from "./storage-fallback.js";
import { StorageProblem, showStorageProblem, storageProblemOf } from "./storage-problem.js";
/** @import { LocalMassageSession } from "./types.js" */

export function scoreOptions(container, name) {
  for (let value = 0; value <= 10; value += 1) {
    const anchor = value === 0 ? " no pain" : value === 10 ? " worst imaginable" : "";
    container.append(
      h(
        "label",
        { class: "score" },
        h("input", { type: "radio", name, value: String(value), "aria-label": `${value}${anchor}` }),
        h("span", { "aria-hidden": "true" }, String(value)),
      ),
    );
  }
}

function showSpot(form, portion) {
  /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll("[data-spot-figure]")).forEach((figure) => {
    figure.hidden = figure.dataset.spotFigure !== portion;
  });
  const link = form.querySelector("[data-spot-guide]");
  link.href = vocabulary().massage_guide_urls?.[portion] || "/guide/self-massage/";
  link.textContent = `How to find the ${portionLabel(portion)} spot`;
}

/**
 * Sets the form up at once; the journal is used when it opens. A store that will not open at all
 * leaves the form working: a massage then goes straight to the server while online.
 * @param {Promise<{ db: any, engine: any }>} journalReady
 */
export async function setUpMassageForm(journalReady) {
  const form = /** @type {HTMLFormElement} */ (document.getElementById("massage-form"));
  // Named form controls (inputs, selects, radio groups) by name.
  const controls = /** @type {Record<string, HTMLInputElement>} */ (/** @type {unknown} */ (form.elements));
  const savedCard = /** @type {HTMLElement} */ (document.querySelector("[data-massage-saved]"));
  /** @type {NodeListOf<HTMLElement>} */ (form.querySelectorAll("[data-score-options]")).forEach((box) => scoreOptions(box, box.dataset.scoreOptions));
  const time = setUpTimeField(form);
  // Links from the guide name the spot: /journal/?massage=anterior
  const requested = new URLSearchParams(location.search).get("massage");
  const showRequestedSpot = () => {
    if (requested === "anterior" || requested === "posterior") {
      /** @type {HTMLInputElement} */ (form.querySelector(`input[name="portion"][value="${requested}"]`)).checked = true;
    }
    showSpot(form, controls.portion.value);
  };
  showRequestedSpot();
  let touched = false;
  form.addEventListener("input", () => {
    touched = true;
  });
  // "Pain after" is optional: once picked it can be cleared again.
  const clearAfter = /** @type {HTMLButtonElement} */ (form.querySelector('[data-clear-score="pain_after"]'));
  const showClear = () => {
    clearAfter.hidden = controls.pain_after.value === "";
  };
  clearAfter.addEventListener("click", () => {
    /** @type {NodeListOf<HTMLInputElement>} */ (form.querySelectorAll('input[name="pain_after"]')).forEach((input) => {
      input.checked = false;
    });
    showClear();
    /** @type {HTMLInputElement} */ (form.querySelector('input[name="pain_after"]')).focus();
  });
  form.addEventListener("change", (event) => {
    touched = true;
    const input = /** @type {HTMLInputElement} */ (event.target);
    if (input.name === "portion") showSpot(form, input.value);
    if (input.name === "pain_after") showClear();
  });

  form.addEventListener("submit", handled("saving the massage", async (event) => {
    event.preventDefault();
    const minutes = Number(controls.minutes.value);
    const before = controls.pain_before.value;
    const after = controls.pain_after.value;
    const occurredAt = time.occurredAt();
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60) {
      showFormError(form, "Minutes: a whole number from 1 to 60.");
      controls.minutes.focus();
      return;
    }
    if (before === "") {
      showFormError(form, "Pain before: tap a number from 0 to 10.");
      /** @type {HTMLInputElement} */ (form.querySelector('input[name="pain_before"]')).focus();
      return;
    }
    if (!occurredAt) {
      showFormError(form, "Enter a valid time, or close the time field to use now.");
      return;
    }
    showFormError(form, "");
    const fields = {
      occurred_at: occurredAt,
      time_zone: deviceTimeZone(),
      portion: controls.portion.value,
      side: controls.side.value,
      tool: controls.tool.value,
      minutes,
      pain_before: Number(before),
      pain_after: after === "" ? null : Number(after),
      note: "",
    };
    const journal = await journalOrProblem(journalReady);
    if (journal instanceof StorageProblem) {
      const [onServer] = await saveOnServerInstead("massage_session", [fields], journal);
      if (!onServer) {
        showFormError(form, journal.formMessage);
        return;
      }
      clearScores();
      savedCard.replaceChildren(
        h("p", {}, h("strong", {}, "Saved on the server:"), ` ${massageLabel(onServer)}`),
        h("p", {}, "This phone could not keep a copy, so it shows in your history once storage works again."),
      );
      savedCard.hidden = false;
      savedCard.focus();
      document.dispatchEvent(new CustomEvent("minimus:entry-saved"));
      return;
    }
    const { db, engine } = journal;
    let record;
    try {
      record = /** @type {LocalMassageSession} */ (await saveRecord(db, "massage_session", fields));
    } catch (error) {
      // Full or lost storage: the form keeps everything typed and says why it was not saved.
      const problem = storageProblemOf(error);
      showStorageProblem(problem);
      showFormError(form, problem.formMessage);
      return;
    }
    await setMeta(db, "last_massage", { portion: fields.portion, side: fields.side, tool: fields.tool, minutes }).catch(
      reportError("remembering the last massage"),
    );
    // Built before the change is announced, so the page's own prompt does not ask twice.
    // The prompt's module loads on first use (precached, so offline too); the entry is saved either way.
    const askAfter =
      record.pain_after === null
        ? await import("./after-prompt.js").then(
            ({ askPainAfter }) => askPainAfter(record, { db, engine }),
            reportError("asking for the pain after"),
          )
        : null;
    await engine.noteLocalWrite();
    document.dispatchEvent(new CustomEvent("minimus:entry-saved"));
    clearScores();
    savedCard.replaceChildren(h("p", {}, h("strong", {}, "Saved"), ` ${massageLabel(record)}`));
    if (askAfter) savedCard.append(askAfter);
    savedCard.hidden = false;
    savedCard.focus();
  }));

  function clearScores() {
    /** @type {NodeListOf<HTMLInputElement>} */ (form.querySelectorAll('input[name="pain_before"], input[name="pain_after"]')).forEach((input) => {
      input.checked = false;
    });
    showClear();
    time.reset();
  }

  // The last massage's spot, side, tool and minutes, unless the user has started on the form.
  const journal = await journalOrProblem(journalReady);
  if (journal instanceof StorageProblem || touched) return;
  const last = await journal.db.get("meta", "last_massage");
  if (!last || touched) return;
  for (const name of ["portion", "side", "tool"]) {
    const radio = /** @type {HTMLInputElement | null} */ (form.querySelector(`input[name="${name}"][value="${last[name]}"]`));
    if (radio) radio.checked = true;
  }
  if (last.minutes) controls.minutes.value = last.minutes;
  showRequestedSpot();
}

/** @param {{ minutes: number, side: string, portion: string, tool: string }} session */
function massageLabel(session) {
  return `${session.minutes} min on the ${session.side} ${portionLabel(session.portion)} with ${toolLabel(session.tool)}.`;
}
