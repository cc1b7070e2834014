from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_save


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from accounts import receivers  # the @receiver functions connect on import

        post_save.connect(
            receivers.profile_for_new_user, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.profile"
        )
