// What a form does when the local store is not there to save into (storage-problem.js).
import { newId } from "./db.js";
import { apiFetch } from "./http.js";
import { currentStorageProblem, storageProblemOf } from "./storage-problem.js";
/** @import { StorageProblem } from "./storage-problem.js" */
/** @import { RecordType } from "./types.js" */

const COLLECTIONS = { pain_entry: "/api/entries/", massage_session: "/api/massages/" };

/**
 * The open journal, or the problem that keeps it closed. A store waiting on another tab is a
 * problem now (the form says so at once instead of hanging until that tab closes), and so is one
 * this page let go of for a newer version in another tab.
 * @template J
 * @param {Promise<J>} journalReady
 * @returns {Promise<J | StorageProblem>}
 */
export async function journalOrProblem(journalReady) {
  const problem = currentStorageProblem();
  if (problem?.kind === "blocked" || problem?.kind === "replaced") return problem;
  try {
    return await journalReady;
  } catch (error) {
    return storageProblemOf(error, { opening: true });
  }
}

/**
 * The browser will not open the store at all: send the records straight to the server instead
 * (they come to this phone with a sync once storage works). Only when online and only for that
 * problem: a full or blocked store keeps the entry in the form, so the journal stays one.
 * @param {RecordType} type
 * @param {object[]} fieldsList One record's fields each.
 * @param {StorageProblem} problem
 * @returns {Promise<any[]>} The records the server stored, in order (fewer if it stopped answering).
 */
export async function saveOnServerInstead(type, fieldsList, problem) {
  if (problem.kind !== "unavailable" || !navigator.onLine) return [];
  const saved = [];
  for (const fields of fieldsList) {
    try {
      const answer = await apiFetch(COLLECTIONS[type], { method: "POST", body: { id: newId(), ...fields } });
      if (!answer.ok) break;
      saved.push({ ...answer.data, type });
    } catch {
      break; // the network failed: what is left stays in the form
    }
  }
  return saved;
}
