// /journal/: log pain (body map, moment, 0-10 scale that saves on tap), log massage, history.
// Sections switch by hash (#log, #massage, #history); ?massage=anterior|posterior (links
// from the guide) opens the massage form on that spot.
import { deleteRecord, saveRecord, setMeta } from "./db.js";
import { bindBodyMap } from "./bodymap.js";
import { getJournal } from "./journal-session.js";
import {
  deviceTimeZone,
  h,
  placeLabel,
  portionLabel,
  postureLabel,
  vocabulary,
  zoneLabel,
} from "./journal-format.js";
import { setUpTimeField, showFormError } from "./journal-forms.js";
import { setUpMassageForm } from "./massage-form.js";
import { setUpHistory } from "./history.js";
import { showAfterPrompt } from "./after-prompt.js";

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
  document.querySelectorAll("[data-view]").forEach((section) => {
    section.hidden = section.dataset.view !== view;
  });
  document.querySelectorAll("[data-view-link]").forEach((link) => {
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
    const names = [...zones].map(zoneLabel).join(", ");
    const either = [...zones].some((zone) => vocab.zonesByCode[zone].portions.length > 1);
    const rare = [...zones].some((zone) => vocab.zonesByCode[zone].rare);
    let text = either
      ? `Pain in the ${names} can come from either portion; the ${portionLabel(portion)} is one`
      : `If the gluteus minimus is the cause, pain in the ${names} usually comes from its ${portionLabel(portion)}`;
    if (rare) text += ` (its pain reaches the ${names} only rarely)`;
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

// Bound at once (before the database opens) so an early tap is never lost.
function setUpPainForm(journalReady) {
  const form = document.getElementById("pain-form");
  const summary = form.querySelector("[data-zone-summary]");
  const savedCard = document.querySelector("[data-pain-saved]");
  const time = setUpTimeField(form);
  const checks = [...form.querySelectorAll("[data-zone-check]")];
  const map = bindBodyMap(form.querySelector("svg.bodymap"), {
    onChange(places) {
      const chosen = new Set(places.map((place) => `${place.zone}:${place.side}`));
      checks.forEach((check) => {
        check.checked = chosen.has(check.dataset.zoneCheck);
      });
      summary.textContent = places.length
        ? `Chosen: ${places.map((place) => placeLabel(place.zone, place.side)).join(", ")}.`
        : "No zone chosen yet.";
      if (places.length) showFormError(form, "");
    },
  });

  checks.forEach((check) =>
    check.addEventListener("change", () => {
      const [zone, side] = check.dataset.zoneCheck.split(":");
      map.setPressed(zone, side, check.checked);
    }),
  );

  // The moment defaults to the one used last time, so a quick log is zone + number.
  journalReady.then(async ({ db }) => {
    const lastPain = await db.get("meta", "last_pain");
    const radio = lastPain?.posture && form.querySelector(`input[name="posture"][value="${lastPain.posture}"]`);
    if (radio && !form.dataset.postureTouched) radio.checked = true;
  });
  form.querySelector("[data-posture]").addEventListener("change", () => {
    form.dataset.postureTouched = "true";
  });

  // Enter in the time field must not "submit" with the first number (0).
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.matches("input")) event.preventDefault();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const { db, engine } = await journalReady;
    const intensity = Number(event.submitter?.value);
    if (!event.submitter || Number.isNaN(intensity)) return;
    const places = map.selected();
    if (!places.length) {
      showFormError(form, "First tap where it hurts on the body map, then the number.");
      map.focusFirst();
      return;
    }
    const occurredAt = time.occurredAt();
    if (!occurredAt) {
      showFormError(form, "Enter a valid time, or close the time field to use now.");
      return;
    }
    const posture = form.elements.posture.value || "rest";
    const note = form.elements.note.value.trim();
    const timeZone = deviceTimeZone();
    const saved = [];
    for (const place of places) {
      saved.push(
        await saveRecord(db, "pain_entry", {
          occurred_at: occurredAt,
          time_zone: timeZone,
          zone: place.zone,
          side: place.side,
          posture,
          intensity,
          note,
        }),
      );
    }
    await setMeta(db, "last_pain", { places, posture, intensity, note: "" });
    await engine.noteLocalWrite();
    document.dispatchEvent(new CustomEvent("minimus:entry-saved"));
    map.clear();
    form.elements.note.value = "";
    time.reset();
    showFormError(form, "");
    showPainSaved(savedCard, saved, { db, engine });
  });
}

function showPainSaved(card, saved, { db, engine }) {
  const what = saved.map((record) => placeLabel(record.zone, record.side)).join(", ");
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
    h("p", { class: "saved-title" }, h("strong", {}, "Saved"), ` ${what}: ${saved[0].intensity}/10, ${postureLabel(saved[0].posture)}.`),
    portionAdvice(saved),
    h("p", { class: "row" }, undo, h("a", { class: "button", href: "#history" }, "See history")),
  );
  card.hidden = false;
  card.focus();
}

async function main() {
  showView();
  addEventListener("hashchange", showView);
  const journalReady = getJournal();
  setUpPainForm(journalReady);
  document.getElementById("pain-form").dataset.ready = "true";
  const journal = await journalReady;
  setUpMassageForm(journal);
  setUpHistory(journal);
  showAfterPrompt(document.querySelector("[data-after-prompt]"), journal);
}

main();
