from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "schalter.insights"
    label = "insights"

    def ready(self) -> None:
        from schalter.insights.rollups import insights_tick
        from schalter.offices import retention

        # The scheduled tick (manage.py appointments_tick) runs the registered work per office:
        # closed days are rolled up and the free days sampled there.
        retention.eraser_register("insights", insights_tick)
