from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "kerne.reports"
    label = "reports"
