"""Browser helpers shared by the PWA tests."""

from __future__ import annotations

from typing import Any

CACHED_URLS_JS = """async () => {
  const urls = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    urls[name] = (await cache.keys()).map((request) => new URL(request.url).pathname);
  }
  return urls;
}"""

WORKER_VERSION_JS = """() => new Promise((resolve) => {
  const channel = new MessageChannel();
  channel.port1.onmessage = (event) => resolve(event.data.version);
  navigator.serviceWorker.controller.postMessage({ type: "version" }, [channel.port2]);
})"""


def wait_until_controlled(page: Any) -> None:
    page.wait_for_function("() => Boolean(navigator.serviceWorker && navigator.serviceWorker.controller)")


def wait_until_offline_ready(page: Any) -> None:
    """The worker controls the page and has cached the signed-in pages (pwa.js sets the flag)."""
    wait_until_controlled(page)
    page.wait_for_function("() => document.documentElement.dataset.offlineReady === 'true'")


def cached_urls(page: Any) -> dict[str, list[str]]:
    return page.evaluate(CACHED_URLS_JS)


def worker_version(page: Any) -> str:
    return page.evaluate(WORKER_VERSION_JS)


def heading(page: Any) -> str:
    return page.get_by_role("heading", level=1).inner_text()
