import logging

from django.apps import AppConfig
from django.conf import settings


class AppointmentsConfig(AppConfig):
    name = "schalter.appointments"
    label = "appointments"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from schalter.accounts.actors import SCHEDULER
        from schalter.appointments.models import BookingPolicy, OfficeService
        from schalter.appointments.parts import ONLINE_BOOKING
        from schalter.appointments.retention import personal_data_purge
        from schalter.appointments.selectors import offer_cache_clear
        from schalter.appointments.services import booking_policy_create
        from schalter.catalog.models import Service
        from schalter.offices import parts, retention
        from schalter.offices.models import Office

        parts.register(ONLINE_BOOKING)

        for model in (Office, Service, OfficeService, BookingPolicy):
            for signal in (post_save, post_delete):
                signal.connect(offer_cache_clear, sender=model, dispatch_uid=f"offer-{model}")
        # Every office gets its booking policy when it is set up (offices do not know appointments).
        post_save.connect(booking_policy_create, sender=Office, dispatch_uid="booking-policy")
        retention.eraser_register(
            "appointments",
            lambda *, office, now: personal_data_purge(
                office=office, now=now, acting_user=SCHEDULER
            ),
        )
        # The anti-bot layers may be off only for load tests; say so loudly.
        for name in ("SCHALTER_CAPTCHA", "SCHALTER_RATE_LIMITS"):
            if not getattr(settings, name):
                logging.getLogger("schalter.security").warning(
                    "%s is off: bookings are not protected against bots (load tests only)", name
                )
