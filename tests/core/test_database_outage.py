"""A request that finds the database gone gets a 503 to retry, never a 500 traceback."""

from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

from frontend.views import server_error
from tests.journal.helpers import pain_payload

pytestmark = pytest.mark.django_db


def _lost(*args: object, **kwargs: object) -> None:
    raise OperationalError("server closed the connection unexpectedly")


def test_an_api_write_that_loses_the_database_is_a_json_503_with_retry_after(
    user_client, monkeypatch, caplog
):
    monkeypatch.setattr("journal.api.record_create", _lost)
    response = user_client.post("/api/entries/", pain_payload(), format="json")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    assert response.json() == {
        "detail": "The server's database is unavailable for a moment: send the request again shortly.",
        "code": "database_unavailable",
    }
    # Logged once, as a warning, never as an error report per request.
    assert "Service Unavailable" not in caplog.text
    assert "database unavailable: OperationalError" in caplog.text
    # The connection is usable again for the next request on this process.
    assert user_client.get("/api/entries/").status_code == 200


def test_a_page_that_loses_the_database_is_the_apps_own_503_page(user, monkeypatch):
    def closed(*args: object, **kwargs: object) -> None:
        raise InterfaceError("connection already closed")

    monkeypatch.setattr("frontend.views.profile_get", closed)
    browser = Client()
    browser.force_login(user)
    response = browser.get("/settings/")
    assert response.status_code == 503
    page = response.content.decode()
    assert "Back in a moment" in page and "cannot reach its database" in page
    assert "Entries you logged on this phone are kept on it" in page
    assert "Traceback" not in page


def test_other_database_errors_stay_500s(user_client, monkeypatch):
    from django.db import IntegrityError

    def clash(*args: object, **kwargs: object) -> None:
        raise IntegrityError("duplicate key")

    monkeypatch.setattr("journal.api.record_create", clash)
    user_client.raise_request_exception = False
    response = user_client.post("/api/entries/", pain_payload(), format="json")
    assert response.status_code == 500


@pytest.mark.parametrize(
    ("path", "kind"), [("/api/entries/", "application/json"), ("/journal/", "text/html")]
)
def test_a_database_failure_outside_a_view_is_a_503_too(rf, path, kind):
    # A middleware's query fails before any view runs: Django's 500 handler gets the exception.
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(rf.get(path))
    assert response.status_code == 503
    assert response["Content-Type"].startswith(kind)
    assert response["Retry-After"] == "5"


def test_the_500_page_is_unchanged_for_other_failures(rf):
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/journal/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_503_page_on_a_phone(page, context, live_server, login, user, monkeypatch, screenshot):
    monkeypatch.setattr("frontend.views.profile_get", _lost)
    login(context, user)
    page.set_viewport_size({"width": 375, "height": 667})
    response = page.goto(live_server.url + "/settings/")
    assert response.status == 503
    assert page.get_by_role("heading", name="Back in a moment").is_visible()
    assert page.get_by_role("link", name="Go to the home screen").is_visible()
    # Styled by the app's own sheet, which needs no database.
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgba(0, 0, 0, 0)"
    screenshot(page, "database-unavailable-503")
