from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kerne.api"
    label = "api"
