"""A user's sign-in sessions, found by the keys recorded at sign-in (never by decoding the table)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.sessions.models import Session
from django.http import HttpRequest

from accounts.models import UserSession

USER_AGENT_MAX = 300


def session_record(*, user: AbstractBaseUser, request: HttpRequest) -> None:
    """Remember this request's session as one of the user's (after sign-in or a key change)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if session.session_key is None:
        session.save()
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX]
    UserSession.objects.update_or_create(
        session_key=session.session_key, defaults={"user": user, "user_agent": user_agent}
    )


def session_forget(*, session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def sessions_delete(*, user: AbstractBaseUser, keep_session_key: str | None = None) -> int:
    """End the user's sessions (all, or all but ``keep_session_key``); the number ended."""
    records = UserSession.objects.filter(user=user)
    if keep_session_key:
        records = records.exclude(session_key=keep_session_key)
    keys = list(records.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    records.delete()
    return len(keys)


def session_delete(*, user: AbstractBaseUser, record_id: int) -> bool:
    """End one of the user's sessions by its record id; False if it is not theirs."""
    record = UserSession.objects.filter(user=user, pk=record_id).first()
    if record is None:
        return False
    Session.objects.filter(session_key=record.session_key).delete()
    record.delete()
    return True


def sessions_of(*, user: AbstractBaseUser) -> list[UserSession]:
    """The user's live sessions, newest first; records of expired sessions are dropped."""
    records = list(UserSession.objects.filter(user=user).order_by("-created_at"))
    live = set(
        Session.objects.filter(session_key__in=[r.session_key for r in records]).values_list(
            "session_key", flat=True
        )
    )
    gone = [r.pk for r in records if r.session_key not in live]
    if gone:
        UserSession.objects.filter(pk__in=gone).delete()
    return [r for r in records if r.session_key in live]


def session_records_purge() -> int:
    """Drop records whose session no longer exists (after clearsessions)."""
    deleted, _ = UserSession.objects.exclude(session_key__in=Session.objects.values("session_key")).delete()
    return deleted
