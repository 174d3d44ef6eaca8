from django.apps import AppConfig


class OfficesConfig(AppConfig):
    name = "schalter.offices"
    label = "offices"
