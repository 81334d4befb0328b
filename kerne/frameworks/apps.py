from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "kerne.frameworks"
    label = "frameworks"
