"""Deleting an account when the session table holds 1,000,000 sessions (PostgreSQL).

The user's own sessions are found by the keys recorded at sign-in, so the time should not
grow with other people's sessions. Target: at most 1 s per deletion (median of 3 users, each
with 20 sessions and a seeded journal), with the million sessions bulk-inserted by
generate_series.
"""

from __future__ import annotations

import statistics
import time

from bench.common import Result

TABLE_SESSIONS = 1_000_000
USER_SESSIONS = 20
USERS = 3
TARGET_SECONDS = 1.0


def _fill_session_table() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE django_session")
        cursor.execute(
            """
            INSERT INTO django_session (session_key, session_data, expire_date)
            SELECT md5(random()::text || n::text) || lpad(n::text, 8, '0'),
                   'e30:1tKp0a:bench-not-a-real-signature',
                   now() + interval '14 days'
            FROM generate_series(1, %s) AS n
            """,
            [TABLE_SESSIONS],
        )
        cursor.execute("ANALYZE django_session")


def _user_with_sessions(index: int):
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import UserSession
    from accounts.services import user_create

    user = user_create(username=f"bench-leaving-{index}", password="bench-Pass-phrase-1", time_zone="UTC")
    for _ in range(USER_SESSIONS):
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store.create()
        UserSession.objects.create(user=user, session_key=store.session_key)
    return user


def run() -> list[Result]:
    from django.contrib.sessions.models import Session

    from accounts.models import UserSession
    from accounts.services import user_delete

    started = time.perf_counter()
    _fill_session_table()
    fill_seconds = time.perf_counter() - started
    timings = []
    for index in range(USERS):
        user = _user_with_sessions(index)
        keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
        start = time.perf_counter()
        user_delete(user=user)
        timings.append(time.perf_counter() - start)
        assert not Session.objects.filter(session_key__in=keys).exists(), "the user's sessions survived"
    remaining = Session.objects.count()
    value = statistics.median(timings)
    return [
        Result(
            "account delete, 1M sessions in table",
            value,
            "s",
            target=f"<= {TARGET_SECONDS:g} s",
            ok=value <= TARGET_SECONDS and remaining == TABLE_SESSIONS,
            notes=[
                f"{USERS} users x {USER_SESSIONS} sessions; runs "
                + ", ".join(f"{t * 1000:.0f} ms" for t in timings),
                f"{TABLE_SESSIONS:,} sessions inserted in {fill_seconds:.1f} s; {remaining:,} left after",
            ],
        )
    ]
