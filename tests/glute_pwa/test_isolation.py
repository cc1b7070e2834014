"""User B can never read, list, change or delete user A's data, through any URL.

The walk covers every route of the URL conf and every path of the OpenAPI
schema. tests/isolation_registry.py says, for each route, how to make A's
object or why the route holds none; a route it does not name fails the walk.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from rest_framework.test import APIClient

from accounts.export import export_as_dict
from tests import isolation_registry as registry
from tests.data_ownership import owned_rows

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("post", "put", "patch", "delete")
A_PASSWORD = "a-Long-pass-phrase-42"


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    params: tuple[str, ...]


def all_routes() -> list[Route]:
    """Every named route of the URL conf, admin aside (staff only, Django's own)."""
    found: dict[str, Route] = {}

    def walk(patterns: list[Any], prefix: str, params: tuple[str, ...]) -> None:
        for pattern in patterns:
            here = params + tuple(pattern.pattern.regex.groupindex)
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if route.startswith("admin/"):
                    continue
                walk(pattern.url_patterns, route, here)
            elif isinstance(pattern, URLPattern):
                if pattern.name is None:
                    raise AssertionError(f"unnamed route {route!r}: name it so the walk can classify it")
                found.setdefault(pattern.name, Route(pattern.name, route, here))

    walk(get_resolver().url_patterns, "", ())
    return sorted(found.values(), key=lambda r: r.name)


def _client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _snapshot(user: Any) -> tuple[dict, dict]:
    document = export_as_dict(user=user)
    document.pop("exported_at")
    return owned_rows(user.pk), document


def _markers(owner: Any, owner_objects: dict[str, dict[str, str]]) -> set[str]:
    """Strings that only A's data contains: A's object ids and username."""
    values = {str(v) for kwargs in owner_objects.values() for v in kwargs.values()}
    return {v for v in values if len(v) >= 6} | {owner.get_username()}


def _leaks(response: Any, markers: set[str]) -> set[str]:
    body = b"".join(response) if getattr(response, "streaming", False) else response.content
    text = body.decode("utf-8", "replace")
    return {marker for marker in markers if marker in text}


@pytest.fixture
def owner(make_user):
    return make_user("owner-a-7f3c", time_zone="Pacific/Chatham")


@pytest.fixture
def attacker(make_user):
    return make_user("attacker-b", time_zone="UTC")


def test_every_route_is_classified_for_the_walk():
    unclassified = []
    objects_without_factory = []
    for route in all_routes():
        known = (
            route.name in registry.OBJECT_FACTORIES
            or route.name in registry.PUBLIC_PARAM_URLS
            or (not route.params and route.name in registry.OWN_DATA_URLS | registry.PUBLIC_URLS)
        )
        if known:
            continue
        if route.params:
            objects_without_factory.append(f"{route.route} ({route.name}, params {route.params})")
        else:
            unclassified.append(f"{route.route} ({route.name})")
    assert objects_without_factory == [], (
        "Routes with a path parameter need a factory in tests/isolation_registry.py OBJECT_FACTORIES "
        "(or PUBLIC_PARAM_URLS if they hold no user data)"
    )
    assert unclassified == [], "Add these to OWN_DATA_URLS or PUBLIC_URLS (tests/isolation_registry.py)"


def test_registry_names_only_routes_that_exist():
    names = {route.name for route in all_routes()}
    registered = (
        set(registry.OBJECT_FACTORIES)
        | registry.OWN_DATA_URLS
        | registry.PUBLIC_URLS
        | set(registry.PUBLIC_PARAM_URLS)
    )
    assert registered - names == set(), "stale names in tests/isolation_registry.py"


def _resolve_sample(path: str) -> Any:
    """Resolve an OpenAPI path template with sample values: a UUID, else an integer id."""
    for sample in ("00000000-0000-4000-8000-000000000000", "1"):
        try:
            return resolve(re.sub(r"\{[^}]+\}", sample, path))
        except Resolver404:
            continue
    raise AssertionError(f"{path} resolves to no route")


def test_every_openapi_path_is_a_walked_route(client):
    schema = client.get("/api/schema/?format=json").json()
    walked = {route.name for route in all_routes()}
    missing = []
    for path in schema["paths"]:
        match = _resolve_sample(path)
        if match.url_name not in walked:
            missing.append(path)
    assert schema["paths"], "the schema lists no paths"
    assert missing == []


def _bad_text_bodies(owner_id: str) -> list[bytes]:
    """Raw JSON bodies: every string a NUL or a lone surrogate (as \\u escapes), and 1,000 levels deep."""
    fields = ["id", "zone", "side", "posture", "portion", "tool", "note", "time_zone", "kind", "endpoint"]
    bodies = []
    for bad in ("\x00", "\ud800", "x\udfff"):
        bodies.append(json.dumps(dict.fromkeys(fields, bad) | {"user": owner_id}, ensure_ascii=True).encode())
    bodies.append(("[" * 1000 + "]" * 1000).encode())
    return bodies


def walk_as_attacker(owner: Any, attacker: Any) -> tuple[list[str], list[str]]:
    """Every route as B against A's data; returns (paths walked, failures)."""
    owner_objects = registry.seed_everything(owner)
    registry.seed_everything(attacker)
    markers = _markers(owner, owner_objects)
    before = _snapshot(owner)
    walked: list[str] = []
    failures: list[str] = []

    # 1. A's objects, addressed directly, with every method: 404 (or 403, or 405 if the route lacks it).
    for name, kwargs in owner_objects.items():
        path = reverse(name, kwargs=kwargs)
        client = _client_for(attacker)
        for method in ("get", *WRITE_METHODS):
            body = {"id": next(iter(kwargs.values()))}
            response = getattr(client, method)(path, body, format="json")
            # 405 comes from method dispatch, before any lookup, so it says nothing about A's object.
            allowed = (403, 404, 405)
            if response.status_code not in allowed:
                failures.append(f"{method.upper()} {path} as B -> {response.status_code}")
            elif _leaks(response, markers):
                failures.append(f"{method.upper()} {path} as B revealed {_leaks(response, markers)}")
        walked.append(path)

    # 2. Routes over the caller's own data: lists with filters pointing at A, writes naming A's ids.
    owner_id = next(iter(markers - {owner.get_username()}), str(owner.pk))
    for route in all_routes():
        if route.name not in registry.OWN_DATA_URLS | registry.PUBLIC_URLS or route.params:
            continue
        if route.name in registry.NOT_SENT_AS_ATTACKER:
            continue
        path = reverse(route.name)
        client = _client_for(attacker)
        query = {param: str(owner.pk) for param in ("user", "user_id", "owner")} | {
            "id": owner_id,
            "ids": owner_id,
            "username": owner.get_username(),
            "from": "1970-01-01",
            "to": "2999-12-31",
            "cursor": "0",
        }
        if route.name == "api-schema":
            query = {"format": "json"}
        elif route.name in registry.ECHOES_QUERY_STRING:
            query = {}
        response = client.get(path, query)
        if response.status_code >= 500:
            failures.append(f"GET {path} as B -> {response.status_code}")
        elif _leaks(response, markers):
            failures.append(f"GET {path} with filters for A revealed {_leaks(response, markers)}")
        for method in WRITE_METHODS:
            response = getattr(client, method)(path, {"id": owner_id, "user": owner.pk}, format="json")
            if response.status_code >= 500 or _leaks(response, markers):
                failures.append(f"{method.upper()} {path} naming A's ids -> {response.status_code}")
        walked.append(path)

    # 3. Requests only an endpoint's author can phrase (sync push of A's ids), and B importing A's export.
    client = _client_for(attacker)
    hostile = [("post", "/api/import", export_as_dict(user=owner))]
    for make_requests in registry.HOSTILE_REQUESTS:
        hostile += make_requests(owner_objects)
    for method, path, body in hostile:
        response = getattr(client, method)(path, body, format="json")
        if response.status_code >= 500 or _leaks(response, markers - {owner.get_username()}):
            failures.append(f"{method.upper()} {path} (hostile) -> {response.status_code}")

    # 4. Text no database stores and no renderer encodes (NUL, lone surrogates), and JSON nested
    # past the limit, against every route B can write to: a 4xx that echoes none of it.
    paths = [reverse(name, kwargs=kwargs) for name, kwargs in owner_objects.items()]
    paths += [
        reverse(route.name)
        for route in all_routes()
        if route.name in registry.OWN_DATA_URLS
        and not route.params
        and route.name not in registry.NOT_SENT_AS_ATTACKER
    ]
    for path in paths:
        # One signed-in client per path: a refused body changes nothing, and the check after the
        # batch proves the session lived through every request (else the walk would prove nothing).
        client = _client_for(attacker)
        for body in _bad_text_bodies(owner_id):
            for method in WRITE_METHODS:
                response = getattr(client, method)(path, body, content_type="application/json")
                text = response.content.decode("utf-8", errors="strict")
                if (
                    response.status_code >= 500
                    or "\\u0000" in text
                    or "\x00" in text
                    or _leaks(response, markers)
                ):
                    failures.append(f"{method.upper()} {path} (bad text) -> {response.status_code}")
        if client.get("/api/account/").status_code != 200:
            failures.append(f"{path} (bad text) signed B out: the walk did not reach it signed in")
        walked.append(f"{path} (bad text)")

    if _snapshot(owner) != before:
        failures.append("B's requests changed A's data")
    return walked + [f"{m.upper()} {p}" for m, p, _ in hostile], failures


def test_other_user_cannot_touch_owners_objects_or_see_them_in_lists(owner, attacker):
    walked, failures = walk_as_attacker(owner, attacker)
    assert failures == []
    assert len(walked) >= len(registry.OWN_DATA_URLS) + len(registry.OBJECT_FACTORIES)
    print(f"\nisolation walk: {len(walked)} URLs and requests walked as another user")


def test_export_as_other_user_contains_nothing_of_the_owner(owner, attacker):
    owner_objects = registry.seed_everything(owner)
    registry.seed_everything(attacker)
    markers = _markers(owner, owner_objects)
    client = _client_for(attacker)
    for export_format in ("json", "csv"):
        response = client.get("/api/export", {"format": export_format})
        assert response.status_code == 200
        assert _leaks(response, markers) == set()
    assert json.loads(client.get("/api/export").content)["profile"]["username"] == "attacker-b"


def test_anonymous_visitors_reach_no_personal_data(owner):
    owner_objects = registry.seed_everything(owner)
    client = APIClient()
    paths = [reverse(name, kwargs=kwargs) for name, kwargs in owner_objects.items()]
    paths += [reverse(name) for name in sorted(registry.OWN_DATA_URLS)]
    # Every API door, the notification snooze included, challenges for a credential: 401.
    for path in paths:
        response = client.get(path)
        if path.startswith("/api/"):
            assert response.status_code == 401, path
        else:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], path


def test_public_routes_answer_without_server_errors(client):
    for route in all_routes():
        if route.name in registry.NOT_SENT_AS_ATTACKER:
            continue
        if route.name in registry.PUBLIC_URLS and not route.params:
            path = reverse(route.name)
        elif route.name in registry.PUBLIC_PARAM_URLS:
            path = reverse(route.name, kwargs=registry.PUBLIC_PARAM_URLS[route.name])
        else:
            continue
        assert client.get(path).status_code < 500, path


@pytest.mark.urls("tests.glute_pwa.leaky_urls")
def test_walk_fails_for_a_route_without_a_factory():
    with pytest.raises(AssertionError, match="OBJECT_FACTORIES"):
        test_every_route_is_classified_for_the_walk()


@pytest.mark.urls("tests.glute_pwa.leaky_urls")
def test_walk_passes_an_owner_checked_route_and_catches_a_leaky_one(owner, attacker, monkeypatch):
    def profile_of(user: Any) -> dict[str, str]:
        return {"pk": str(user.profile.pk)}

    monkeypatch.setattr(registry, "OBJECT_FACTORIES", {"test-profile-detail": profile_of})
    walked, failures = walk_as_attacker(owner, attacker)
    assert failures == []
    assert f"/api/test-profiles/{owner.profile.pk}/" in walked

    monkeypatch.setattr(registry, "OBJECT_FACTORIES", {"leaky-profile-detail": profile_of})
    _, failures = walk_as_attacker(owner, attacker)
    leaky = f"/api/leaky-profiles/{owner.profile.pk}/"
    assert f"GET {leaky} as B -> 200" in failures
    assert "B's requests changed A's data" in failures
