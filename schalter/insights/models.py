"""Anonymous daily roll-ups of what the offices record anyway. A row never names a person, a
ticket or a booking code: counts and per-minute histograms only, so the figures outlive the
personal data they were computed from and any period's median and p90 are exact to the minute
(docs/insights.md)."""

from django.db import models


def _empty() -> dict:
    return {}


class DailyFigure(models.Model):
    """One office's day for one queue (service group), service and client language."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()  # the office's local date
    group = models.ForeignKey(
        "visits.ServiceGroup", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    language = models.CharField(max_length=10, blank=True)
    tickets = models.PositiveIntegerField(default=0)  # issued: walk-ins and check-ins
    walk_ins = models.PositiveIntegerField(default=0)
    served = models.PositiveIntegerField(default=0)  # finished at a desk
    missed = models.PositiveIntegerField(default=0)  # called, never came
    booked = models.PositiveIntegerField(default=0)  # appointments that were due this day
    arrived = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)  # checked in after the booked start
    no_shows = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    # {lead bucket: count}: how far ahead the appointment was booked (LEAD_BUCKETS)
    booked_by_lead = models.JSONField(default=_empty)
    no_shows_by_lead = models.JSONField(default=_empty)
    cancelled_by_lead = models.JSONField(default=_empty)
    # {whole minutes: count}
    waiting = models.JSONField(default=_empty)
    way = models.JSONField(default=_empty)
    service_time = models.JSONField(default=_empty)
    lateness = models.JSONField(default=_empty)
    estimate_error = models.JSONField(default=_empty)  # waited minus told, may be negative
    issued_by_hour = models.JSONField(default=_empty)  # {local hour: tickets issued}

    class Meta:
        indexes = [models.Index(fields=["office", "day"], name="daily_figure_office_day")]


class DeskDay(models.Model):
    """How long desks were open, per local hour of one office's day: tickets per hour are read
    against it. Its row also marks the day as rolled up (`rolled_at`)."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    desk_minutes_by_hour = models.JSONField(default=_empty)  # {local hour: desk-minutes}
    rolled_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "day"], name="desk_day_once"),
        ]


class FreeDaySample(models.Model):
    """Days from the sample until the next free appointment of one service, every 15 minutes."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey("catalog.Service", on_delete=models.CASCADE, related_name="+")
    sampled_at = models.DateTimeField()
    days = models.PositiveIntegerField(null=True, blank=True)  # None: nothing free in the window

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "service", "sampled_at"], name="free_day_sample_once"
            ),
        ]
        indexes = [models.Index(fields=["office", "sampled_at"], name="free_sample_office_at")]


class FeedbackInvitation(models.Model):
    """The right to answer the survey once: only the hash of its random token, and the office.
    Nothing links it to the visit or the person (docs/insights.md, "Client feedback")."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)
    # The same keyed hash for every invitation of one visit (the ticket page's and the e-mail's):
    # answering one uses them all, so a visit has one answer (feedback.visit_key).
    visit_key = models.CharField(max_length=64, blank=True, db_index=True)


class FeedbackAnswer(models.Model):
    """One client's answer: scores 1–5 and a comment with contact details removed, dated by
    month only."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first of the month answered in
    waiting = models.PositiveSmallIntegerField(null=True, blank=True)
    friendliness = models.PositiveSmallIntegerField(null=True, blank=True)
    found_way = models.PositiveSmallIntegerField(null=True, blank=True)
    information = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(max_length=1000, blank=True)


# --- Issue 17, part B: callbacks, interpreters, naming consent, survey offers ---


class CallbackDay(models.Model):
    """Callbacks closed on one office's day, per service and caller language: counts only
    (insights/part_rollups.py says how each is counted)."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()  # the office's local date the callback closed
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    language = models.CharField(max_length=10, blank=True)
    closed = models.PositiveIntegerField(default=0)
    tried = models.PositiveIntegerField(default=0)  # reached, unreachable or a wrong number
    reached = models.PositiveIntegerField(default=0)
    timed = models.PositiveIntegerField(default=0)  # had a deadline and at least one attempt
    in_time = models.PositiveIntegerField(default=0)  # … its first attempt by the deadline
    # {whole hours from receipt to the first attempt: count}
    hours_to_attempt = models.JSONField(default=_empty)

    class Meta:
        indexes = [models.Index(fields=["office", "day"], name="callback_day_office_day")]


class InterpreterDay(models.Model):
    """Interpreting that costs something, per office, local day of the assignment, language and
    mode: minutes worked (with travel and waiting) and the fee (interpreters/fees.py)."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    language = models.CharField(max_length=12)
    mode = models.CharField(max_length=8)
    assignments = models.PositiveIntegerField(default=0)
    minutes = models.PositiveIntegerField(default=0)
    cost = models.DecimalField(max_digits=12, decimal_places=2, default=0)

    class Meta:
        indexes = [models.Index(fields=["office", "day"], name="interpreter_day_office_day")]


class NamingConsent(models.Model):
    """Whether an office agreed to be named where offices are compared (off by default; its
    admin switches it, audited). Without a row the office is not named."""

    office = models.OneToOneField(
        "offices.Office", on_delete=models.CASCADE, related_name="naming_consent"
    )
    named = models.BooleanField(default=False)
    changed_at = models.DateTimeField()


class SurveyOffer(models.Model):
    """That the survey was offered by e-mail or text message for one finished visit or callback:
    only a keyed hash of what it was for (feedback.visit_key), so it is offered once."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    visit_key = models.CharField(max_length=64, unique=True)
    offered_at = models.DateTimeField()


# --- Days rolled up again after a late change (insights/reroll.py) ---


class RollupDue(models.Model):
    """A closed day of one office whose roll-up of `kind` must be computed again: something of
    that day changed after it was rolled up (offices/day_changes.py). The tick re-rolls it and
    removes the row. Nothing here names a person."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    kind = models.CharField(max_length=12)  # offices.day_changes.KINDS
    # New at every marking: a re-roll removes the row only if nobody marked it again meanwhile.
    mark = models.UUIDField()
    # A tick is re-rolling it since then (another tick leaves it alone until LEASE has passed).
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "day", "kind"], name="rollup_due_once"),
        ]


# --- Issue 17, the Bilanz: what the office's admin enters (insights/costs.py) ---


class StaffHours(models.Model):
    """Hours the office's staff worked in a period (normally a month), as its admin took them
    from the duty roster. Periods of one office never overlap (costs.staff_hours_add)."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    first_day = models.DateField()
    last_day = models.DateField()
    hours = models.DecimalField(max_digits=8, decimal_places=1)
    note = models.CharField(max_length=200, blank=True)
    entered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")) & models.Q(hours__gte=0),
                name="staff_hours_sane",
            ),
        ]
        indexes = [models.Index(fields=["office", "first_day"], name="staff_hours_office_day")]


class ProgrammeBudget(models.Model):
    """The programme's budget for the office over a period (normally the programme's year), in
    euro, as its admin entered it. Periods of one office never overlap."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    first_day = models.DateField()
    last_day = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.CharField(max_length=200, blank=True)
    entered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")) & models.Q(amount__gte=0),
                name="programme_budget_sane",
            ),
        ]
        indexes = [models.Index(fields=["office", "first_day"], name="programme_budget_office_day")]
