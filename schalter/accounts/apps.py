from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "schalter.accounts"
    label = "accounts"
