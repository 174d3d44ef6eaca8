from django.apps import AppConfig


class InterpretersConfig(AppConfig):
    name = "schalter.interpreters"
    label = "interpreters"

    def ready(self) -> None:
        from schalter.interpreters.parts import INTERPRETERS_PART
        from schalter.offices import parts

        parts.register(INTERPRETERS_PART)
