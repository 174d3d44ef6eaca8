from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "schalter.insights"
    label = "insights"

    def ready(self) -> None:
        from schalter.insights.parts import FEEDBACK_PART
        from schalter.insights.reroll import due_mark
        from schalter.insights.rollups import insights_minute
        from schalter.insights.survey import survey_minute
        from schalter.offices import day_changes, parts, ticks

        parts.register(FEEDBACK_PART)

        # The minute's tick (manage.py appointments_tick) rolls up closed days and samples the
        # free days.
        ticks.tick_register("insights", insights_minute)
        # … and offers the survey for visits and callbacks finished lately.
        ticks.tick_register("insights_survey", survey_minute)
        # A closed day that changes later (a report filed late) is marked, to be rolled up again.
        day_changes.day_listener_register("insights", due_mark)
