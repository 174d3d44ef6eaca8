import logging

from django.apps import AppConfig
from django.conf import settings


class AppointmentsConfig(AppConfig):
    name = "schalter.appointments"
    label = "appointments"

    def ready(self) -> None:
        # The anti-bot layers may be off only for load tests; say so loudly.
        for name in ("SCHALTER_CAPTCHA", "SCHALTER_RATE_LIMITS"):
            if not getattr(settings, name):
                logging.getLogger("schalter.security").warning(
                    "%s is off: bookings are not protected against bots (load tests only)", name
                )
