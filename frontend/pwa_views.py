"""The web app manifest and the service worker script.

django-pwa's settings (PWA_APP_*) stay the single source of the app's identity.
Its own views fall short in two ways, so these replace them at the same URLs:
its worker is a static file (ours needs the precache list and a version derived
from the content), and its manifest template has no `short_name`, `id` or
`categories` keys (see docs/decisions.md).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET
from pwa import app_settings as pwa_settings

from frontend.offline_cache import SERVICE_WORKER_CODE, SERVICE_WORKER_TEMPLATE, service_worker_config


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    config = service_worker_config()
    script = render_to_string(
        SERVICE_WORKER_TEMPLATE,
        {
            "config_json": json.dumps(config, indent=1),
            # Static imports (a service worker may not import() at run time), one per module.
            "worker_imports": "".join(f"import {json.dumps(url)};\n" for url in config["workerScripts"]),
        },
    )
    script += SERVICE_WORKER_CODE.read_text(encoding="utf-8")
    response = HttpResponse(script, content_type="application/javascript; charset=utf-8")
    # Browsers compare the script byte for byte on every update check: never serve a stale one.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    context = {name: getattr(pwa_settings, name) for name in dir(pwa_settings) if name.startswith("PWA_")}
    context.update(
        PWA_APP_ID=settings.PWA_APP_ID,
        PWA_APP_SHORT_NAME=settings.PWA_APP_SHORT_NAME,
        PWA_APP_CATEGORIES=settings.PWA_APP_CATEGORIES,
    )
    response = render(request, "frontend/manifest.json", context, content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response
