from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "kerne.evaluations"
    label = "evaluations"
