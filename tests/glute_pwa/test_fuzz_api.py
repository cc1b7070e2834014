"""Schemathesis drives every operation of the project's own OpenAPI schema on the live test server.

Bounded: at most FUZZ_MAX_EXAMPLES generated requests per operation and mode
(valid data, then deliberately invalid data) with an API token, and
FUZZ_SESSION_EXAMPLES more with the session cookie and its CSRF token; no
per-example deadline, and a time budget for the whole run. Every schemathesis
check runs (no 5xx, documented statuses, headers and bodies, invalid data and
invalid credentials refused) but one: "schema-valid data accepted" cannot hold
where the server checks what a schema cannot say (a time zone must be a known
IANA name, a record id must be free), and those refusals are 400s with field
messages, as everywhere. New endpoints are fuzzed as soon as they appear in the
schema.
"""

from __future__ import annotations

import functools
import json
import os
import re
import time
from collections.abc import Callable

import hypothesis
import pytest
import requests
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, Phase
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from accounts.services import token_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "25"))
SESSION_EXAMPLES = int(os.environ.get("FUZZ_SESSION_EXAMPLES", "5"))
TIME_BUDGET_SECONDS = 600
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)


def _fuzz(
    operation: schemathesis.APIOperation, mode: schemathesis.GenerationMode, send: Callable, *, examples: int
) -> None:
    @hypothesis.settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,  # the same cases every run: a CI failure reproduces locally
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    def run(case: schemathesis.Case) -> None:
        send(case)

    run()


BAD_TEXT = ["\x00", "\ud800", "ok\udfff"]


def _properties(raw: dict, node: dict) -> list[str]:
    """Property names of a request body schema, following one $ref."""
    ref = node.get("$ref")
    if ref:
        node = raw["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return list(node.get("properties", {}))


def test_no_input_breaks_the_api_or_its_schema(live_server, make_user):
    user = make_user("fuzzer")

    def credentials(auth: str) -> dict[str, str]:
        # Fresh each time: an earlier case may have revoked the token or ended the session.
        if auth == "token":
            return {"Authorization": f"Token {token_for(user=user)}"}
        browser = Client()
        browser.force_login(user)
        session = browser.cookies["sessionid"].value
        answer = requests.get(
            live_server.url + "/api/sync/session", cookies={"sessionid": session}, timeout=30
        )
        csrf = answer.json()["csrf_token"]
        return {
            "Cookie": f"sessionid={session}; csrftoken={answer.cookies['csrftoken']}",
            "X-CSRFToken": csrf,
        }

    schema = schemathesis.openapi.from_url(live_server.url + "/api/schema/?format=json", timeout=30)
    started = time.monotonic()
    cases_run: dict[str, int] = {}
    statuses: dict[int, int] = {}
    failures: list[str] = []

    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        cases_run[label] = 0

        def send(case: schemathesis.Case, label: str = label, auth: str = "token") -> None:
            cases_run[label] += 1
            # A new HTTP session each case: no cookie an earlier answer set may authenticate it.
            response = case.call(
                base_url=live_server.url, session=requests.Session(), headers=credentials(auth), timeout=30
            )
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            # Schemathesis cannot take away a cookie it did not set, so "invalid credentials
            # refused" runs with the token only.
            excluded = [positive_data_acceptance] + ([ignored_auth] if auth == "session" else [])
            case.validate_response(response, excluded_checks=excluded)

        for auth, examples in (("token", MAX_EXAMPLES), ("session", SESSION_EXAMPLES)):
            for mode in MODES:
                try:
                    _fuzz(operation, mode, functools.partial(send, auth=auth), examples=examples)
                except hypothesis.errors.Unsatisfiable:
                    # Nothing to make invalid (no parameters, no body): the valid run covered it.
                    assert mode == schemathesis.GenerationMode.NEGATIVE, label
                except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collect all, then report
                    failures.append(f"{label} ({auth}, {mode.value}): {exc}")
        assert time.monotonic() - started < TIME_BUDGET_SECONDS, "fuzz run over its time budget"

    # Hand-made cases schemathesis rarely finds: every string property a NUL or a lone surrogate
    # (sent as \u escapes), and a body nested 1,000 levels deep, at every operation with a body.
    raw = schema.raw_schema
    for path, methods in raw["paths"].items():
        for method, spec in methods.items():
            content = (spec.get("requestBody") or {}).get("content", {})
            if "application/json" not in content:
                continue
            label = f"{method.upper()} {path} (bad text)"
            url = live_server.url + re.sub(r"\{[^}]+\}", "1", path)
            properties = _properties(raw, content["application/json"].get("schema", {}))
            bodies = [json.dumps(dict.fromkeys(properties, bad) or {"x": bad}) for bad in BAD_TEXT]
            bodies.append("[" * 1000 + "]" * 1000)
            for body in bodies:
                headers = {
                    "Authorization": f"Token {token_for(user=user)}",
                    "Content-Type": "application/json",
                }
                response = requests.request(method, url, data=body, headers=headers, timeout=30)
                cases_run[label] = cases_run.get(label, 0) + 1
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if response.status_code >= 500:
                    failures.append(f"{label}: {response.status_code}")
                elif "\\u0000" in response.text or any(0xD800 <= ord(c) <= 0xDFFF for c in response.text):
                    failures.append(f"{label}: the answer echoes the bad text")

    total = sum(cases_run.values())
    server_errors = sum(count for status, count in statuses.items() if status >= 500)
    print(
        f"\nschemathesis: {len(cases_run)} operations, {total} cases, {server_errors} 5xx, "
        f"statuses {dict(sorted(statuses.items()))}, {time.monotonic() - started:.0f} s"
    )
    assert cases_run, "the schema has no operations"
    assert failures == [], "\n\n".join(failures)
    assert server_errors == 0
