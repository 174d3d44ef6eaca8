from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "schalter.public"
    label = "public"
