from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "schalter.knowledge"
    label = "knowledge"

    def ready(self) -> None:
        from schalter.knowledge.parts import KNOWLEDGE_BASE
        from schalter.knowledge.tasks import knowledge_minute
        from schalter.offices import parts, ticks

        parts.register(KNOWLEDGE_BASE)
        # The minute's tick (manage.py appointments_tick) sends the required-reading reminders
        # and the weekly digest, each once per period.
        ticks.tick_register("knowledge", knowledge_minute)
