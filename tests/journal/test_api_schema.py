"""The OpenAPI schema describes the journal API well enough for a generated client."""

import json

import pytest
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(user_client):
    response = user_client.get(
        "/api/schema/", {"format": "json"}, HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert response.status_code == 200
    return json.loads(response.content)


def test_schema_is_valid_openapi_3(schema):
    validate_schema(schema)


def test_schema_lists_every_journal_endpoint_with_its_methods(schema):
    paths = schema["paths"]
    assert set(paths["/api/entries/"]) >= {"get", "post"}
    assert set(paths["/api/entries/{id}/"]) >= {"get", "patch", "delete"}
    assert set(paths["/api/massages/"]) >= {"get", "post"}
    assert set(paths["/api/massages/{id}/"]) >= {"get", "patch", "delete"}
    assert "post" in paths["/api/sync/push"]
    assert "get" in paths["/api/sync/pull"]


def test_schema_types_the_record_id_filters_and_sync_shapes(schema):
    paths, components = schema["paths"], schema["components"]["schemas"]
    detail_id = next(p for p in paths["/api/entries/{id}/"]["get"]["parameters"] if p["name"] == "id")
    assert detail_id["schema"]["format"] == "uuid"
    list_params = {p["name"] for p in paths["/api/entries/"]["get"]["parameters"]}
    assert {"from", "to", "limit", "offset"} <= list_params
    pull_params = {p["name"] for p in paths["/api/sync/pull"]["get"]["parameters"]}
    assert {"cursor", "limit", "X-Client-Id"} <= pull_params
    assert set(components["PushRequestRequest"]["required"]) == {"client_id", "schema", "mutations"}
    assert "409" in paths["/api/sync/push"]["post"]["responses"]
    change = components["SyncChange"]
    assert change["discriminator"]["propertyName"] == "type"
    intensity = components["PainEntryInputRequest"]["properties"]["intensity"]
    assert (intensity["minimum"], intensity["maximum"]) == (0, 10)
    assert "elbow" not in str(components["ZoneEnum"])
    assert "outer_thigh" in components["ZoneEnum"]["enum"]


def test_docs_page_is_served_without_a_cdn(user_client):
    response = user_client.get("/api/docs/")
    assert response.status_code == 200
    assert "cdn" not in response.content.decode().lower()
