from __future__ import annotations

import re
import unicodedata

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm

from accounts.timezones import available_time_zones
from core.text import TextFormCharField


class TimeZoneField(TextFormCharField):
    def validate(self, value: str) -> None:
        super().validate(value)
        if value and value not in available_time_zones():
            raise forms.ValidationError("Choose a time zone from the list, e.g. Europe/Berlin.")


USERNAME_MAX = 150
# Letters and digits of any script, spaces between words, and . @ + - _ ' as people write names.
USERNAME_PATTERN = re.compile(r"^[\w .@+'-]+$")


def normalize_username(value: str) -> str:
    """As typed, minus what nobody means: NFKC form, no outer spaces, single inner spaces."""
    return " ".join(unicodedata.normalize("NFKC", value or "").split())


def check_username(value: str) -> str:
    """The username to store, or a ValidationError that says exactly what to change."""
    name = normalize_username(value)
    if not name:
        raise forms.ValidationError("Type a username: your name or a nickname, e.g. Maria K.")
    if len(name) > USERNAME_MAX:
        raise forms.ValidationError(f"Keep it to {USERNAME_MAX} characters (this one has {len(name)}).")
    if not USERNAME_PATTERN.match(name):
        odd = "".join(sorted({ch for ch in name if not USERNAME_PATTERN.match(ch)}))
        raise forms.ValidationError(f"Leave out {odd!s}: use letters, digits, spaces and . @ + - _ ' only.")
    return name


class SignupForm(UserCreationForm):
    # Filled in by the browser (Intl API); falls back to UTC when scripts are off.
    time_zone = TimeZoneField(required=False, widget=forms.HiddenInput, max_length=64)
    email = forms.EmailField(
        required=False,
        label="Email (optional)",
        help_text="Only for a password-reset link if you forget your password. We send one "
        "confirmation link first and nothing else, ever.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": "This does not look like an email address (name@example.org), or leave it empty."
        },
    )

    field_order = ["username", "email", "password1", "password2"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators = []
        username.help_text = "As you like to be called: any letters, spaces allowed, e.g. Maria K."
        username.widget.attrs.update({"autocomplete": "username", "autocapitalize": "none"})

    def clean_username(self) -> str:
        name = check_username(self.data.get("username", ""))
        if self._meta.model.objects.filter(username__iexact=name).exists():
            raise forms.ValidationError("That username is taken: add a letter or a number, e.g. Maria K2.")
        return name

    def _get_validation_exclusions(self) -> set[str]:
        # The model field's validator forbids spaces; clean_username checks the name instead.
        return set(super()._get_validation_exclusions()) | {"username"}

    def clean_time_zone(self) -> str:
        return self.cleaned_data.get("time_zone") or "UTC"

    def keep_passwords_if_fine(self) -> None:
        """After an error elsewhere, the passwords typed stay filled in (not when they were the problem)."""
        if not (self.errors.get("password1") or self.errors.get("password2")):
            for name in ("password1", "password2"):
                self.fields[name].widget.render_value = True


class SignInForm(AuthenticationForm):
    def clean_username(self) -> str:
        return normalize_username(self.cleaned_data.get("username", ""))


class EmailForm(forms.Form):
    email = forms.EmailField(
        max_length=254,
        error_messages={
            "required": "Type your email address.",
            "invalid": "This does not look like an email address (name@example.org).",
        },
    )


class TimeZoneForm(forms.Form):
    time_zone = TimeZoneField(
        max_length=64,
        label="Time zone",
        help_text="Reminders fire and days start in this zone.",
        widget=forms.TextInput(attrs={"list": "time-zone-names", "autocomplete": "off"}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(label="Export file (.json)")


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Deleting cannot be undone. Export your data first if you want to keep it.",
    )
