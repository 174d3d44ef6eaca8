from django.apps import AppConfig


class CallbacksConfig(AppConfig):
    name = "schalter.callbacks"
    label = "callbacks"

    def ready(self) -> None:
        from schalter.callbacks.parts import CALLBACKS_PART
        from schalter.callbacks.services import callbacks_personal_erase
        from schalter.offices import parts, retention

        parts.register(CALLBACKS_PART)
        # Audio, number and caller name go a set number of days after the callback closed.
        retention.eraser_register("callbacks", callbacks_personal_erase)
