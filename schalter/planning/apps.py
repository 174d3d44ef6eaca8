from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "schalter.planning"
    label = "planning"

    def ready(self) -> None:
        from schalter.offices import parts
        from schalter.planning.parts import PLANNING

        parts.register(PLANNING)
