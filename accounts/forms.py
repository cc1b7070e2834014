from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserCreationForm

from accounts.timezones import available_time_zones


class TimeZoneField(forms.CharField):
    def validate(self, value: str) -> None:
        super().validate(value)
        if value and value not in available_time_zones():
            raise forms.ValidationError("Choose a time zone from the list, e.g. Europe/Berlin.")


class SignupForm(UserCreationForm):
    # Filled in by the browser (Intl API); falls back to UTC when scripts are off.
    time_zone = TimeZoneField(required=False, widget=forms.HiddenInput, max_length=64)

    def clean_time_zone(self) -> str:
        return self.cleaned_data.get("time_zone") or "UTC"


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
