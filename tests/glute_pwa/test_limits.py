"""Oversized bodies, oversized pages and oversized uploads get a 4xx that says why, and change nothing."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.generics import ListAPIView
from rest_framework.serializers import ModelSerializer
from rest_framework.test import APIRequestFactory, force_authenticate

from accounts.export import export_as_dict
from accounts.models import Profile
from core.pagination import MAX_LIMIT, CappedLimitOffsetPagination
from tests import isolation_registry as registry

pytestmark = pytest.mark.django_db
THREE_MB = 3 * 1024 * 1024


def test_a_body_over_the_limit_is_413_with_a_message_and_nothing_changes(user_client, user):
    body = json.dumps({"time_zone": "Asia/Tokyo", "padding": "x" * THREE_MB})
    response = user_client.patch("/api/account/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": "Request body is too large."}
    assert Profile.objects.get(user=user).time_zone == "Europe/Berlin"


def test_an_oversized_import_is_413_too(user_client, user):
    document = export_as_dict(user=user) | {"padding": "x" * THREE_MB}
    response = user_client.post("/api/import", json.dumps(document), content_type="application/json")
    assert response.status_code == 413


def test_an_import_upload_over_its_own_limit_is_refused_by_field(user_client, user, settings):
    settings.IMPORT_MAX_BYTES = 2048
    document = export_as_dict(user=user) | {"padding": "x" * 4096}
    upload = SimpleUploadedFile("big.json", json.dumps(document).encode(), "application/json")
    response = user_client.post("/api/import", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert "larger than" in response.json()["file"][0]


class _ProfileSerializer(ModelSerializer):
    class Meta:
        model = Profile
        fields = ["id", "time_zone"]


class _ProfileList(ListAPIView):
    serializer_class = _ProfileSerializer

    def get_queryset(self):
        return Profile.objects.order_by("id")


def _list(query: str, user) -> object:
    request = APIRequestFactory().get("/profiles/" + query)
    force_authenticate(request, user=user)
    return _ProfileList.as_view()(request)


def test_project_pagination_is_the_capped_one(settings):
    default = settings.REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]
    assert default == "core.pagination.CappedLimitOffsetPagination"
    assert CappedLimitOffsetPagination.max_limit == MAX_LIMIT == 500


def test_pages_up_to_the_cap_are_served(user, make_user):
    for _ in range(3):
        make_user()
    response = _list("?limit=2", user)
    assert response.status_code == 200
    assert response.data["count"] == 4
    assert len(response.data["results"]) == 2
    assert _list(f"?limit={MAX_LIMIT}", user).status_code == 200


@pytest.mark.parametrize(
    "query", ["?limit=501", "?limit=0", "?limit=-5", "?limit=ten", "?offset=-1", "?offset=x"]
)
def test_page_requests_outside_the_cap_are_400_with_the_allowed_range(user, query):
    response = _list(query, user)
    assert response.status_code == 400
    field = query[1:].split("=")[0]
    assert "whole number" in str(response.data[field][0])


def test_no_own_data_api_route_serves_an_oversized_page(user_client):
    """Every list the project has (now or after a merge) refuses limit=100000 or ignores paging."""
    for name in sorted(registry.OWN_DATA_URLS):
        path = reverse(name)
        if not path.startswith("/api/"):
            continue
        response = user_client.get(path, {"limit": 100_000})
        assert response.status_code < 500, path
        if response.status_code == 200 and response["Content-Type"].startswith("application/json"):
            data = response.json()
            assert not (isinstance(data, dict) and "results" in data), f"{path} served a page over the cap"
