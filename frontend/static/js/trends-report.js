// The printable report: draws the charts from the numbers the server put in the page.
import { parseDay } from "./trends-compute.js";
import { bars, painOverTime, reachOverWeeks } from "./charts.js";

const trends = JSON.parse(document.getElementById("report-trends").textContent);
const vocabulary = JSON.parse(document.getElementById("trends-vocabulary").textContent);

document.getElementById("report-pain-chart").replaceChildren(painOverTime({ ...trends, dayNumber: parseDay }));
document
  .getElementById("report-posture-chart")
  .replaceChildren(bars(trends.by_posture.map((r) => ({ label: vocabulary.postures[r.posture].replace(/ \(.*\)$/, ""), value: r.mean }))));
document
  .getElementById("report-reach-chart")
  .replaceChildren(reachOverWeeks({ weeks: trends.weeks, levels: ["buttock", "thigh", "knee", "calf", "lower leg", "foot"] }));
document.getElementById("report-print").addEventListener("click", () => window.print());
