from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "schalter.mail"
    label = "mail"
