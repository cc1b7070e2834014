from django.apps import AppConfig


class BodyConfig(AppConfig):
    name = "body"
    verbose_name = "Body map and vocabulary"
