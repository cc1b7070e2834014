from django.conf import settings
from django.db import migrations


def create_missing_profiles(apps, schema_editor):
    """Users made before profiles were created with the user (admin, shell) get one now."""
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Profile = apps.get_model("accounts", "Profile")
    missing = User.objects.filter(profile__isnull=True).values_list("pk", flat=True)
    Profile.objects.bulk_create((Profile(user_id=pk) for pk in missing.iterator()), batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_record_existing_sessions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(create_missing_profiles, migrations.RunPython.noop)]
