from django.apps import AppConfig


class CallbacksConfig(AppConfig):
    name = "schalter.callbacks"
    label = "callbacks"
