// Runs trends-compute.js for the differential test (tests/journal/test_trends_differential.py):
// one Node process for a whole batch of journals. Reads JSON lines on stdin: first the
// vocabulary the app serves, then one {entries, massages, from, to} per line; writes one
// computeTrends answer (or {"error": message}) per line.
//
//   node tests/js/trends_worker.mjs [path/to/trends-compute.js]
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

const modulePath = resolve(process.argv[2] || new URL("../../frontend/static/js/trends-compute.js", import.meta.url).pathname);
const { computeTrends } = await import(pathToFileURL(modulePath).href);

let vocabulary = null;
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  const message = JSON.parse(line);
  if (vocabulary === null) {
    vocabulary = message;
    process.stdout.write('{"ready":true}\n');
    continue;
  }
  let answer;
  try {
    answer = computeTrends({ ...message, vocabulary });
  } catch (error) {
    answer = { error: String(error) };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
