from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "schalter.insights"
    label = "insights"
