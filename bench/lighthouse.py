"""Lighthouse mobile performance of Minimus, served as in production, plus installability.

    (the first run installs the pinned Lighthouse 12 with npm ci in bench/lighthouse/)
    .venv/bin/python bench/lighthouse.py         # prints the figures; JSON reports in bench/results/

The app runs as deployed: PRODUCTION=1, collectstatic with whitenoise's hashed and
compressed files, gunicorn, SQLite in a temporary folder, on 127.0.0.1. Lighthouse drives
Debian's Chromium (CHROME_PATH) with the default mobile emulation and simulated slow 4G,
the performance and accessibility categories (Lighthouse 12 dropped its PWA category, so
installability is checked here through the DevTools protocol, as the browser tests do).
Nothing leaves 127.0.0.1: Chromium runs with background networking off and Lighthouse
with error reporting off. Targets on every page: performance >= 98 and accessibility 100
(median of LIGHTHOUSE_RUNS=3 runs, by performance).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE_DIR = ROOT / "bench" / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))
from bench.common import free_port  # noqa: E402
from tests.services import CHROMIUM_ARGS, CHROMIUM_PATH  # noqa: E402

# The signed-in journey, plus the first page a visitor sees.
PAGES = [
    ("home (signed out)", "/", False),
    ("home", "/", True),
    ("guide", "/guide/", True),
    ("guide: self-massage", "/guide/self-massage/", True),
    ("guide: causes", "/guide/causes/", True),
    ("journal", "/journal/", True),
    ("trends", "/trends/", True),
    ("settings", "/settings/", True),
    ("report", "/trends/report/", True),
]
TARGET = 98
ACCESSIBILITY_TARGET = 100
# Lighthouse scores vary run to run (more so on a shared machine): report the median run.
RUNS = int(os.environ.get("LIGHTHOUSE_RUNS", "3"))
METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "speed-index": "SI",
    "total-byte-weight": "bytes",
}


def production_env(data_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    env.update(
        PRODUCTION="1",
        SECRET_KEY="bench-only-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        MINIMUS_DATA_DIR=data_dir,
        DJANGO_SETTINGS_MODULE="glute_pwa.settings",
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    python = str(ROOT / ".venv" / "bin" / "python")
    done = subprocess.run(
        [python, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


SESSION_SNIPPET = """
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
user = get_user_model().objects.create_user("bench", password="bench-Pass-phrase-42")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server at {url} did not start")


def run_lighthouse(url: str, report: Path, cookie: str | None) -> dict:
    flags = ["--headless=new", *CHROMIUM_ARGS, "--disable-default-apps", "--disable-extensions"]
    command = [
        str(LIGHTHOUSE),
        url,
        "--only-categories=performance,accessibility",
        "--form-factor=mobile",
        "--output=json",
        f"--output-path={report}",
        "--quiet",
        "--no-enable-error-reporting",
        f"--chrome-flags={' '.join(flags)}",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    env = {**os.environ, "CHROME_PATH": CHROMIUM_PATH}
    for attempt in (1, 2):
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        if done.returncode == 0:
            return json.loads(report.read_text())
        # On a busy shared machine Chromium sometimes misses Lighthouse's start-up deadline.
        last_lines = done.stderr.strip().splitlines()[-3:]
        print(f"lighthouse failed (attempt {attempt}): {last_lines}", file=sys.stderr)
    raise RuntimeError(f"lighthouse failed twice on {url}")


def _accessibility_audits(result: dict) -> set[str]:
    return {ref["id"] for ref in result["categories"]["accessibility"]["auditRefs"] if ref.get("weight")}


def installability(url: str) -> tuple[list, list]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="minimus-profile-") as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS, headless=True
        )
        page = context.new_page()
        page.goto(url + "/")
        page.wait_for_function("() => Boolean(navigator.serviceWorker.controller)")
        cdp = context.new_cdp_session(page)
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        manifest_errors = cdp.send("Page.getAppManifest")["errors"]
        context.close()
    return errors, manifest_errors


def main() -> int:
    if not LIGHTHOUSE.exists():
        # The pinned Lighthouse from the npm registry, once; the bench command needs nothing else.
        print("[lighthouse] installing the pinned Lighthouse (npm ci) ...", flush=True)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=LIGHTHOUSE_DIR, check=True)
    RESULTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="minimus-bench-") as data_dir:
        env = production_env(data_dir)
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "migrate", "-v0")
        session_key = manage(env, "shell", "-c", SESSION_SNIPPET).splitlines()[-1]
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "glute_pwa.wsgi:application",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                "2",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            wait_until_up(url)
            errors, manifest_errors = installability(url)
            print(
                f"installable (Chromium DevTools protocol): {not errors}  errors={errors} "
                f"manifest_errors={manifest_errors}"
            )
            worst = 100
            worst_accessibility = 100
            for name, path, signed_in in PAGES:
                slug = path.strip("/").replace("/", "-") or "home"
                cookie = f"sessionid={session_key}" if signed_in else None
                runs = [
                    run_lighthouse(url + path, RESULTS / f"lighthouse-{slug}-{n}.json", cookie)
                    for n in range(RUNS)
                ]
                runs.sort(key=lambda run: run["categories"]["performance"]["score"])
                result = runs[len(runs) // 2]
                score = round(result["categories"]["performance"]["score"] * 100)
                all_scores = [round(run["categories"]["performance"]["score"] * 100) for run in runs]
                worst = min(worst, score)
                accessibility = round(result["categories"]["accessibility"]["score"] * 100)
                worst_accessibility = min(worst_accessibility, accessibility)
                failing = [
                    key
                    for key, audit in result["audits"].items()
                    if audit.get("score") == 0 and key in _accessibility_audits(result)
                ]
                audits = result["audits"]
                figures = "  ".join(
                    f"{label}={audits[key]['displayValue']}"
                    for key, label in METRICS.items()
                    if key in audits
                )
                final = result.get("finalDisplayedUrl") or result.get("finalUrl")
                print(
                    f"{name:20s} performance={score:3d} (runs {all_scores})  accessibility={accessibility}"
                    f"{' failing ' + ','.join(failing) if failing else ''}  {figures}  (final URL {final})"
                )
        finally:
            server.terminate()
            server.wait(timeout=10)
    met = worst >= TARGET and worst_accessibility >= ACCESSIBILITY_TARGET
    print(
        f"worst performance score {worst} (target {TARGET}), worst accessibility {worst_accessibility} "
        f"(target {ACCESSIBILITY_TARGET}): {'OK' if met else 'BELOW TARGET'}"
    )
    return 0 if met and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
