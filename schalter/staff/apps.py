from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "schalter.staff"
    label = "staff"
