// Settings' "Offline storage": whether the browser keeps Minimus data, and how much it
// uses (pwa.js loads this module where that section is).

export async function showStorageStatus() {
  const status = /** @type {HTMLElement | null} */ (document.querySelector("[data-storage-status]"));
  if (!status) return;
  if (!(navigator.storage && navigator.storage.persisted)) {
    status.textContent = "This browser does not say whether it keeps your data.";
    return;
  }
  const persisted = await navigator.storage.persisted();
  status.dataset.persisted = String(persisted);
  status.textContent = persisted
    ? "Kept: the browser will not clear Minimus data on this device to free space."
    : "Not yet kept: the browser may clear data on this device if space runs low or the app goes unused.";
  const usage = document.querySelector("[data-storage-usage]");
  if (usage && navigator.storage.estimate) {
    const { usage: bytes = 0 } = await navigator.storage.estimate();
    usage.textContent = `Using ${(bytes / 1024 / 1024).toFixed(1)} MB on this device.`;
  }
}
