"""Errors and signed-out visits get pages of the app's own: what happened, what to do, a way on."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_an_unknown_address_is_the_apps_own_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page and 'class="tabbar"' in page and "Go to the home screen" in page


def test_an_unknown_api_address_answers_json(client):
    response = client.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_refused_form_is_the_apps_own_csrf_page(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/accounts/time-zone/", {"time_zone": "UTC"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Please send that again" in page and "Nothing was changed." in page


def test_the_403_and_500_pages_render_in_the_apps_style(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    from frontend.views import permission_denied, server_error

    request = rf.get("/somewhere/")
    request.user = AnonymousUser()
    forbidden = permission_denied(request, PermissionDenied())
    assert forbidden.status_code == 403 and "Not open to you" in forbidden.content.decode()

    broken = server_error(rf.get("/journal/"))
    assert broken.status_code == 500
    page = broken.content.decode()
    assert "Something went wrong" in page and "/static/css/app.css" in page


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/journal/", "The pain journal keeps a record of where it hurts"),
        ("/trends/", "Trends show how your pain changes over the weeks"),
    ],
)
def test_signed_out_log_and_trends_say_what_they_do_and_offer_sign_up(client, path, says):
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert says in page
    assert 'href="/accounts/signup/"' in page
    assert f'href="/accounts/login/?next={path}"' in page
