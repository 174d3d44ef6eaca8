from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "schalter.appointments"
    label = "appointments"
