from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data across every app, for `bin/run` and for trying Kerne out. Nothing imports it."""

    name = "kerne.demo"
    label = "demo"
