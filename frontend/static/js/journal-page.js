// /journal/: log pain (where, then when and a 0-10 number that saves on tap), log massage, history.
// Sections switch by hash (#log, #massage, #history); ?massage=anterior|posterior (links
// from the guide) opens the massage form on that spot.
import { deleteRecord, saveRecord, setMeta } from "./db.js";
import { getJournal } from "./journal-session.js";
import {
  capitalise,
  deviceTimeZone,
  h,
  joinWords,
  placesLabel,
  portionLabel,
  postureLabel,
  vocabulary,
  zonePhrase,
} from "./journal-format.js";
import { setUpTimeField, showFormError } from "./journal-forms.js";
import { setUpMassageForm } from "./massage-form.js";
import { handled, reportError } from "./report.js";
import { journalOrProblem, saveOnServerInstead } from "./storage-fallback.js";
import { StorageProblem, showStorageProblem, storageProblemOf } from "./storage-problem.js";

const VIEWS = ["log", "massage", "history"];

// The manifest's shortcuts (pwa) say #log-pain and #log-massage.
const VIEW_ALIASES = { "log-pain": "log", "log-massage": "massage" };

function currentView() {
  const hash = location.hash.replace("#", "");
  const name = VIEW_ALIASES[hash] || hash;
  if (VIEWS.includes(name)) return name;
  return new URLSearchParams(location.search).has("massage") ? "massage" : "log";
}

function showView({ scroll = true } = {}) {
  const view = currentView();
  // The sections act as tabs: switching shows the new one from its top, not scrolled to the anchor.
  if (scroll) scrollTo(0, 0);
  /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll("[data-view]")).forEach((section) => {
    section.hidden = section.dataset.view !== view;
  });
  /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll("[data-view-link]")).forEach((link) => {
    if (link.dataset.viewLink === view) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  });
}

// After saving: which portion of the muscle usually refers pain to these zones, and where
// the guide shows its massage spot.
export function portionAdvice(places) {
  const vocab = vocabulary();
  const byPortion = new Map();
  for (const { zone } of places) {
    for (const portion of vocab.zonesByCode[zone]?.portions || []) {
      if (!byPortion.has(portion)) byPortion.set(portion, new Set());
      byPortion.get(portion).add(zone);
    }
  }
  const items = [];
  for (const [portion, zones] of byPortion) {
    const names = joinWords([...zones].map(zonePhrase));
    const either = [...zones].some((zone) => vocab.zonesByCode[zone].portions.length > 1);
    const rareZones = [...zones].filter((zone) => vocab.zonesByCode[zone].rare).map(zonePhrase);
    let text = either
      ? `Pain in the ${names} can come from either portion of the gluteus minimus; the ${portionLabel(portion)} is one`
      : `If the gluteus minimus is the cause, pain in the ${names} usually comes from its ${portionLabel(portion)}`;
    if (rareZones.length) text += ` (its pain reaches the ${joinWords(rareZones)} only rarely)`;
    text += ": ";
    items.push(
      h(
        "li",
        {},
        text,
        h("a", { href: vocab.massage_guide_urls?.[portion] || "/guide/self-massage/" }, "massage here"),
        " · ",
        h("a", { href: `/journal/?massage=${portion}#massage` }, `log a ${portionLabel(portion)} massage`),
      ),
    );
  }
  return h("ul", { class: "advice" }, items);
}

// Two steps: 1 where (a button per zone and side; the body map shows the choice), 2 when and
// how much (the moment, then a number that saves). A moment is saved only when the user picked
// it or it is shown picked, labelled "as last time", next to the numbers.
function setUpPainForm(journalReady) {
  const form = /** @type {HTMLFormElement} */ (document.getElementById("pain-form"));
  // Named form controls (inputs, selects, radio groups) by name.
  const controls = /** @type {Record<string, HTMLInputElement>} */ (/** @type {unknown} */ (form.elements));
  const summary = form.querySelector("[data-zone-summary]");
  const whenSummary = form.querySelector("[data-when-summary]");
  const postureError = /** @type {HTMLElement} */ (form.querySelector("[data-posture-error]"));
  const nextRow = /** @type {HTMLElement} */ (form.querySelector("[data-step-next]"));
  const savedCard = /** @type {HTMLElement} */ (document.querySelector("[data-pain-saved]"));
  const time = setUpTimeField(form);
  const placeButtons = [.../** @type {NodeListOf<HTMLButtonElement>} */ (form.querySelectorAll("[data-place]"))];
  const mapZones = [.../** @type {NodeListOf<SVGElement>} */ (form.querySelectorAll("svg.bodymap [data-zone][data-side]"))];
  const postureRadios = [.../** @type {NodeListOf<HTMLInputElement>} */ (form.querySelectorAll('input[name="posture"]'))];
  /** @type {string | null} the moment of the last entry, shown picked until the user picks another */
  let lastPosture = null;

  const selected = () =>
    placeButtons
      .filter((button) => button.getAttribute("aria-pressed") === "true")
      .map((button) => {
        const [zone, side] = button.dataset.place.split(":");
        return { zone, side };
      });

  function showStep(step, { focus = true } = {}) {
    form.dataset.step = step;
    /** @type {NodeListOf<HTMLElement>} */ (form.querySelectorAll("[data-log-step]")).forEach((section) => {
      section.hidden = section.dataset.logStep !== step;
    });
    if (focus) {
      const title = /** @type {HTMLElement} */ (form.querySelector(`[data-log-step="${step}"] .step-title`));
      title.focus({ preventScroll: true });
      title.scrollIntoView({ block: "nearest" });
    }
  }

  function describeSave() {
    const places = selected();
    const checked = postureRadios.find((radio) => radio.checked);
    postureRadios.forEach((radio) => {
      /** @type {HTMLElement} */ (radio.closest("label").querySelector("[data-as-last]")).hidden = !(radio.checked && radio.value === lastPosture);
    });
    summary.textContent = places.length ? placesLabel(places) : "no place chosen yet";
    whenSummary.textContent = checked
      ? `${capitalise(postureLabel(checked.value))}${checked.value === lastPosture ? ", as last time" : ""}`
      : "pick when it hurts first";
    nextRow.hidden = !places.length;
  }

  function showPlaces() {
    const chosen = new Set(selected().map((place) => `${place.zone}:${place.side}`));
    mapZones.forEach((zone) => zone.classList.toggle("is-highlighted", chosen.has(`${zone.dataset.zone}:${zone.dataset.side}`)));
    describeSave();
  }

  for (const button of placeButtons) {
    button.addEventListener("click", () => {
      const wasEmpty = selected().length === 0;
      button.setAttribute("aria-pressed", button.getAttribute("aria-pressed") === "true" ? "false" : "true");
      showPlaces();
      if (selected().length) showFormError(form, "");
      // The first place moves on to step 2; more places are added from "Change places".
      if (wasEmpty && selected().length) showStep("how");
    });
  }
  /** @type {NodeListOf<HTMLButtonElement>} */ (form.querySelectorAll("[data-show-step]")).forEach((button) =>
    button.addEventListener("click", () => showStep(button.dataset.showStep)),
  );

  function showPostureError(message) {
    postureError.textContent = message;
    postureError.hidden = !message;
  }
  form.querySelector("[data-posture]").addEventListener("change", () => {
    showPostureError("");
    describeSave();
  });

  // The moment of the last entry is offered again, visibly, as "as last time". Opened from the
  // check-in notification (?prefill=last), the last places are picked too: one tap on a number saves.
  journalReady.then(async ({ db }) => {
    const lastPain = await db.get("meta", "last_pain");
    if (new URLSearchParams(location.search).get("prefill") === "last" && lastPain?.places?.length && !selected().length) {
      const wanted = new Set(lastPain.places.map((place) => `${place.zone}:${place.side}`));
      placeButtons.forEach((button) => {
        if (wanted.has(button.dataset.place)) button.setAttribute("aria-pressed", "true");
      });
      showPlaces();
      if (selected().length) showStep("how", { focus: false });
    }
    if (!lastPain?.posture || postureRadios.some((radio) => radio.checked)) return;
    const radio = postureRadios.find((item) => item.value === lastPain.posture);
    if (!radio) return;
    lastPosture = lastPain.posture;
    radio.checked = true;
    describeSave();
  });

  // Enter in the time field must not "submit" with the first number (0).
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && /** @type {Element} */ (event.target).matches("input")) event.preventDefault();
  });

  form.addEventListener("submit", handled("saving the pain entry", async (event) => {
    event.preventDefault();
    const submitter = /** @type {HTMLButtonElement | null} */ (event.submitter);
    const intensity = Number(submitter?.value);
    if (!submitter || Number.isNaN(intensity)) return;
    const places = selected();
    if (!places.length) {
      showFormError(form, "First choose where it hurts.");
      showStep("where");
      return;
    }
    const checked = postureRadios.find((radio) => radio.checked);
    if (!checked) {
      showPostureError("Pick when it hurts, then tap the number again.");
      postureRadios[0].focus();
      return;
    }
    const occurredAt = time.occurredAt();
    if (!occurredAt) {
      showFormError(form, "Enter a valid time, or tap “Use now”.");
      return;
    }
    const posture = checked.value;
    const note = controls.note.value.trim();
    const timeZone = deviceTimeZone();
    const fieldsAt = (place) => ({
      occurred_at: occurredAt,
      time_zone: timeZone,
      zone: place.zone,
      side: place.side,
      posture,
      intensity,
      note,
    });
    // Some places saved, then the store (or the server) failed: those leave the form, the rest
    // stay chosen with everything typed, and the form says what happened.
    const keepUnsaved = (saved, problem, savedWhere = "Saved") => {
      for (const record of saved) {
        placeButtons.find((button) => button.dataset.place === `${record.zone}:${record.side}`)?.setAttribute("aria-pressed", "false");
      }
      showPlaces();
      showFormError(form, saved.length ? `${savedWhere}: ${placesLabel(saved)}. ${problem.formMessage}` : problem.formMessage);
    };
    const journal = await journalOrProblem(journalReady);
    if (journal instanceof StorageProblem) {
      // No local store at all: straight to the server when it answers, else kept in the form.
      const onServer = await saveOnServerInstead("pain_entry", places.map(fieldsAt), journal);
      if (onServer.length < places.length) return keepUnsaved(onServer, journal, "Saved on the server");
      finishPainSave(onServer, { savedOnServerOnly: true });
      return;
    }
    const { db, engine } = journal;
    const saved = [];
    try {
      for (const place of places) saved.push(await saveRecord(db, "pain_entry", fieldsAt(place)));
    } catch (error) {
      const problem = storageProblemOf(error);
      showStorageProblem(problem);
      if (saved.length) await engine.noteLocalWrite();
      keepUnsaved(saved, problem);
      return;
    }
    await setMeta(db, "last_pain", { places, posture, intensity, note: "" }).catch(reportError("remembering the last entry"));
    await engine.noteLocalWrite();
    finishPainSave(saved, { db, engine });
  }));

  /**
   * @param {any[]} saved
   * @param {{ db?: any, engine?: any, savedOnServerOnly?: boolean }} how
   */
  function finishPainSave(saved, { db, engine, savedOnServerOnly = false }) {
    const posture = saved[0].posture;
    document.dispatchEvent(new CustomEvent("minimus:entry-saved"));
    placeButtons.forEach((button) => button.setAttribute("aria-pressed", "false"));
    lastPosture = posture;
    controls.note.value = "";
    time.reset();
    showFormError(form, "");
    showPlaces();
    showStep("where", { focus: false });
    showPainSaved(savedCard, saved, { db, engine, savedOnServerOnly });
  }

  showPlaces();
  // Arriving from "Log pain now": the keyboard and screen reader start at step 1.
  if (currentView() === "log" && location.hash) showStep("where");
}

function showPainSaved(card, saved, { db, engine, savedOnServerOnly }) {
  const what = placesLabel(saved);
  if (savedOnServerOnly) {
    card.replaceChildren(
      h("p", { class: "saved-title" }, h("strong", {}, "Saved on the server:"), ` ${what}, ${saved[0].intensity}/10, ${postureLabel(saved[0].posture)}.`),
      h("p", {}, "This phone could not keep a copy, so it shows in your history once storage works again."),
      portionAdvice(saved),
    );
    card.hidden = false;
    card.focus();
    return;
  }
  const undo = h(
    "button",
    {
      type: "button",
      class: "button",
      onclick: async () => {
        for (const record of saved) await deleteRecord(db, record.id);
        await engine.noteLocalWrite();
        card.replaceChildren(h("p", {}, "Removed."));
        card.focus();
      },
    },
    "Undo",
  );
  card.replaceChildren(
    h("p", { class: "saved-title" }, h("strong", {}, "Saved:"), ` ${what}, ${saved[0].intensity}/10, ${postureLabel(saved[0].posture)}.`),
    portionAdvice(saved),
    h("p", { class: "row" }, undo, h("a", { class: "button", href: "#history" }, "See history")),
  );
  card.hidden = false;
  card.focus();
}

async function main() {
  showView();
  addEventListener("hashchange", () => showView());
  const journalReady = getJournal();
  setUpPainForm(journalReady);
  document.getElementById("pain-form").dataset.ready = "true";
  setUpMassageForm(journalReady).catch(reportError("setting up the massage form"));
  const journal = await journalReady;
  // The history view (and its editor) is not what the page opens on: it loads after the form.
  import("./history.js")
    .then(({ setUpHistory }) => setUpHistory(journal))
    .catch(reportError("setting up the history"));
  // So is the prompt for a massage's pain after, which only a recent massage needs.
  import("./after-prompt.js")
    .then(({ showAfterPrompt }) => showAfterPrompt(document.querySelector("[data-after-prompt]"), journal, { folded: true }))
    .catch(reportError("showing the pain-after prompt"));
}

main().catch(reportError("opening the journal page"));
