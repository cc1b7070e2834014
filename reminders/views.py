from __future__ import annotations

from core.settings_actions import SettingsOutcome, owned_action_view
from reminders.devices import push_subscription_revoke

PUSH_DEVICE_STOPPED = SettingsOutcome(
    "devices",
    done="Notifications to that browser are stopped.",
    missing="No such notification device among yours.",
)


push_subscription_revoke_view = owned_action_view(push_subscription_revoke, outcome=PUSH_DEVICE_STOPPED)
