from django.apps import AppConfig


class InterpretersConfig(AppConfig):
    name = "schalter.interpreters"
    label = "interpreters"

    def ready(self) -> None:
        from schalter.interpreters.parts import INTERPRETERS_PART
        from schalter.interpreters.tasks import interpreters_minute
        from schalter.offices import parts, ticks

        parts.register(INTERPRETERS_PART)
        ticks.tick_register("interpreters", interpreters_minute)
