from django.conf import settings
from django.core.management.base import BaseCommand

from reminders.vapid import ensure_key_file


class Command(BaseCommand):
    help = "Create a VAPID key pair in the data folder once, unless VAPID keys come from the environment."

    def handle(self, *args: object, **options: object) -> None:
        if settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY:
            self.stdout.write("VAPID keys come from the environment.")
            return
        if ensure_key_file(settings.VAPID_KEY_FILE):
            self.stdout.write(f"Created a VAPID key pair in {settings.VAPID_KEY_FILE}.")
        else:
            self.stdout.write(f"Using the VAPID key pair in {settings.VAPID_KEY_FILE}.")
