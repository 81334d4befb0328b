from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kerne.accounts"
    label = "accounts"
