"""Visits on the day: service groups, tickets, desk sessions and call events.

Ticket numbers are scarce: each comes from a per-(office, group, day) counter row taken under a
row lock, with a unique constraint as the backstop (docs/locking.md)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from schalter.languages import translated


class ServiceGroup(models.Model):
    """A queue of the office: tickets of one group share a prefix ("A-017") and a waiting zone."""

    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="service_groups"
    )
    name = models.JSONField(default=dict)
    prefix = models.CharField(max_length=3)
    services = models.ManyToManyField("catalog.Service", blank=True, related_name="+")
    walk_ins_allowed = models.BooleanField(default=True)
    daily_walk_in_quota = models.PositiveIntegerField(default=0, help_text=_("0: no limit"))
    waiting_zone = models.JSONField(default=dict, blank=True)
    # "Wait anywhere": the SMS goes when this many clients or fewer are ahead.
    notify_when_ahead = models.PositiveSmallIntegerField(default=3)
    position = models.PositiveSmallIntegerField(default=0)

    objects = ScopedManager(office="office")

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["office", "prefix"], name="service_group_prefix"),
        ]

    def __str__(self) -> str:
        return self.name_in("de")

    def name_in(self, language: str | None) -> str:
        return translated(self.name, language)

    def waiting_zone_in(self, language: str | None) -> str:
        return translated(self.waiting_zone, language)


class TicketCounter(models.Model):
    """The last number issued in a group on a day; locked while a ticket is issued."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(ServiceGroup, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    objects = ScopedManager(office="office")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "group", "day"], name="ticket_counter_day"),
        ]


class Kiosk(models.Model):
    """A touch screen in the waiting area. Its URL carries the public id; it may issue tickets
    once unlocked with its key, of which only a hash is stored."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="kiosks")
    name = models.CharField(max_length=80)
    public_id = models.SlugField(max_length=40, unique=True)
    key_hash = models.CharField(max_length=64)
    # Raised when staff renew the key: the old key, and the browsers it unlocked, stop working.
    key_version = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)

    objects = ScopedManager(office="office")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Screen(models.Model):
    """A call display in the waiting area. Its URL carries the public id; it may show only some
    service groups (a zone or floor); an empty list shows every group."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="screens")
    name = models.CharField(max_length=80)
    public_id = models.SlugField(max_length=40, unique=True)
    groups = models.JSONField(default=list, blank=True)  # ServiceGroup ids; empty: all
    floors = models.JSONField(default=list, blank=True)  # Desk floors shown; empty: all
    active = models.BooleanField(default=True)

    objects = ScopedManager(office="office")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class TicketState(models.TextChoices):
    WAITING = "waiting", _("waiting")
    CALLED = "called", _("called")
    IN_SERVICE = "in_service", _("in service")
    PARKED = "parked", _("parked")
    TRANSFERRED = "transferred", _("transferred")
    DONE = "done", _("done")
    MISSED = "missed", _("missed")


# A ticket in one of these states is still in the queue and may be called.
QUEUED_STATES = (TicketState.WAITING, TicketState.TRANSFERRED)
OPEN_STATES = (*QUEUED_STATES, TicketState.CALLED, TicketState.IN_SERVICE, TicketState.PARKED)


class Priority(models.IntegerChoices):
    NORMAL = 0, _("normal")
    URGENT = 1, _("urgent")
    VULNERABLE = 2, _("pregnant or disabled")


class Outcome(models.TextChoices):
    COMPLETED = "completed", _("completed")
    DOCUMENTS_MISSING = "documents_missing", _("documents missing")
    FOLLOW_UP = "follow_up", _("follow-up appointment needed")
    REFERRED = "referred", _("referred elsewhere")


NOTE_MAX_LENGTH = 500


class Ticket(models.Model):
    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="tickets")
    group = models.ForeignKey(ServiceGroup, on_delete=models.PROTECT, related_name="tickets")
    number = models.PositiveIntegerField()
    code = models.CharField(max_length=12)  # shown and called out: "A-017"
    day = models.DateField()  # the office's local date of issue
    state = models.CharField(
        max_length=12, choices=TicketState.choices, default=TicketState.WAITING
    )
    priority = models.IntegerField(choices=Priority.choices, default=Priority.NORMAL)
    appointment = models.OneToOneField(
        "appointments.Appointment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ticket",
    )
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The hash of the random token of the live ticket page, handed out by the issuing call
    # (docs/capabilities.md); more tokens for the same ticket are `TicketLink`s.
    token_hash = models.CharField(max_length=64, unique=True)
    kiosk = models.ForeignKey(
        Kiosk, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets"
    )
    issue_key = models.CharField(max_length=64, blank=True)  # idempotency key of the issuing POST
    language = models.CharField(max_length=10, default="de")
    interpreter_language = models.CharField(max_length=10, blank=True)
    desk = models.ForeignKey(
        "offices.Desk", on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets"
    )
    created_at = models.DateTimeField()
    first_called_at = models.DateTimeField(null=True, blank=True)  # for waiting-time figures
    called_at = models.DateTimeField(null=True, blank=True)  # the latest call
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    call_count = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    # Expected wait told to the client at issue, to measure how good the estimate was.
    predicted_wait_minutes = models.PositiveIntegerField(null=True, blank=True)
    # "Wait anywhere": a mobile number the client left for one SMS when her turn is near; erased
    # when the SMS has gone or the ticket is closed.
    notify_phone = models.CharField(max_length=20, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    # Staff's note on the visit ("fetches the passport copy"), for the next desk; erased with the
    # ticket's other personal data.
    note = models.TextField(max_length=NOTE_MAX_LENGTH, blank=True)

    objects = ScopedManager(office="office")

    class Meta:
        ordering = ["id"]
        constraints = [
            # The code keeps its issuing group's prefix when the ticket is transferred to
            # another group, where the same number may already exist.
            models.UniqueConstraint(
                fields=["office", "day", "code"], name="ticket_code_once_a_day"
            ),
            models.UniqueConstraint(
                fields=["kiosk", "issue_key"],
                condition=~Q(issue_key=""),
                name="ticket_issue_key_once",
            ),
        ]
        indexes = [models.Index(fields=["office", "day", "state"], name="ticket_office_day")]

    def __str__(self) -> str:
        return self.code


class DeskSession(models.Model):
    """A person working at a desk, from taking it to leaving it."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    desk = models.ForeignKey("offices.Desk", on_delete=models.CASCADE, related_name="sessions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(office="office")

    class Meta:
        ordering = ["desk__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["desk"], condition=Q(ended_at__isnull=True), name="desk_session_one_open"
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(ended_at__isnull=True),
                name="desk_session_one_per_user",
            ),
        ]


class CallKind(models.TextChoices):
    CALL = "call", _("called")
    RECALL = "recall", _("called again")
    FINISH = "finish", _("finished")
    MISSED = "missed", _("missed")


class CallEvent(models.Model):
    """What a call display shows and announces: written in the same transaction as the change."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    desk = models.ForeignKey("offices.Desk", on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(max_length=10, choices=CallKind.choices)
    at = models.DateTimeField()

    objects = ScopedManager(office="office")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["office", "at"], name="call_event_office_at")]


class TicketLink(models.Model):
    """Another token of a ticket's live page, for an answer that needs the raw token again
    after the issuing call handed out the first (a repeated kiosk POST). Only the hash is kept;
    every token of a ticket opens the same page, so none handed out stops working."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)

    objects = ScopedManager(office="ticket__office")

    def __str__(self) -> str:
        return str(self.ticket_id)
