"""How a Settings form action answers: back to its section with a message, or 404 if not yours."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST


@dataclass(frozen=True)
class SettingsOutcome:
    """Where an action returns to, what it says when done, and what when nothing of yours matched."""

    section: str
    done: str
    missing: str = "Not found among yours."


def back_to_settings(request: HttpRequest, *, section: str, success: str) -> HttpResponse:
    """Return to ``/settings/#section`` showing ``success``."""
    messages.success(request, success)
    return redirect(f"/settings/#{section}")


def owned_action_done(request: HttpRequest, *, found: bool, outcome: SettingsOutcome) -> HttpResponse:
    """The answer to an action on one of the user's own objects.

    ``found`` is False when no object of this user matched: a 404 that says nothing about
    whether the id belongs to someone else.
    """
    if not found:
        raise Http404(outcome.missing)
    return back_to_settings(request, section=outcome.section, success=outcome.done)


def owned_action_view(
    action: Callable[..., bool], *, outcome: SettingsOutcome
) -> Callable[..., HttpResponse]:
    """A signed-in POST view that runs ``action(user=..., **the URL's ids)`` on one of the
    user's own objects and answers as ``owned_action_done`` does."""

    @login_required
    @require_POST
    def view(request: HttpRequest, **ids: Any) -> HttpResponse:
        return owned_action_done(request, found=action(user=request.user, **ids), outcome=outcome)

    return view
