from django.apps import AppConfig


class InterpretersConfig(AppConfig):
    name = "schalter.interpreters"
    label = "interpreters"

    def ready(self) -> None:
        from schalter.appointments.hooks import hook_register
        from schalter.interpreters.parts import INTERPRETERS_PART
        from schalter.interpreters.services import (
            assignments_follow_cancel,
            assignments_follow_move,
            assignments_personal_erase,
        )
        from schalter.interpreters.tasks import interpreters_minute
        from schalter.offices import parts, retention, ticks

        parts.register(INTERPRETERS_PART)
        ticks.tick_register("interpreters", interpreters_minute)
        # An appointment cancelled or moved takes its interpreter requests along.
        hook_register("cancelled", "interpreters", assignments_follow_cancel)
        hook_register("moved", "interpreters", assignments_follow_move)
        # The client's first name and joining details go after the office's retention period.
        retention.eraser_register("interpreters", assignments_personal_erase)
