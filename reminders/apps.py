from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "reminders"

    def ready(self) -> None:
        from accounts.signals import time_zone_changed
        from core.metrics import register_state_collector
        from reminders import tasks  # noqa: F401 - registers the tasks the tick enqueues by name
        from reminders.metrics import deliveries_by_status, queue_depth
        from reminders.receivers import schedules_follow_profile_time_zone

        time_zone_changed.connect(schedules_follow_profile_time_zone, dispatch_uid="reminders.time_zone")
        register_state_collector(deliveries_by_status)
        register_state_collector(queue_depth)
