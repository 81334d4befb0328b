from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    name = "kerne.development"
    label = "development"
