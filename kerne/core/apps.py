from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kerne.core"
    label = "core"
