from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "schalter.insights"
    label = "insights"

    def ready(self) -> None:
        from schalter.insights.rollups import insights_minute
        from schalter.offices import ticks

        # The minute's tick (manage.py appointments_tick) rolls up closed days and samples the
        # free days.
        ticks.tick_register("insights", insights_minute)
