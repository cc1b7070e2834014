"""Every page loads in a real browser under the Content Security Policy without a single violation.

Pages come from the URL registry of the isolation walk, so pages added later
(guide articles, journal screens) are checked without editing this test.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests import isolation_registry as registry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""
SKIP = registry.NOT_SENT_AS_ATTACKER | {"healthz", "serviceworker", "manifest", "api-schema"}


def _page_paths(user) -> list[str]:
    names = sorted(registry.PUBLIC_URLS | registry.OWN_DATA_URLS)
    paths = [reverse(name) for name in names if name not in SKIP]
    paths += [reverse(name, kwargs=kwargs) for name, kwargs in registry.PUBLIC_PARAM_URLS.items()]
    paths += [reverse(name, kwargs=kwargs) for name, kwargs in registry.seed_everything(user).items()]
    # Only what a browser shows as a page: HTML answers to GET (not POST-only form targets,
    # JSON endpoints or downloads).
    client = Client()
    client.force_login(user)
    pages = []
    for path in paths:
        response = client.get(path)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages.append(path)
    return pages


def test_no_page_triggers_a_csp_violation(context, live_server, login, user):
    context.add_init_script(RECORD_VIOLATIONS)
    login(context, user)
    page = context.new_page()
    checked, problems = [], []
    for path in _page_paths(user):
        page.goto(live_server.url + path, wait_until="networkidle")
        violations = page.evaluate("window.__cspViolations")
        errors = [e for e in page.console_errors if "Content Security Policy" in e]
        if violations or errors:
            problems.append(f"{path}: {violations + errors}")
        page.console_errors.clear()
        checked.append(path)

    assert problems == []
    assert "/settings/" in checked and "/privacy/" in checked and "/api/docs/" in checked
