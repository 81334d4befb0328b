from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "kerne.organisation"
    label = "organisation"
