from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    name = "schalter.observability"
    label = "observability"
