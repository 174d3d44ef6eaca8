"""Interpreters on a fee basis: the pool, its availability, assignments and the fee rates."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from schalter.interpreters.fees import Rate
from schalter.offices.models import Office


class FeeRate(models.Model):
    """One version of the fee rules. Without an office: the statutory JVEG rates every office
    applies; with one: that office's own framework agreement (§ 14). Effective dated: a new
    version ends the old one on a date rather than editing it in place."""

    office = models.ForeignKey(
        Office,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interpreter_fee_rates",
    )
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    hourly = models.DecimalField(max_digits=8, decimal_places=2)
    per_km = models.DecimalField(max_digits=6, decimal_places=2)
    surcharge_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(20))
    cancellation_hours = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal(2))
    vat_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(19))

    class Meta:
        ordering = ["office_id", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="interpreter_fee_rate_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hourly} €/h from {self.valid_from}"

    def as_rate(self) -> Rate:
        return Rate(
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            hourly=self.hourly,
            per_km=self.per_km,
            surcharge_percent=self.surcharge_percent,
            cancellation_hours=self.cancellation_hours,
            vat_percent=self.vat_percent,
        )


class Mode(models.TextChoices):
    ON_SITE = "on_site", _("on site")
    PHONE = "phone", _("by phone")
    VIDEO = "video", _("by video")


class FeeAgreement(models.TextChoices):
    JVEG = "jveg", _("JVEG")
    FRAMEWORK = "framework", _("the office's framework agreement")


class ContactPreference(models.TextChoices):
    EMAIL = "email", _("e-mail")
    PHONE = "phone", _("phone")
    SMS = "sms", _("text message")


class Interpreter(models.Model):
    """A freelance interpreter. Not owned by one office: she serves several (`InterpreterOffice`),
    and each office sees only its own assignments of her."""

    name = models.CharField(max_length=120)
    email = models.EmailField(unique=True)
    phone = models.CharField(max_length=30, blank=True)
    # Codes from interpreters/languages.py (validated by the services).
    languages = models.JSONField(default=list)
    modes = models.JSONField(default=list)
    vat_liable = models.BooleanField(default=False)
    fee_agreement = models.CharField(
        max_length=10, choices=FeeAgreement.choices, default=FeeAgreement.JVEG
    )
    contact_preference = models.CharField(
        max_length=5, choices=ContactPreference.choices, default=ContactPreference.EMAIL
    )
    confidentiality_accepted_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InterpreterOffice(models.Model):
    """An office she serves, and how far she drives to it (there; no routing service is
    reachable, so distances are data)."""

    interpreter = models.ForeignKey(Interpreter, on_delete=models.CASCADE, related_name="offices")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="interpreters")
    distance_km = models.DecimalField(max_digits=6, decimal_places=1, default=Decimal(0))

    objects = ScopedManager(office="office")
    # Her own view and the overlap check span offices (said so where used).
    across_offices = models.Manager()  # noqa: DJ012 (a manager, after the default one)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["interpreter", "office"], name="interpreter_office_once"
            ),
        ]


class AvailabilityWindow(models.Model):
    """A recurring weekly window she is available in (local wall-clock time)."""

    interpreter = models.ForeignKey(
        Interpreter, on_delete=models.CASCADE, related_name="availability"
    )
    weekday = models.PositiveSmallIntegerField()  # 0 Monday … 6 Sunday
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="availability_window_in_order"
            ),
        ]


class AvailabilityException(models.Model):
    """A dated exception: away all day (no times) or for a time, or available on a day outside her
    weekly windows (`available=True`)."""

    interpreter = models.ForeignKey(
        Interpreter, on_delete=models.CASCADE, related_name="exceptions"
    )
    day = models.DateField()
    start = models.TimeField(null=True, blank=True)
    end = models.TimeField(null=True, blank=True)
    available = models.BooleanField(default=False)

    class Meta:
        ordering = ["day", "start"]


class AssignmentState(models.TextChoices):
    REQUESTED = "requested", _("requested")
    PROPOSED = "proposed", _("proposed")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    CONFIRMED = "confirmed", _("confirmed")
    REPORTED = "reported", _("reported")
    CANCELLED = "cancelled", _("cancelled")


# States in which an assignment holds her time: no other may overlap it.
HOLDING_STATES = (
    AssignmentState.PROPOSED,
    AssignmentState.ACCEPTED,
    AssignmentState.CONFIRMED,
    AssignmentState.REPORTED,
)


class Assignment(models.Model):
    """An office's need for an interpreter, and who meets it."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    interpreter = models.ForeignKey(
        Interpreter, on_delete=models.PROTECT, null=True, blank=True, related_name="assignments"
    )
    language = models.CharField(max_length=12)
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.ON_SITE)
    start = models.DateTimeField()
    end = models.DateTimeField()
    state = models.CharField(
        max_length=10, choices=AssignmentState.choices, default=AssignmentState.REQUESTED
    )
    appointment = models.ForeignKey(
        "appointments.Appointment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interpreter_assignments",
    )
    ticket = models.ForeignKey(
        "visits.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interpreter_assignments",
    )
    callback = models.ForeignKey(
        "callbacks.Callback",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interpreter_assignments",
    )
    client_first_name = models.CharField(max_length=60, blank=True)  # all she sees of the case
    place = models.CharField(max_length=200, blank=True)  # desk or room
    joining_details = models.CharField(max_length=300, blank=True)  # phone number or video link
    # When a proposal unanswered by then goes to the next interpreter.
    answer_by = models.DateTimeField(null=True, blank=True)
    engaged_on = models.DateField(null=True, blank=True)  # when she accepted: the rate's day
    unfavourable_time_necessary = models.BooleanField(default=False)
    reported_start = models.DateTimeField(null=True, blank=True)
    reported_end = models.DateTimeField(null=True, blank=True)
    travel_before_minutes = models.PositiveIntegerField(default=0)
    travel_after_minutes = models.PositiveIntegerField(default=0)
    waiting_minutes = models.PositiveIntegerField(default=0)
    km = models.DecimalField(max_digits=6, decimal_places=1, default=Decimal(0))
    receipts = models.JSONField(default=list)  # [{"kind": "rail"|"parking", "amount": "12.40"}]
    cancelled_on = models.DateField(null=True, blank=True)
    cancelled_by_interpreter = models.BooleanField(default=False)
    declared_loss = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    nobody_found_at = models.DateTimeField(null=True, blank=True)  # staff were told
    # The client was told that nobody has been found yet (once, in good time before).
    client_told_nobody_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(office="office")
    # Her own view and the overlap check span offices (said so where used).
    across_offices = models.Manager()  # noqa: DJ012 (a manager, after the default one)

    class Meta:
        ordering = ["start"]
        indexes = [
            models.Index(fields=["office", "start"], name="assignment_office_start"),
            models.Index(fields=["interpreter", "start"], name="assignment_interpreter_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="assignment_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.language} {self.start:%Y-%m-%d %H:%M}"


class EventKind(models.TextChoices):
    REQUESTED = "requested", _("requested")
    PROPOSED = "proposed", _("proposed")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    ESCALATED = "escalated", _("escalated")
    CONFIRMED = "confirmed", _("confirmed")
    REPORTED = "reported", _("reported")
    CANCELLED = "cancelled", _("cancelled")
    HANDED_BACK = "handed_back", _("handed back")
    NOBODY_FOUND = "nobody_found", _("nobody found")


class AssignmentEvent(models.Model):
    """Dated events for the figures (hours and cost by language and mode, time to an answer)."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="events")
    interpreter = models.ForeignKey(
        Interpreter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=14, choices=EventKind.choices)
    at = models.DateTimeField()

    objects = ScopedManager(office="office")
    across_offices = models.Manager()  # noqa: DJ012 (a manager, after the default one)

    class Meta:
        ordering = ["at", "pk"]


class SignInLink(models.Model):
    """A magic link for her own view: random, stored hashed, single use, short-lived."""

    interpreter = models.ForeignKey(
        Interpreter, on_delete=models.CASCADE, related_name="sign_in_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class InterpreterBudget(models.Model):
    """An office's interpreter budget for a month, against which the cost report compares."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month
    amount = models.DecimalField(max_digits=10, decimal_places=2)

    objects = ScopedManager(office="office")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "month"], name="interpreter_budget_once"),
        ]
