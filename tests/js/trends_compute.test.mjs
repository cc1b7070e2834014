// The browser's trend computation gives exactly the numbers in the shared fixtures
// (the same files tests/journal/test_trends_compute.py checks the server against).
import assert from "node:assert/strict";
import { test } from "node:test";

import { changeStatus, computeTrends, localDay, meanHundredths, parseDay } from "../../frontend/static/js/trends-compute.js";
import { loadFixtures, loadVocabulary } from "./fixtures.mjs";

const vocabulary = loadVocabulary();

for (const { name, input, expected } of loadFixtures()) {
  test(`fixture ${name} gives the expected trends`, () => {
    const result = computeTrends({ ...input, vocabulary });
    // Round-trip through JSON as the API and the fixtures do.
    assert.deepStrictEqual(JSON.parse(JSON.stringify(result)), expected);
  });
}

test("means round half away from zero, never to -0", () => {
  assert.equal(meanHundredths(1, 8), 13); // 0.125 -> 0.13
  assert.equal(meanHundredths(-1, 8), -13); // -0.125 -> -0.13
  assert.equal(meanHundredths(2, 3), 67);
  assert.equal(meanHundredths(1, 3), 33);
  assert.ok(Object.is(meanHundredths(-1, 300), 0));
});

test("the clinically meaningful change is 2 points or 30 percent", () => {
  const thresholds = { pointsH: 200, percent: 30 };
  assert.equal(changeStatus(300, 210, thresholds), "better");
  assert.equal(changeStatus(300, 211, thresholds), "same");
  assert.equal(changeStatus(900, 700, thresholds), "better");
  assert.equal(changeStatus(900, 701, thresholds), "same");
  assert.equal(changeStatus(500, 650, thresholds), "worse");
  assert.equal(changeStatus(0, 100, thresholds), "same");
  assert.equal(changeStatus(0, 200, thresholds), "worse");
});

test("an entry at 00:30 local belongs to the new local day", () => {
  assert.equal(localDay("2025-03-29T23:30:00Z", "Europe/Berlin"), parseDay("2025-03-30"));
  assert.equal(localDay("2025-03-30T03:59:00Z", "America/New_York"), parseDay("2025-03-29"));
});
