from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "schalter.knowledge"
    label = "knowledge"

    def ready(self) -> None:
        from schalter.knowledge.parts import KNOWLEDGE_BASE
        from schalter.offices import parts

        parts.register(KNOWLEDGE_BASE)
