"""Record the sessions signed in before per-user session records existed (one pass, once)."""

from django.conf import settings
from django.db import migrations


def record_existing_sessions(apps, schema_editor):
    from django.contrib.sessions.backends.db import SessionStore

    Session = apps.get_model("sessions", "Session")
    UserSession = apps.get_model("accounts", "UserSession")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    user_ids = set(User.objects.values_list("pk", flat=True))
    store = SessionStore()
    batch = []
    for key, data in Session.objects.values_list("session_key", "session_data").iterator(chunk_size=2000):
        user_id = store.decode(data).get("_auth_user_id")
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            continue
        if user_id in user_ids:
            batch.append(UserSession(user_id=user_id, session_key=key))
        if len(batch) >= 2000:
            UserSession.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    UserSession.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_auth_version_and_pending_email"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(record_existing_sessions, migrations.RunPython.noop)]
