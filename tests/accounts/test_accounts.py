import pytest
from django.contrib.auth import get_user_model

from accounts.models import Profile

pytestmark = pytest.mark.django_db


def test_signup_creates_user_with_browser_time_zone_and_signs_in(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "carol",
            "password1": "pelvis-Trochanter-81",
            "password2": "pelvis-Trochanter-81",
            "time_zone": "Asia/Kolkata",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="carol")
    assert user.profile.time_zone == "Asia/Kolkata"
    assert client.get("/settings/").status_code == 200


def test_signup_rejects_weak_password_and_unknown_time_zone(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "dan", "password1": "123", "password2": "123", "time_zone": "Mars/Olympus"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "password2" in form.errors
    assert "time_zone" in form.errors
    assert not get_user_model().objects.filter(username="dan").exists()


def test_login_and_logout_follow_django_conventions(client, make_user):
    make_user("erin", password="glute-Minimus-Guide-9")
    response = client.post("/accounts/login/", {"username": "erin", "password": "glute-Minimus-Guide-9"})
    assert response.status_code == 302
    assert client.get("/settings/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/settings/").status_code == 302


def test_settings_page_changes_time_zone(client, user):
    client.force_login(user)
    client.post("/accounts/time-zone/", {"time_zone": "Australia/Adelaide"})
    assert Profile.objects.get(user=user).time_zone == "Australia/Adelaide"


def test_settings_page_refuses_unknown_time_zone(client, user):
    client.force_login(user)
    response = client.post("/accounts/time-zone/", {"time_zone": "Nowhere/Land"}, follow=True)
    assert "Choose a time zone" in response.content.decode()
    assert Profile.objects.get(user=user).time_zone == "Europe/Berlin"


def test_account_api_reads_and_updates_time_zone(user_client):
    assert user_client.get("/api/account/").json() == {"username": "alice", "time_zone": "Europe/Berlin"}
    response = user_client.patch("/api/account/", {"time_zone": "America/St_Johns"}, format="json")
    assert response.status_code == 200
    assert response.json()["time_zone"] == "America/St_Johns"


def test_account_api_rejects_bad_time_zone_with_field_message(user_client):
    response = user_client.patch("/api/account/", {"time_zone": 42}, format="json")
    assert response.status_code == 400
    assert "time_zone" in response.json()


def test_account_api_needs_authentication(api_client):
    assert api_client.get("/api/account/").status_code == 401


def test_pages_that_hold_personal_data_need_login(client):
    response = client.get("/settings/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_signed_out_journal_and_trends_explain_themselves_and_hold_no_data(client):
    for url in ("/journal/", "/trends/"):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Create an account to start" in page
        assert 'id="journal-vocabulary"' not in page and "pain-form" not in page


def test_password_pages_use_the_app_shell_not_the_admin(client, user):
    client.force_login(user)
    page = client.get("/accounts/password_change/").content.decode()
    assert 'class="tabbar"' in page
    assert "Django administration" not in page
    reset = client.get("/accounts/password_reset/").content.decode()
    assert 'class="tabbar"' in reset
