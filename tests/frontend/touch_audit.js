// The touch-target audit, run in the page by tests/frontend/test_touch_targets_audit.py.
// Returns the controls under 44x44 CSS px and the controls a fixed or sticky element covers.
() => {
  const INTERACTIVE = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, '
    + '[role="button"], [role="link"], [role="checkbox"], [role="radio"], [role="tab"], '
    + '[tabindex]:not([tabindex="-1"])';
  const MIN = 44;
  const name = (el) => {
    const text = (el.getAttribute('aria-label') || el.textContent || el.value || '').trim().replace(/\s+/g, ' ');
    const cls = typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '';
    return `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls}> "${text.slice(0, 40)}"`;
  };
  const rendered = (el) => {
    if (!el.getClientRects().length) return false;
    const style = getComputedStyle(el);
    return style.visibility !== 'hidden';
  };
  // What takes the tap: a radio or checkbox inside (or named by) a label is tapped through it.
  const target = (el) => {
    if (el.matches('input[type="radio"], input[type="checkbox"]')) {
      const label = el.closest('label') || (el.labels && el.labels[0]);
      if (label) return label;
    }
    return el;
  };
  const blockOf = (el) => {
    let node = el.parentElement;
    while (node && getComputedStyle(node).display.startsWith('inline')) node = node.parentElement;
    return node;
  };
  // WCAG 2.5.5's inline exception: a link in a sentence, with other text in the same block.
  const inRunningText = (el) => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    const block = blockOf(el);
    if (!block) return false;
    const own = el.textContent.trim().length;
    return block.textContent.replace(/\s+/g, ' ').trim().length > own + 3;
  };
  const all = [...document.querySelectorAll(INTERACTIVE)].filter((el) => rendered(el) && !el.closest('[inert]'));
  const pageWidth = document.documentElement.scrollWidth;
  const onPage = (r) => r.right > 0 && r.left < pageWidth && r.bottom + scrollY > 0;
  const small = [];
  for (const el of all) {
    const box = target(el).getBoundingClientRect();
    if (!onPage(box) || inRunningText(el)) continue;
    if (box.width < MIN - 0.5 || box.height < MIN - 0.5) {
      small.push(`${name(el)} ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }

  const frame = (el) => el.matches('.app-header, .tabbar');
  const pinned = [...document.querySelectorAll('body *')].filter((el) => {
    const position = getComputedStyle(el).position;
    return (position === 'fixed' || position === 'sticky') && rendered(el);
  });
  const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
    && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  // A pinned element covers a control where they overlap and the pinned one is drawn on top.
  const coverers = (el, which) => {
    const box = target(el).getBoundingClientRect();
    return pinned.filter((pin) => {
      if (!which(pin) || pin.contains(el) || el.contains(pin)) return false;
      const other = pin.getBoundingClientRect();
      if (!overlap(box, other)) return false;
      const left = Math.max(box.left, other.left, 0);
      const right = Math.min(box.right, other.right, innerWidth);
      const top = Math.max(box.top, other.top, 0);
      const bottom = Math.min(box.bottom, other.bottom, innerHeight);
      if (right - left < 1 || bottom - top < 1) return false;
      const hit = document.elementFromPoint((left + right) / 2, (top + bottom) / 2);
      return Boolean(hit) && pin.contains(hit);
    });
  };
  const covered = [];
  scrollTo(0, 0);
  // First view: banners, docks and toasts may cover nothing that is on the screen.
  for (const el of all) {
    const box = target(el).getBoundingClientRect();
    if (box.bottom <= 0 || box.top >= innerHeight) continue;
    for (const pin of coverers(el, (pin) => !frame(pin))) covered.push(`${name(el)} under ${name(pin)} at first view`);
  }
  // Every control, brought as far into the middle as the page scrolls: nothing pinned covers it.
  for (const el of all) {
    if (pinned.some((pin) => pin.contains(el) && frame(pin))) {
      for (const pin of coverers(el, (other) => !other.contains(el))) covered.push(`${name(el)} under ${name(pin)}`);
      continue;
    }
    target(el).scrollIntoView({ block: 'center', inline: 'nearest' });
    for (const pin of coverers(el, () => true)) covered.push(`${name(el)} under ${name(pin)} when scrolled to`);
  }
  scrollTo(0, 0);
  return { small: [...new Set(small)], covered: [...new Set(covered)], count: all.length };
}
