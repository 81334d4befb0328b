from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The pages that draw on every app: the front page and Min side. Nothing imports it."""

    name = "kerne.home"
    label = "home"
