"""What the isolation walk (tests/glute_pwa/test_isolation.py) needs to know about each URL.

Every URL in the URL conf (admin aside) must be named in exactly one of the
tables below, or the walk fails: a new endpoint cannot ship without saying how
another user's access to it is tested. When you add an endpoint:

- a route with a path parameter that names a user's object (``<str:pk>``, ``<int:pk>``):
  add a factory to ``OBJECT_FACTORIES`` that creates one such object for a user
  and returns the URL kwargs. The walk calls every method on it as another user
  and expects 404 (or 403/405) with the owner's data unchanged.
- a route without parameters that works on the caller's own data (lists,
  sync, export, settings forms): add its name to ``OWN_DATA_URLS``. The walk
  calls it as another user, with list filters pointing at the owner's ids,
  and expects nothing of the owner in the answer and nothing of theirs changed.
- a route that holds no user data (guide, schema, health): ``PUBLIC_URLS``,
  or ``PUBLIC_PARAM_URLS`` with sample kwargs when it has parameters.
- requests a generic walk cannot guess (a sync push that names the owner's
  ids): a function in ``HOSTILE_REQUESTS``.
- data with no URL of its own (reminder deliveries): a function in ``SEEDS``,
  so the deletion test proves it goes too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# A user object (AUTH_USER_MODEL instance); kept loose so this module imports before Django is set up.
User = Any


# URL name -> factory(user) creating one object of ``user``'s, returning the URL kwargs,
# e.g. "api-entry": _pain_entry below.
def _pain_entry(user: User) -> dict[str, str]:
    from journal.services.records import record_create
    from tests.journal.helpers import pain_payload

    data = pain_payload(occurred_at="2026-11-20T08:00:00Z", posture="walking", note="owner's note")
    entry = record_create(user=user, record_type="pain_entry", data=data)
    return {"pk": str(entry.id)}


def _massage(user: User) -> dict[str, str]:
    from journal.services.records import record_create
    from tests.journal.helpers import massage_payload

    data = massage_payload(occurred_at="2026-11-20T09:00:00Z", pain_after=3)
    session = record_create(user=user, record_type="massage_session", data=data)
    return {"pk": str(session.id)}


def _push_subscription(user: User) -> dict[str, str]:
    from reminders.services import subscription_upsert

    subscription = subscription_upsert(
        user=user,
        endpoint=f"https://push.example.invalid/owner-{user.pk}",
        p256dh="BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
        auth="tBHItJI5svbpez7KI4CCXg",
        user_agent="owner's phone",
    )
    return {"pk": str(subscription.pk)}


def _reminder(user: User) -> dict[str, str]:
    from reminders.services import schedule_create

    schedule = schedule_create(user=user, times=["08:00"], weekdays=[0, 2, 4], time_zone="Europe/Berlin")
    return {"pk": str(schedule.pk)}


def _user_session(user: User) -> dict[str, str]:
    from django.test import Client

    from accounts.models import UserSession

    Client(HTTP_USER_AGENT="owner's laptop").force_login(user)
    return {"record_id": str(UserSession.objects.filter(user=user).latest("created_at").pk)}


def _passkey(user: User) -> dict[str, str]:
    import uuid

    from webauthn.helpers import bytes_to_base64url

    from accounts.models import Passkey

    passkey = Passkey.objects.create(
        user=user,
        credential_id=bytes_to_base64url(uuid.uuid4().bytes),
        public_key=b"k",
        user_handle=bytes_to_base64url(uuid.uuid4().bytes),
        name="owner's key",
    )
    return {"passkey_id": str(passkey.pk)}


def _sync_client(user: User) -> dict[str, str]:
    import uuid

    from journal.models import SyncClient

    return {"client_id": str(SyncClient.objects.create(client_id=uuid.uuid4(), user=user).client_id)}


def _push_subscription_by_id(user: User) -> dict[str, str]:
    return {"subscription_id": _push_subscription(user)["pk"]}


OBJECT_FACTORIES: dict[str, Callable[[User], dict[str, str]]] = {
    "session-revoke": _user_session,
    "passkey-rename": _passkey,
    "passkey-remove": _passkey,
    "sync-client-revoke": _sync_client,
    "push-subscription-revoke": _push_subscription_by_id,
    "api-entry": _pain_entry,
    "api-massage": _massage,
    "api-push-subscription": _push_subscription,
    "api-reminder": _reminder,
}

# Routes without path parameters that act on the signed-in user's own data.
OWN_DATA_URLS: set[str] = {
    "settings",
    "time-zone-update",
    "data-import",
    "account-delete",
    "api-token-create",
    "api-token-revoke",
    "password_change",
    "password_change_done",
    "email-change",
    "email-remove",
    "sign-out-elsewhere",
    "passkey-register-options",
    "passkey-register-verify",
    "password-set",
    "api-account",
    "api-export",
    "api-import",
    "api-auth-token",
    "api-entries",
    "api-massages",
    "api-sync-push",
    "api-sync-pull",
    "api-sync-session",
    "api-push-subscriptions",
    "api-reminders",
    "api-reminders-test",
    "api-reminders-snooze",
    "api-trends",
    "trends-report",
    "trends-report-pdf",
}

# Routes that show no user data and need no object.
PUBLIC_URLS: set[str] = {
    "home",  # a welcome page when signed out; the signed-in version loads data through the API
    "journal",  # signed out: what the journal does; signed in: a shell that reads the device's journal
    "trends",  # signed out: what trends show; signed in: computed in the browser from the journal
    "healthz",
    "metrics",  # counts and latencies by route, never a user's data; a 404 unless METRICS_TOKEN is set
    "signup",
    "login",
    "passkey-signup-options",
    "passkey-signup-verify",
    "passkey-login-options",
    "passkey-login-verify",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_complete",
    "account-deleted",
    "privacy",
    "guide-index",
    "guide-selfcheck",
    "offline",
    "serviceworker",
    "manifest",
    "api-schema",
    "api-docs",
    "api-push-key",
}

# Public routes with parameters: URL name -> sample kwargs.
PUBLIC_PARAM_URLS: dict[str, dict[str, str]] = {
    "password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
    "guide-page": {"slug": "symptoms"},
    "email-confirm": {"token": "not-a-confirmation-link"},
}

# Logging out mid-walk would turn every later 404 into a redirect; the walk skips
# sending these as the attacker (they only ever affect the caller's own session).
NOT_SENT_AS_ATTACKER: set[str] = {"logout"}

# Routes that copy their query string into the page (Swagger UI's script URL): the walk sends
# them no filters, since seeing its own input echoed back is not a leak.
ECHOES_QUERY_STRING: set[str] = {"api-docs"}


# fn(owner_ids) -> [(method, path, json_body)]: requests by another user that name the owner's
# ids in ways only the endpoint's author knows, e.g. a sync push upserting/deleting those ids.
# ``owner_ids`` maps URL name -> the kwargs its factory returned for the owner.
def _sync_push_of_owner_ids(owner_ids: dict[str, dict[str, str]]) -> list[tuple[str, str, Any]]:
    if "api-entry" not in owner_ids or "api-massage" not in owner_ids:
        return []  # the walk's self-test swaps in its own factories
    entry_id, massage_id = owner_ids["api-entry"]["pk"], owner_ids["api-massage"]["pk"]
    upsert = {
        "occurred_at": "2026-11-21T08:00:00Z",
        "time_zone": "UTC",
        "zone": "foot",
        "side": "right",
        "posture": "rest",
        "intensity": 1,
        "note": "attacker",
    }
    return [
        (
            "post",
            "/api/sync/push",
            {
                "client_id": "7d0c4a4e-0000-4000-8000-00000000b0b0",
                "schema": 1,
                "mutations": [
                    {"id": 1, "type": "pain_entry", "op": "upsert", "record": {"id": entry_id, **upsert}},
                    {"id": 2, "type": "pain_entry", "op": "delete", "record": {"id": entry_id}},
                    {"id": 3, "type": "massage_session", "op": "delete", "record": {"id": massage_id}},
                ],
            },
        ),
        # Creating a record with the owner's id must not overwrite or reveal it.
        ("post", "/api/entries/", {"id": entry_id, **upsert}),
    ]


HOSTILE_REQUESTS: list[Callable[[dict[str, dict[str, str]]], list[tuple[str, str, Any]]]] = [
    _sync_push_of_owner_ids,
]


# fn(user) creating data that has no URL of its own (deliveries, sync state...).
def _delivery(user: User) -> None:
    from django.utils import timezone

    from reminders.models import Delivery

    now = timezone.now()
    Delivery.objects.create(
        user=user, kind=Delivery.Kind.TEST, occurrence_key=f"t:{user.pk}:seed", fire_at=now, deadline=now
    )


SEEDS: list[Callable[[User], None]] = [_delivery]


def seed_everything(user: User) -> dict[str, dict[str, str]]:
    """Give ``user`` one of every kind of object the project knows; return factory kwargs by URL name."""
    for seed in SEEDS:
        seed(user)
    return {name: factory(user) for name, factory in OBJECT_FACTORIES.items()}
