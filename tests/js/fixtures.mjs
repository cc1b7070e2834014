// Loads tests/fixtures/trends/*.json for the JavaScript tests; twin of the Python loader
// (tests/journal/trends_fixtures.py), including the compact row form of five_years.json.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "trends");

const instant = (epochSeconds) => new Date(epochSeconds * 1000).toISOString().replace(".000Z", "Z");

export function expandInput(input) {
  if (!input.entry_rows) return input;
  const { lookups } = input;
  return {
    from: input.from,
    to: input.to,
    entries: input.entry_rows.map((row) => ({
      occurred_at: instant(row[0]),
      time_zone: lookups.time_zones[row[1]],
      zone: lookups.zones[row[2]],
      side: lookups.sides[row[3]],
      posture: lookups.postures[row[4]],
      intensity: row[5],
    })),
    massages: input.massage_rows.map((row) => ({
      occurred_at: instant(row[0]),
      time_zone: lookups.time_zones[row[1]],
      portion: lookups.portions[row[2]],
      side: lookups.sides[row[3]],
      pain_before: row[4],
      pain_after: row[5],
    })),
  };
}

export function loadVocabulary() {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, "vocabulary.json"), "utf8"));
}

export function loadFixtures() {
  return readdirSync(FIXTURES_DIR)
    .filter((name) => name.endsWith(".json") && name !== "vocabulary.json")
    .sort()
    .map((name) => {
      const fixture = JSON.parse(readFileSync(join(FIXTURES_DIR, name), "utf8"));
      return { name, input: expandInput(fixture.input), expected: fixture.expected };
    });
}
