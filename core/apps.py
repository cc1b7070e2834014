from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core utilities"

    def ready(self) -> None:
        import os
        from pathlib import Path

        from core.request_id import connect_celery_signals

        connect_celery_signals()
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            # prometheus-client writes its files there from the first count on; it makes no folder.
            Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)
