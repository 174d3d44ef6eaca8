from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "schalter.planning"
    label = "planning"
