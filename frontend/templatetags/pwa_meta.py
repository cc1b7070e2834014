from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def pwa_splash_screens() -> list[dict]:
    """iOS start-up images (PWA_APP_SPLASH_SCREEN): src and the media query of the screen each fits."""
    return settings.PWA_APP_SPLASH_SCREEN
