from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "schalter.content"
    label = "content"
