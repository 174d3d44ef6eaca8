from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "schalter.knowledge"
    label = "knowledge"
