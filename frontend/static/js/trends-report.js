// The clinician report: the page is drawn on the server (charts included); this adds Print and,
// where the phone can share files (Web Share API level 2), "Share PDF" with the server-built PDF.
import { handled } from "./report.js";

const pdfLink = /** @type {HTMLAnchorElement} */ (document.getElementById("report-pdf"));
const shareButton = /** @type {HTMLButtonElement} */ (document.getElementById("report-share"));

document.getElementById("report-print")?.addEventListener("click", () => window.print());

function canShareFiles() {
  if (!navigator.canShare) return false;
  try {
    return navigator.canShare({ files: [new File([""], "report.pdf", { type: "application/pdf" })] });
  } catch {
    return false;
  }
}

if (pdfLink && shareButton && canShareFiles()) {
  shareButton.hidden = false;
  shareButton.addEventListener(
    "click",
    handled("share the report PDF", async () => {
    shareButton.disabled = true;
    try {
      const response = await fetch(pdfLink.href, { credentials: "same-origin" });
      if (!response.ok) throw new Error(`report PDF answered ${response.status}`);
      const name = pdfLink.href.includes("from=") ? `pain-report-${new URL(pdfLink.href).searchParams.get("from")}.pdf` : "pain-report.pdf";
      const file = new File([await response.blob()], name, { type: "application/pdf" });
      await navigator.share({ files: [file], title: document.title });
    } catch (error) {
      if (!(error instanceof DOMException && error.name === "AbortError")) location.href = pdfLink.href;
    } finally {
      shareButton.disabled = false;
    }
    }),
  );
}
