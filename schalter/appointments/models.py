"""Appointments. Capacity is a set of seat rows: a booking takes free seats under a row lock, so
an overbooking would need a seat that does not exist (see docs/locking.md)."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class Urgency(models.IntegerChoices):
    NORMAL = 0, _("normal")
    URGENT = 1, _("urgent")


class OfficeService(models.Model):
    """How an office offers a catalogue service."""

    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="office_services"
    )
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.PROTECT, related_name="office_services"
    )
    enabled = models.BooleanField(default=True)
    duration_minutes = models.PositiveSmallIntegerField()
    max_persons = models.PositiveSmallIntegerField(default=1)
    bookable_online = models.BooleanField(default=True)
    booking_window_start_days = models.PositiveSmallIntegerField(default=1)
    booking_window_end_days = models.PositiveSmallIntegerField(default=60)
    urgency = models.IntegerField(choices=Urgency.choices, default=Urgency.NORMAL)

    objects = ScopedManager(office="office")

    class Meta:
        ordering = ["service_id"]
        constraints = [
            models.UniqueConstraint(fields=["office", "service"], name="office_service_unique"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, max_persons__gte=1), name="office_service_sane"
            ),
            models.CheckConstraint(
                condition=Q(booking_window_start_days__lte=models.F("booking_window_end_days")),
                name="office_service_window_ordered",
            ),
        ]


class BookingPolicy(models.Model):
    """An office's booking settings (ZMS defaults)."""

    office = models.OneToOneField(
        "offices.Office", on_delete=models.CASCADE, related_name="booking_policy"
    )
    slot_minutes = models.PositiveSmallIntegerField(default=10)
    hold_minutes = models.PositiveSmallIntegerField(default=10)
    activation_minutes = models.PositiveSmallIntegerField(default=60)
    # A cancelled seat comes back only after this delay, against appointment trading.
    deallocation_minutes = models.PositiveSmallIntegerField(default=15)
    release_hour = models.PositiveSmallIntegerField(default=7)  # local time new days appear
    release_spread_minutes = models.PositiveSmallIntegerField(default=0)  # 0: all at once
    reminder_hours = models.PositiveSmallIntegerField(default=24)
    waitlist_offer_minutes = models.PositiveSmallIntegerField(default=240)
    waitlist_urgent_days = models.PositiveSmallIntegerField(default=42)  # permit expiring within
    horizon_days = models.PositiveSmallIntegerField(default=60)  # how far ahead days are released
    # Personal data is removed this many days after the appointment; figures stay.
    retention_days = models.PositiveSmallIntegerField(default=90)

    @property
    def hold(self) -> timedelta:
        return timedelta(minutes=self.hold_minutes)

    @property
    def activation(self) -> timedelta:
        return timedelta(minutes=self.activation_minutes)


class AvailabilityRule(models.Model):
    """Appointment hours on a weekday for some services, with parallel capacity. Separate from
    opening hours: an office may be open for walk-ins while no appointments are given."""

    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="availability_rules"
    )
    weekday = models.IntegerField(choices=[(d, d) for d in range(7)])
    start = models.TimeField()
    end = models.TimeField()
    capacity_online = models.PositiveSmallIntegerField(default=1)
    capacity_staff = models.PositiveSmallIntegerField(default=0)  # kept for phone and counter
    services = models.ManyToManyField("catalog.Service", related_name="availability_rules")
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)

    objects = ScopedManager(office="office")

    class Meta:
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")), name="availability_rule_start_before_end"
            ),
        ]


class Channel(models.TextChoices):
    ONLINE = "online", _("online")
    STAFF = "staff", _("staff only")


class Seat(models.Model):
    """One client's place in one slot unit. When it is free: `appointments/seats.py`."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(
        AvailabilityRule, on_delete=models.SET_NULL, null=True, related_name="seats"
    )
    start = models.DateTimeField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    index = models.PositiveSmallIntegerField()
    released_at = models.DateTimeField()
    appointment = models.ForeignKey(
        "Appointment", on_delete=models.SET_NULL, null=True, blank=True, related_name="seats"
    )
    held_until = models.DateTimeField(null=True, blank=True)
    free_from = models.DateTimeField(null=True, blank=True)
    # A time block covers it. Not indexed: every query reaches seats by office and start first.
    blocked = models.BooleanField(default=False)

    objects = ScopedManager(office="office")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "start", "channel", "index"], name="seat_unique"
            ),
        ]
        indexes = [models.Index(fields=["office", "start"], name="seat_office_start")]


class Status(models.TextChoices):
    HELD = "held", _("held")
    PENDING = "pending", _("waiting for e-mail confirmation")
    CONFIRMED = "confirmed", _("confirmed")
    CANCELLED = "cancelled", _("cancelled")
    EXPIRED = "expired", _("expired")
    ARRIVED = "arrived", _("arrived")
    NO_SHOW = "no_show", _("did not come")


ACTIVE_STATUSES = (Status.HELD, Status.PENDING, Status.CONFIRMED)


class Appointment(models.Model):
    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="appointments"
    )
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=12, unique=True)
    # Hashes of the tokens of bookings made before links became random (`AppointmentLink`):
    # they were sent in mails, so they open the appointment until it has passed, and the
    # retention tick clears them after (docs/capabilities.md). Empty for newer bookings.
    manage_token_hash = models.CharField(max_length=64, blank=True)
    confirm_token_hash = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    start = models.DateTimeField()
    end = models.DateTimeField()
    persons = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    email_normalised = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=20, blank=True)  # E.164
    language = models.CharField(max_length=10, default="de")
    interpreter_language = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(office="office")

    class Meta:
        ordering = ["start"]
        indexes = [models.Index(fields=["office", "start"], name="appointment_office_start")]
        constraints = [
            # One active appointment per person and service: the database's last word.
            models.UniqueConstraint(
                fields=["office", "service", "email_normalised"],
                condition=Q(status__in=ACTIVE_STATUSES) & ~Q(email_normalised=""),
                name="appointment_one_active_per_email",
            ),
            models.UniqueConstraint(
                fields=["office", "service", "phone"],
                condition=Q(status__in=ACTIVE_STATUSES) & ~Q(phone=""),
                name="appointment_one_active_per_phone",
            ),
            # A way to reach the client, until the record is anonymised after retention.
            models.CheckConstraint(
                condition=~Q(email="", phone="") | Q(anonymised_at__isnull=False),
                name="appointment_has_a_contact",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class LinkPurpose(models.TextChoices):
    MANAGE = "manage"  # change or cancel the appointment
    CONFIRM = "confirm"  # confirm a pending booking or take an offered time; used once


class AppointmentLink(models.Model):
    """A link that opens one appointment: a random token handed out once (the booking answer,
    one e-mail), of which only the hash is kept. Each mail issues its own when it is written,
    so a mail sent later never needs a token kept from before (docs/capabilities.md). Valid until
    the appointment has passed; a confirmation link only once."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="links")
    purpose = models.CharField(max_length=10, choices=LinkPurpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(office="appointment__office")

    def __str__(self) -> str:
        return f"{self.appointment_id}:{self.purpose}"


class RateLimit(models.Model):
    """A fixed-window counter, incremented atomically (see appointments/ratelimit.py)."""

    key = models.CharField(max_length=200)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="rate_limit_unique")
        ]


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", _("waiting")
    OFFERED = "offered", _("offered a time")
    BOOKED = "booked", _("booked")
    EXPIRED = "expired", _("expired")
    WITHDRAWN = "withdrawn", _("withdrawn")


class WaitlistEntry(models.Model):
    """A client waiting for a freed time. Offers go out in a fixed order: urgent first (a permit
    expiring soon), then first come, first served (docs/waitlist.md)."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="waitlist")
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    email = models.EmailField()
    email_normalised = models.CharField(max_length=254)
    language = models.CharField(max_length=10, default="de")
    permit_expires = models.DateField(null=True, blank=True)
    urgency = models.IntegerField(choices=Urgency.choices, default=Urgency.NORMAL)
    status = models.CharField(
        max_length=10, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    created_at = models.DateTimeField()
    offers_missed = models.PositiveSmallIntegerField(default=0)
    appointment = models.ForeignKey(
        Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ScopedManager(office="office")

    class Meta:
        ordering = ["-urgency", "offers_missed", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "service", "email_normalised"],
                condition=Q(status__in=["waiting", "offered"]),
                name="waitlist_one_entry_per_person",
            ),
        ]


class CancellationReason(models.TextChoices):
    """Why the office cancels: said to each client in her own language (the mail renders the
    label in her language)."""

    CLOSED = "closed", _("The office has to close at this time.")
    ILLNESS = "illness", _("Several colleagues are ill.")
    FAULT = "fault", _("There is a technical fault.")
    OTHER = "other", _("We apologise for the inconvenience.")


class TimeBlock(models.Model):
    """Time nobody can book (a meeting, a training, an office closed at short notice). Its seats
    stay in place, marked `Seat.blocked` while any block covers them. Appointments booked before
    the block keep their seats."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(office="office")

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")), name="time_block_start_before_end"
            ),
        ]
