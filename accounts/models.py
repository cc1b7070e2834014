from __future__ import annotations

from django.conf import settings
from django.db import models

from accounts.timezones import validate_time_zone


class Profile(models.Model):
    """Per-user settings that are not authentication."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    # Detected in the browser at sign-up; reminders and local days depend on it.
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Goes up at every sign-out, password change and token revocation; links signed with an
    # older value (a notification's snooze action) stop working (accounts/security.py).
    auth_version = models.PositiveIntegerField(default=0)
    # An address waiting for its confirmation link to be opened (accounts/email.py).
    pending_email = models.EmailField(blank=True)

    def __str__(self) -> str:
        return f"Profile of {self.user_id} ({self.time_zone})"


class UserSession(models.Model):
    """One signed-in browser session of a user, recorded at sign-in.

    Lets deletion, "sign out everywhere" and the devices list find a user's sessions by
    key instead of decoding every row of the session table.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Session of {self.user_id} since {self.created_at:%Y-%m-%d}"


class DeletedAccount(models.Model):
    """A deleted account, by a keyed hash of its id only.

    A device that still holds the journal of a deleted account learns at its next contact
    that it must wipe it (see accounts/tombstones.py). Nothing else about the account stays.
    """

    id_hash = models.CharField(max_length=64, primary_key=True)
    deleted_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"Deleted account {self.id_hash[:8]}…"


class Passkey(models.Model):
    """A WebAuthn credential (passkey) that signs the user in; its private key never leaves the device."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passkeys")
    # base64url of the raw credential id (at most 1023 bytes by the spec).
    credential_id = models.CharField(max_length=1400, unique=True)
    public_key = models.BinaryField()
    # The authenticator's counter: a lower or equal value at sign-in means a cloned key or a replay.
    sign_count = models.PositiveBigIntegerField(default=0)
    # The WebAuthn user.id the authenticator stored with the credential (one per account).
    user_handle = models.CharField(max_length=128)
    transports = models.JSONField(default=list, blank=True)
    name = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Passkey {self.name!r} of {self.user_id}"
