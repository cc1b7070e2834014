"""This app's part of Settings → Your devices: every browser that receives reminders."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse
from django.utils.dateformat import format as date_format

from accounts.devices import DeviceGroup, DeviceItem
from reminders.models import PushSubscription
from reminders.services import subscription_stop


def push_subscription_revoke(*, user: AbstractBaseUser, subscription_id: int) -> bool:
    """Stop notifications to that browser; False if the subscription is not the user's."""
    subscription = PushSubscription.objects.filter(user=user, pk=subscription_id).first()
    if subscription is None:
        return False
    subscription_stop(user=user, endpoint=subscription.endpoint)
    return True


def push_subscriptions(user: AbstractBaseUser) -> DeviceGroup:
    subscriptions = PushSubscription.objects.filter(user=user).order_by("-created_at")
    return DeviceGroup(
        title="Reminder notifications",
        help="Each browser that shows your reminders. Revoking one stops notifications to it at once.",
        items=[
            DeviceItem(
                label=(subscription.user_agent[:60] or "Unknown browser"),
                detail=f"Since {date_format(subscription.created_at, 'j M Y')}, "
                + (
                    f"last notification {date_format(subscription.last_success_at, 'j M Y, H:i')} UTC"
                    if subscription.last_success_at
                    else "no notification yet"
                ),
                revoke_url=reverse("push-subscription-revoke", kwargs={"subscription_id": subscription.pk}),
                revoke_label="Stop notifications here",
            )
            for subscription in subscriptions
        ],
    )
