from django.apps import AppConfig


class OfficesConfig(AppConfig):
    name = "schalter.offices"
    label = "offices"

    def ready(self) -> None:
        from schalter.offices import checks  # noqa: F401 (registers the deployment checks)
