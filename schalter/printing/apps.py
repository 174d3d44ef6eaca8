from django.apps import AppConfig


class PrintingConfig(AppConfig):
    name = "schalter.printing"
    label = "printing"
