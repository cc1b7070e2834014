"""A user takes all their data with them and can bring it back without doubling anything."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.export import export_as_dict, export_sections
from accounts.models import Profile
from tests.data_ownership import owned_rows
from tests.isolation_registry import seed_everything

pytestmark = pytest.mark.django_db


def _without_timestamp(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "exported_at"}


def test_json_export_has_the_documented_header_and_every_section(user_client, user):
    response = user_client.get("/api/export?format=json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('.json"')
    assert response["Cache-Control"] == "no-store"
    document = response.json()
    assert document["format"] == "minimus-export"
    assert document["version"] == 1
    assert document["exported_at"].endswith("Z")
    assert document["profile"] == {"username": "alice", "time_zone": "Europe/Berlin"}
    assert set(document) == {"format", "version", "exported_at"} | {s.name for s in export_sections()}


def test_json_is_the_default_format(user_client):
    assert user_client.get("/api/export").json()["format"] == "minimus-export"


def test_csv_export_is_one_table_with_a_type_column(user_client):
    response = user_client.get("/api/export?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["type"] == "profile"
    assert rows[0]["time_zone"] == "Europe/Berlin"


@pytest.mark.parametrize("format_", ["xml", ""])
def test_unknown_export_format_is_a_400_with_a_field_message(user_client, format_):
    response = user_client.get(f"/api/export?format={format_}")
    assert response.status_code == 400
    assert response.json() == {"format": ["Choose csv or json."]}


def test_export_needs_authentication(api_client):
    assert api_client.get("/api/export?format=json").status_code == 401


def test_round_trip_restores_settings_and_reimport_changes_nothing(user_client, user):
    seed_everything(user)
    exported = user_client.get("/api/export?format=json").json()
    rows_before = owned_rows(user.pk)

    # Import into the same account twice: merge by id, nothing doubled.
    first = user_client.post("/api/import", exported, format="json")
    assert first.status_code == 200, first.content
    assert all(count == 0 for count in first.json()["imported"].values())
    second = user_client.post("/api/import", exported, format="json")
    assert second.status_code == 200
    assert _strip_volatile(owned_rows(user.pk)) == _strip_volatile(rows_before)
    assert _without_timestamp(export_as_dict(user=user)) == _without_timestamp(exported)


@pytest.fixture
def newcomer_client(make_user):
    """A second, brand-new account (UTC) signed in through the API client."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.newcomer = make_user("newcomer", time_zone="UTC")
    client.force_login(client.newcomer)
    return client


def test_import_into_a_new_account_recreates_the_data(user, newcomer_client):
    seed_everything(user)
    exported = export_as_dict(user=user)
    client, newcomer = newcomer_client, newcomer_client.newcomer
    response = client.post("/api/import", exported, format="json")
    assert response.status_code == 200
    assert response.json()["imported"]["profile"] == 1
    assert Profile.objects.get(user=newcomer).time_zone == "Europe/Berlin"
    # The account keeps its own name: a file never renames anyone.
    assert client.get("/api/account/").json()["username"] == "newcomer"


def test_import_with_an_error_changes_nothing_and_says_where(user_client, user):
    document = export_as_dict(user=user)
    document["profile"] = {"time_zone": "Mars/Olympus"}
    response = user_client.post("/api/import", document, format="json")
    assert response.status_code == 400
    assert "time_zone" in response.json()["profile"]
    assert Profile.objects.get(user=user).time_zone == "Europe/Berlin"


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"format": "something-else", "version": 1}, "format"),
        ({"format": "minimus-export", "version": 99}, "version"),
        (["not", "an", "object"], "non_field_errors"),
    ],
)
def test_import_refuses_files_that_are_not_minimus_exports(user_client, document, field):
    response = user_client.post("/api/import", document, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_import_refuses_malformed_json_with_400(user_client):
    response = user_client.post("/api/import", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_import_accepts_the_export_file_as_an_upload(user_client, user):
    document = export_as_dict(user=user)
    document["profile"]["time_zone"] = "Asia/Tokyo"
    upload = SimpleUploadedFile("minimus.json", json.dumps(document).encode(), "application/json")
    response = user_client.post("/api/import", {"file": upload}, format="multipart")
    assert response.status_code == 200, response.content
    assert Profile.objects.get(user=user).time_zone == "Asia/Tokyo"


def test_import_upload_that_is_not_json_gets_a_field_message(user_client):
    upload = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0 not json", "image/jpeg")
    response = user_client.post("/api/import", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()


def test_settings_page_offers_export_import_and_delete(client, user):
    client.force_login(user)
    page = client.get("/settings/").content.decode()
    assert "/api/export?format=json" in page
    assert "/api/export?format=csv" in page
    assert 'action="/accounts/import/"' in page
    assert 'href="/accounts/delete/"' in page
    assert 'href="/privacy/"' in page


def test_settings_import_form_reports_success_and_errors(client, user):
    client.force_login(user)
    document = export_as_dict(user=user)
    document["profile"]["time_zone"] = "Africa/Nairobi"
    upload = SimpleUploadedFile("minimus.json", json.dumps(document).encode(), "application/json")
    page = client.post("/accounts/import/", {"file": upload}, follow=True).content.decode()
    assert "Import finished" in page
    assert Profile.objects.get(user=user).time_zone == "Africa/Nairobi"

    document["profile"]["time_zone"] = "Nowhere/Land"
    upload = SimpleUploadedFile("minimus.json", json.dumps(document).encode(), "application/json")
    page = client.post("/accounts/import/", {"file": upload}, follow=True).content.decode()
    assert "Nothing was imported" in page
    assert Profile.objects.get(user=user).time_zone == "Africa/Nairobi"


def test_every_registered_section_can_be_loaded(settings):
    assert [type(section).__module__ + "." + type(section).__name__ for section in export_sections()] == (
        settings.MINIMUS_EXPORT_SECTIONS
    )


def _strip_volatile(rows: dict) -> dict:
    """updated_at moves on a no-op save in some models; content is what must not change."""
    return {
        label: [{k: v for k, v in row.items() if k not in {"updated_at", "last_login"}} for row in model_rows]
        for label, model_rows in rows.items()
    }


def test_csv_cells_cannot_run_as_spreadsheet_formulas(make_user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(make_user("+cmd"))
    rows = list(csv.DictReader(io.StringIO(client.get("/api/export?format=csv").content.decode())))
    assert rows[0]["username"] == "'+cmd"


def test_the_export_lists_passkeys_without_keys_and_import_never_copies_one(
    user_client, user, newcomer_client
):
    from accounts.models import Passkey

    Passkey.objects.create(
        user=user, credential_id="cred-1", public_key=b"\x01\x02", user_handle="h", name="Pixel 8"
    )
    exported = user_client.get("/api/export?format=json").json()
    [row] = exported["passkeys"]
    assert row["name"] == "Pixel 8" and row["created_at"].endswith("Z") and row["last_used_at"] is None
    assert set(row) == {"name", "created_at", "last_used_at"}  # no credential id, no public key

    response = newcomer_client.post("/api/import", exported, format="json")
    assert response.status_code == 200
    assert response.json()["imported"]["passkeys"] == 0
    assert not Passkey.objects.filter(user=newcomer_client.newcomer).exists()
    assert Passkey.objects.filter(user=user).count() == 1
