"""WebKit and Firefox beside Playwright's Chromium: one small page interface for both.

WebKit is WebKitGTK's MiniBrowser driven by Debian's ``WebKitWebDriver`` through
Selenium. It has no headless mode, so it draws on a private Xvfb display that
picks its own free number (``-displayfd``). A GTK style sheet in a private
config folder shrinks MiniBrowser's toolbar, or the window could not be narrower
than 447 px; the page itself is untouched. WebDriver has no network switch, so a
WebKit page reaches the live server through a :class:`LinkCutter`, a loopback
relay the test can cut: the browser then gets refused connections, as on a
phone out of signal.

Firefox ESR runs headless with Marionette on a port it picks itself (read from
``MarionetteActivePort`` in its temporary profile); ``marionette_driver`` talks
to it without geckodriver. It reaches the live server through a LinkCutter too:
Firefox's own offline mode ("Work Offline") bypasses the service worker for
module scripts (journal-page.js fails to load), which no phone losing signal
does. Its window has the same minimum-width problem, solved by clearing the
browser UI's ``min-width``.

Every process started here is stopped with its process group by the fixture
that started it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from core.processes import start_group, stop_group
from tests.waiting import wait_for

XVFB = shutil.which("Xvfb") or "/usr/bin/Xvfb"
WEBKIT_DRIVER = shutil.which("WebKitWebDriver") or "/usr/bin/WebKitWebDriver"
MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
FIREFOX = shutil.which("firefox-esr") or "/usr/bin/firefox-esr"

# MiniBrowser's toolbar (buttons, address entry) sets the window's minimum width; collapse it.
GTK_CSS = (
    "window * { min-width: 0; min-height: 0; padding: 0; margin: 0; font-size: 1px; border-width: 0; }\n"
)

FIREFOX_PREFS = {
    "marionette.port": 0,
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.startup.page": 0,
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False,
    "app.update.disabledForTesting": True,
    "browser.safebrowsing.update.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "extensions.update.enabled": False,
    "browser.newtabpage.enabled": False,
    # Phones draw scrollbars over the page; a desktop scrollbar would take 15 px of the 375.
    "widget.gtk.overlay-scrollbars.enabled": True,
}


def webkit_available() -> bool:
    return all(os.path.exists(path) for path in (XVFB, WEBKIT_DRIVER, MINIBROWSER))


def firefox_available() -> bool:
    return os.path.exists(FIREFOX)


@contextmanager
def xvfb_display() -> Iterator[str]:
    """A private X display (``:N``) on a number Xvfb finds free itself."""
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        [XVFB, "-displayfd", str(write_end), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as announced:
            number = announced.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        yield f":{number}"
    finally:
        stop_group(process, grace_seconds=5)


class LinkCutter:
    """A loopback TCP relay to ``target_port``; ``cut()`` refuses and drops every connection."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                self._reset(client)
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                self._reset(client)
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        with suppress(OSError):
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        for sock in (source, sink):
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    @staticmethod
    def _reset(sock: socket.socket) -> None:
        # SO_LINGER 0: close with RST, what a dead link looks like to the browser.
        with suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        sock.close()

    def cut(self) -> None:
        self.up = False
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            self._reset(sock)

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.cut()
        # shutdown() wakes the thread blocked in accept(); close() alone would not.
        with suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        self._thread.join(timeout=5)


class EnginePage:
    """What a test does with one browser tab, whatever drives it."""

    engine = ""
    base_url = ""
    cutter: LinkCutter | None = None

    def set_offline(self, offline: bool) -> None:
        """Cut or restore the page's link to the server (these engines have no offline switch)."""
        assert self.cutter is not None, f"this {self.engine} page was opened without a link to cut"
        if offline:
            self.cutter.cut()
        else:
            self.cutter.restore()

    def _driver_find(self, by: str, selector: str) -> Any:
        raise NotImplementedError

    def _driver_find_all(self, by: str, selector: str) -> list[Any]:
        raise NotImplementedError

    def goto(self, path: str) -> None:
        raise NotImplementedError

    def reload(self) -> None:
        raise NotImplementedError

    def js(self, script: str, *args: Any) -> Any:
        """Run a function body (``arguments[i]`` are ``args``) and return its value."""
        raise NotImplementedError

    def js_async(self, script: str, *args: Any) -> Any:
        """Run a function body whose last argument is the callback for its result."""
        raise NotImplementedError

    def set_viewport(self, width: int, height: int) -> None:
        raise NotImplementedError

    def png(self) -> bytes:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    @property
    def url(self) -> str:
        return self.js("return location.href")

    def wait(self, script: str, *args: Any, what: str, timeout: float = 15.0) -> Any:
        """Poll a function body until it returns something truthy."""
        return wait_for(
            lambda: self.js(script, *args), timeout=timeout, what=f"{what} in {self.engine}", interval=0.2
        )

    def css(self, selector: str, *, timeout: float = 15.0) -> Any:
        """The first element matching ``selector``, once it is shown."""
        return self._first_shown("css selector", selector, timeout=timeout)

    def attached(self, selector: str, *, timeout: float = 15.0) -> None:
        """Wait until an element matching ``selector`` is in the document, shown or not."""
        self.wait("return !!document.querySelector(arguments[0])", selector, what=selector, timeout=timeout)

    def xpath(self, expression: str, *, timeout: float = 15.0) -> Any:
        return self._first_shown("xpath", expression, timeout=timeout)

    def _first_shown(self, strategy: str, query: str, *, timeout: float) -> Any:
        def shown() -> Any:
            for element in self._driver_find_all(strategy, query):
                if element.is_displayed():
                    return element
            return None

        return wait_for(shown, timeout=timeout, what=f"{query} shown in {self.engine}")

    def tap(self, element: Any) -> None:
        """Click ``element`` in the middle of the screen: WebDriver scrolls it only to the bottom
        edge, under the fixed bottom navigation, where the click would land on the navigation."""
        self.js("arguments[0].scrollIntoView({block: 'center', inline: 'center'})", element)
        element.click()

    def fill(self, selector: str, text: str) -> None:
        element = self.css(selector)
        element.clear()
        element.send_keys(text)

    def text(self, selector: str) -> str:
        return self.js(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : null", selector
        )

    def wait_text(self, selector: str, expected: str, *, timeout: float = 15.0) -> str:
        seen: list[str | None] = []

        def says() -> bool:
            seen.append(self.text(selector))
            return seen[-1] == expected

        try:
            wait_for(says, timeout=timeout, what=f"{selector} saying {expected!r}", interval=0.2)
        except AssertionError as error:
            state = self.js(
                "const e = document.querySelector(arguments[0]);"
                "return [location.href, document.readyState, e ? e.outerHTML.slice(0, 300) : null]",
                selector,
            )
            raise AssertionError(f"{error} in {self.engine}; it said {seen[-1]!r}; page: {state}") from None
        return expected

    def element_png(self, element: Any) -> bytes:
        return element.screenshot_as_png

    def screenshot(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.png())
        return path


class WebKitPage(EnginePage):
    """MiniBrowser through WebKitWebDriver (Selenium's WebKitGTK driver) on a private display."""

    engine = "webkit"

    def __init__(self, *, display: str, cutter: LinkCutter | None, dark: bool = False) -> None:
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.options import Options
        from selenium.webdriver.webkitgtk.service import Service

        self._config = tempfile.TemporaryDirectory(prefix="minimus-webkit-")
        gtk = Path(self._config.name, "gtk-3.0")
        gtk.mkdir()
        (gtk / "gtk.css").write_text(GTK_CSS)
        options = Options()
        options.binary_location = MINIBROWSER
        options.add_argument("--automation")
        if dark:
            options.add_argument("--dark-mode")
        env = {**os.environ, "DISPLAY": display, "XDG_CONFIG_HOME": self._config.name}
        env.pop("WAYLAND_DISPLAY", None)
        service = Service(executable_path=WEBKIT_DRIVER, env=env)
        self.cutter = cutter
        self.base_url = cutter.url if cutter else ""
        self.driver = webdriver.WebKitGTK(options=options, service=service)
        self.driver.set_script_timeout(20)

    def _driver_find_all(self, by: str, selector: str) -> list[Any]:
        return self.driver.find_elements(by, selector)

    def goto(self, path: str) -> None:
        self.driver.get(self.base_url + path if path.startswith("/") else path)

    def reload(self) -> None:
        self.driver.refresh()

    def js(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def js_async(self, script: str, *args: Any) -> Any:
        return self.driver.execute_async_script(script, *args)

    def set_viewport(self, width: int, height: int) -> None:
        self.driver.set_window_size(width, height)
        wait_for(lambda: self.js("return innerWidth") == width, what=f"a {width} px wide WebKit viewport")

    def png(self) -> bytes:
        return self.driver.get_screenshot_as_png()

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            self._config.cleanup()


class FirefoxPage(EnginePage):
    """Headless Firefox ESR with a temporary profile, driven over Marionette."""

    engine = "firefox"

    def __init__(self, *, cutter: LinkCutter | None = None, base_url: str = "") -> None:
        from marionette_driver.marionette import Marionette

        self._profile = tempfile.TemporaryDirectory(prefix="minimus-firefox-")
        lines = [f"user_pref({_js_literal(k)}, {_js_literal(v)});" for k, v in FIREFOX_PREFS.items()]
        Path(self._profile.name, "user.js").write_text("\n".join(lines) + "\n")
        self.process = start_group(
            [
                FIREFOX,
                "--marionette",
                "--headless",
                "--no-remote",
                "-remote-allow-system-access",
                "--profile",
                self._profile.name,
            ],
            env={**os.environ, "MOZ_CRASHREPORTER_DISABLE": "1"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = Path(self._profile.name, "MarionetteActivePort")
        try:
            port = int(
                wait_for(
                    lambda: port_file.exists() and port_file.read_text().strip(),
                    timeout=30,
                    what="Firefox's Marionette port",
                )
            )
            self.client = Marionette(host="127.0.0.1", port=port)
            self.client.start_session()
            self.client.timeout.script = 20
        except BaseException:
            stop_group(self.process, grace_seconds=5)
            self._profile.cleanup()
            raise
        self.cutter = cutter
        self.base_url = cutter.url if cutter else base_url

    def _driver_find_all(self, by: str, selector: str) -> list[Any]:
        return self.client.find_elements(by, selector)

    def goto(self, path: str) -> None:
        self.client.navigate(self.base_url + path if path.startswith("/") else path)

    def reload(self) -> None:
        # Marionette's refresh bypasses the service worker, like a hard reload; the page's own
        # reload is the one a user's pull-to-refresh does.
        self.js("window.__minimusBeforeReload = true; setTimeout(() => location.reload(), 0)")
        self.wait(
            "return !window.__minimusBeforeReload && document.readyState === 'complete'",
            what="the reloaded page",
        )

    def js(self, script: str, *args: Any) -> Any:
        return self.client.execute_script(script, script_args=list(args), new_sandbox=False)

    def js_async(self, script: str, *args: Any) -> Any:
        return self.client.execute_async_script(script, script_args=list(args), new_sandbox=False)

    def set_viewport(self, width: int, height: int) -> None:
        with self.client.using_context(self.client.CONTEXT_CHROME):
            chrome_height = self.client.execute_script(
                "for (const element of document.querySelectorAll('*')) element.style.minWidth = '0px';"
                "return window.outerHeight - window.innerHeight;"
            )
        self.client.set_window_rect(width=width, height=height + chrome_height)
        wait_for(lambda: self.js("return innerWidth") == width, what=f"a {width} px wide Firefox viewport")

    def set_dark(self, dark: bool) -> None:
        # 0 dark, 1 light: what the page's prefers-color-scheme answers.
        self.client.set_pref("layout.css.prefers-color-scheme.content-override", 0 if dark else 1)

    def png(self) -> bytes:
        return self.client.screenshot(format="binary", full=False)

    def element_png(self, element: Any) -> bytes:
        return self.client.screenshot(element=element, format="binary")

    def close(self) -> None:
        try:
            # Asked to quit, Firefox is gone in well under a second; SIGTERM takes it seconds.
            with suppress(Exception), self.client.using_context(self.client.CONTEXT_CHROME):
                self.client.execute_script("Services.startup.quit(Ci.nsIAppStartup.eForceQuit)")
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=5)
        finally:
            stop_group(self.process, grace_seconds=5)
            self._profile.cleanup()


class ChromiumPage(EnginePage):
    """A Playwright page behind the same interface, so one comparison covers all three engines."""

    engine = "chromium"

    def __init__(self, page: Any, *, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    def _driver_find_all(self, by: str, selector: str) -> list[Any]:
        prefix = "xpath=" if by == "xpath" else "css="
        return [_ShownHandle(handle) for handle in self.page.query_selector_all(prefix + selector)]

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path if path.startswith("/") else path)

    def reload(self) -> None:
        self.page.reload()

    def js(self, script: str, *args: Any) -> Any:
        return self.page.evaluate(
            "([body, args]) => new Function(body).apply(null, args)", [script, [_unwrap(a) for a in args]]
        )

    def js_async(self, script: str, *args: Any) -> Any:
        return self.page.evaluate(
            "([body, args]) => new Promise((done) => new Function(body).apply(null, [...args, done]))",
            [script, [_unwrap(a) for a in args]],
        )

    def set_viewport(self, width: int, height: int) -> None:
        self.page.set_viewport_size({"width": width, "height": height})

    def png(self) -> bytes:
        return self.page.screenshot()

    def element_png(self, element: Any) -> bytes:
        return _unwrap(element).screenshot()

    def close(self) -> None:
        self.page.close()


class _ShownHandle:
    def __init__(self, handle: Any) -> None:
        self.handle = handle

    def is_displayed(self) -> bool:
        return self.handle.is_visible()

    def click(self) -> None:
        self.handle.click()


def _unwrap(value: Any) -> Any:
    return value.handle if isinstance(value, _ShownHandle) else value


def _js_literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def timed(label: str, timings: dict[str, float]) -> Any:
    """Context manager adding the block's wall time to ``timings[label]``."""

    @contextmanager
    def block() -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            timings[label] = timings.get(label, 0.0) + time.monotonic() - started

    return block()


# Fixtures (registered as a plugin in tests/conftest.py).

import pytest  # noqa: E402

from tests.services import need  # noqa: E402


@pytest.fixture(scope="session")
def webkit_display() -> Iterator[str]:
    need(webkit_available(), "WebKitGTK (webkit2gtk-driver) and Xvfb")
    with xvfb_display() as display:
        yield display


@contextmanager
def _phone_behind_a_cuttable_link(
    live_server: Any, open_page: Callable[[LinkCutter], EnginePage]
) -> Iterator[Any]:
    """A page opened by ``open_page`` at 360x740, reaching the live server through a link it can cut."""
    cutter = LinkCutter(int(live_server.url.rsplit(":", 1)[1]))
    page = open_page(cutter)
    try:
        page.set_viewport(360, 740)
        yield page
    finally:
        page.close()
        cutter.close()


@pytest.fixture
def webkit_page(webkit_display: str, live_server: Any) -> Iterator[WebKitPage]:
    """A fresh MiniBrowser (own data) at 360x740 whose link to the live server the test can cut."""
    with _phone_behind_a_cuttable_link(
        live_server, lambda cutter: WebKitPage(display=webkit_display, cutter=cutter)
    ) as page:
        yield page


@pytest.fixture
def firefox_page(live_server: Any) -> Iterator[FirefoxPage]:
    """A fresh headless Firefox ESR (temporary profile) at 360x740, its link cuttable too."""
    need(firefox_available(), "Firefox ESR (firefox-esr)")
    with _phone_behind_a_cuttable_link(live_server, lambda cutter: FirefoxPage(cutter=cutter)) as page:
        yield page
