// Makes the shared body map (templates/bodymap/body.html, interactive mode) a multi-select:
// every zone is a button (role, tabindex, aria-pressed, aria-label come from the include),
// toggled by tap, Enter or Space.

export function bindBodyMap(svg, { onChange = () => {} } = {}) {
  const zones = [...svg.querySelectorAll("[data-zone][data-side]")];
  for (const zone of zones) {
    // The include sets these in interactive mode; keep the map usable if it did not.
    if (!zone.hasAttribute("role")) zone.setAttribute("role", "button");
    if (!zone.hasAttribute("tabindex")) zone.setAttribute("tabindex", "0");
    if (!zone.hasAttribute("aria-pressed")) zone.setAttribute("aria-pressed", "false");
  }

  function toggle(zone) {
    zone.setAttribute("aria-pressed", zone.getAttribute("aria-pressed") === "true" ? "false" : "true");
    onChange(selected());
  }

  svg.addEventListener("click", (event) => {
    const zone = event.target.closest("[data-zone][data-side]");
    if (zone) toggle(zone);
  });
  svg.addEventListener("keydown", (event) => {
    const zone = event.target.closest("[data-zone][data-side]");
    if (!zone || (event.key !== "Enter" && event.key !== " ")) return;
    event.preventDefault();
    toggle(zone);
  });

  function selected() {
    return zones
      .filter((zone) => zone.getAttribute("aria-pressed") === "true")
      .map((zone) => ({ zone: zone.dataset.zone, side: zone.dataset.side }));
  }

  function clear() {
    zones.forEach((zone) => zone.setAttribute("aria-pressed", "false"));
    onChange([]);
  }

  // Pressed or released from elsewhere (the zone list that doubles the map).
  function setPressed(code, side, pressed) {
    const zone = zones.find((item) => item.dataset.zone === code && item.dataset.side === side);
    if (!zone || (zone.getAttribute("aria-pressed") === "true") === pressed) return;
    toggle(zone);
  }

  function focusFirst() {
    zones[0]?.focus();
  }

  return { selected, clear, focusFirst, setPressed };
}
