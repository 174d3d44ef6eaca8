from django.apps import AppConfig


class InterpretersConfig(AppConfig):
    name = "schalter.interpreters"
    label = "interpreters"
