from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "schalter.demo"
    label = "demo"
