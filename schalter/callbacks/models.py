"""Callbacks: a caller's voicemail (mailed by the office's phone system) or a request from the
website becomes one callback on the office's worklist, with a deadline from the office's promise.

Nothing is lost and nothing doubles: a message is written with its audio in one transaction, and
`Callback.dedup_key` (the Message-ID, or caller and recording time) is unique per office, so a
re-delivered message finds the callback it already made (docs/callbacks.md)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class PromiseKind(models.TextChoices):
    # By the office's closing time on the Nth working day after the day the message came in.
    WORKING_DAYS = "working_days", _("by the end of a working day")
    # Within N hours of opening time, counted only while the office is open.
    OPENING_HOURS = "opening_hours", _("within opening hours")


class CallbackPolicy(models.Model):
    """An office's rules for callbacks. Offices without a row use the defaults below
    (`selectors.callback_policy_of`)."""

    office = models.OneToOneField(
        "offices.Office", on_delete=models.CASCADE, related_name="callback_policy"
    )
    # The promise made to callers, as data: "by the end of the next working day" is
    # WORKING_DAYS with promise_working_days=1; "within 4 opening hours" is OPENING_HOURS, 4.
    promise_kind = models.CharField(
        max_length=20, choices=PromiseKind.choices, default=PromiseKind.WORKING_DAYS
    )
    promise_working_days = models.PositiveSmallIntegerField(default=1)
    promise_hours = models.PositiveSmallIntegerField(default=8)
    # After this many attempts that did not reach her the callback closes (unreachable).
    max_failed_attempts = models.PositiveSmallIntegerField(default=3)
    # The acknowledgement text message ("we received your message; we call you back by ...").
    acknowledge = models.BooleanField(default=True)
    # Caller ids can be spoofed: at most this many text messages to one number a day, and to
    # all numbers of the office a day.
    sms_per_number_per_day = models.PositiveSmallIntegerField(default=2)
    sms_per_office_per_day = models.PositiveIntegerField(default=300)
    # Countries (ISO 3166 codes) whose mobile numbers get text messages.
    sms_countries = models.JSONField(default=list, blank=True)
    # Audio, number and caller name are erased this many days after the callback closed.
    retention_days = models.PositiveSmallIntegerField(default=30)

    def __str__(self) -> str:
        return str(self.office_id)

    @property
    def countries(self) -> list[str]:
        return [c.upper() for c in self.sms_countries] or ["DE"]


class CallbackMailbox(models.Model):
    """An address (SMTP recipient) or IMAP mailbox the phone system mails voicemails to; it names
    the office, and optionally the caller's language (the phone menu's "press 2 for Arabic")."""

    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="callback_mailboxes"
    )
    # An e-mail address ("voicemail-ar@wiesbaden.example") or an IMAP mailbox name; stored in
    # lower case, unique over all offices since it decides the office.
    address = models.CharField(max_length=254, unique=True)
    language = models.CharField(max_length=10, blank=True)  # empty: not known
    # Off: the address no longer decides an office, so its mails are rejected as unknown.
    active = models.BooleanField(default=True)
    # An IMAP mailbox: its server (empty for an SMTP receiving address); `address` is the user
    # name it signs in with (imap.py takes it as a recipient). The password must be readable to
    # sign in, so it is kept encrypted (schalter/secrets.py: only secret_seal's ciphertext, opened
    # with secret_open); the staff page never shows it back (callbacks/settings.py).
    imap_host = models.CharField(max_length=253, blank=True)
    imap_port = models.PositiveIntegerField(null=True, blank=True)  # null: 993 with TLS, else 143
    imap_tls = models.BooleanField(default=True)
    imap_folder = models.CharField(max_length=200, blank=True)  # empty: INBOX
    # Sealed, so longer than the 200 characters given (up to 800 bytes in UTF-8 → ~1,170).
    imap_password = models.CharField(max_length=1200, blank=True)

    objects = ScopedManager(office="office")

    class Meta:
        ordering = ["address"]

    def __str__(self) -> str:
        return self.address


class VoicemailPattern(models.Model):
    """The generic format: how an office's phone system (other than Asterisk and Swyx) writes a
    voicemail mail, as regular expressions with named groups `number`, `name`, `duration`
    (seconds), `recorded` (a date and time) and `mailbox`. The first pattern whose expressions
    all match a mail reads it (formats/generic.py)."""

    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="voicemail_patterns"
    )
    name = models.CharField(max_length=80)
    # A preset's name ("starface", "3cx") when copied from one (formats/generic.PRESETS).
    preset = models.CharField(max_length=20, blank=True)
    # False until a real mail of this system has been read with it.
    verified = models.BooleanField(default=False)
    subject = models.CharField(max_length=500, blank=True)
    body = models.CharField(max_length=500, blank=True)
    attachment = models.CharField(max_length=500, blank=True)  # on the attachment's file name
    headers = models.JSONField(default=dict, blank=True)  # {header name: expression}
    # strptime format of the `recorded` group; empty: ISO 8601 or RFC 2822.
    recorded_format = models.CharField(max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = ScopedManager(office="office")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Source(models.TextChoices):
    VOICEMAIL = "voicemail", _("voicemail")
    WEB = "web", _("request from the website")


class State(models.TextChoices):
    OPEN = "open", _("open")
    CLAIMED = "claimed", _("being worked on")
    CLOSED = "closed", _("closed")


class Outcome(models.TextChoices):
    REACHED = "reached", _("reached")
    UNREACHABLE = "unreachable", _("unreachable")
    WITHDRAWN = "withdrawn", _("withdrawn")
    WRONG_NUMBER = "wrong_number", _("wrong number")
    NO_ACTION = "no_action", _("nothing to do")  # spam, an empty message, a duplicate by hand


class ReviewReason(models.TextChoices):
    WITHHELD = "withheld", _("number withheld")
    UNPARSEABLE = "unparseable", _("number not understood")
    NO_AUDIO = "no_audio", _("no recording")
    BAD_AUDIO = "bad_audio", _("recording not readable")
    UNKNOWN_FORMAT = "unknown_format", _("message format not recognised")


class Callback(models.Model):
    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=10, choices=Source.choices)
    # One message, one callback: "msgid:<Message-ID>", or "sha256:<hash of the mail>" when it
    # has none; for a web request its idempotency key. Unique per office.
    dedup_key = models.CharField(max_length=300)
    # The same recording mailed again under another Message-ID: "<E.164>@<recorded, UTC>" when
    # both are known (a withheld number has none). Unique per office too.
    recording_key = models.CharField(max_length=80, blank=True)
    # E.164 ("+4961112345") when understood; else empty and the raw text is in `caller_raw`.
    caller_number = models.CharField(max_length=20, blank=True)
    caller_raw = models.CharField(max_length=80, blank=True)  # as the phone system wrote it
    withheld = models.BooleanField(default=False)
    # Staff look at it before calling: why is in `review_reasons` (ReviewReason values).
    needs_review = models.BooleanField(default=False)
    review_reasons = models.JSONField(default=list, blank=True)
    caller_name = models.CharField(max_length=120, blank=True)
    language = models.CharField(max_length=10, blank=True)  # empty: not known (German spoken)
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Web requests: [{"weekday": 0-6 | null, "from": "HH:MM", "until": "HH:MM"}, ...]
    preferred_windows = models.JSONField(default=list, blank=True)
    mailbox = models.CharField(max_length=254, blank=True)  # the receiving address or box
    pbx_mailbox = models.CharField(max_length=40, blank=True)  # the phone system's box number
    vendor = models.CharField(max_length=20, blank=True)  # the format that read it
    recorded_at = models.DateTimeField(null=True, blank=True)  # by the phone system's clock
    received_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)  # null: the office is never open
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    follow_up_at = models.DateTimeField(null=True, blank=True)  # the latest attempt's "try again"
    acknowledged_at = models.DateTimeField(null=True, blank=True)  # the acknowledgement went
    # The "we did not reach you, here is how to reach us" message went.
    unreachable_told_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    # The client's status page (web requests): only the hash of the token is kept.
    status_token_hash = models.CharField(max_length=64, blank=True)

    objects = ScopedManager(office="office")

    class Meta:
        ordering = ["deadline", "id"]
        constraints = [
            models.UniqueConstraint(fields=["office", "dedup_key"], name="callback_dedup_once"),
            models.UniqueConstraint(
                fields=["office", "recording_key"],
                condition=~Q(recording_key=""),
                name="callback_recording_once",
            ),
            models.UniqueConstraint(
                fields=["status_token_hash"],
                condition=~Q(status_token_hash=""),
                name="callback_status_token_once",
            ),
        ]
        indexes = [
            models.Index(fields=["office", "state", "deadline"], name="callback_worklist"),
            models.Index(fields=["office", "closed_at"], name="callback_closed"),
        ]

    def __str__(self) -> str:
        return f"{self.pk}"


class VoicemailAudio(models.Model):
    """The recording, in the database so that every app server reaches it; erased with the
    caller's number after retention."""

    callback = models.OneToOneField(Callback, on_delete=models.CASCADE, related_name="audio")
    data = models.BinaryField()
    content_type = models.CharField(max_length=40)  # audio/wav, audio/mpeg, audio/ogg
    filename = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField()
    duration_seconds = models.FloatField(null=True, blank=True)  # null: not derivable
    sha256 = models.CharField(max_length=64)

    objects = ScopedManager(office="callback__office")

    def __str__(self) -> str:
        return self.filename


class AttemptOutcome(models.TextChoices):
    REACHED = "reached", _("reached")
    NO_ANSWER = "no_answer", _("no answer")
    BUSY = "busy", _("busy")
    VOICEMAIL = "voicemail", _("voicemail")
    WRONG_NUMBER = "wrong_number", _("wrong number")


# Outcomes that count towards the office's number of failed attempts.
FAILED_OUTCOMES = (AttemptOutcome.NO_ANSWER, AttemptOutcome.BUSY, AttemptOutcome.VOICEMAIL)


class CallbackAttempt(models.Model):
    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    callback = models.ForeignKey(Callback, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=AttemptOutcome.choices)
    note = models.TextField(max_length=500, blank=True)  # erased with the callback's data
    follow_up_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(office="office")

    class Meta:
        ordering = ["at", "id"]


class EventKind(models.TextChoices):
    RECEIVED = "received", _("received")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    ATTEMPT = "attempt", _("attempt")
    CLOSED = "closed", _("closed")


class CallbackEvent(models.Model):
    """Dated events for the figures (callbacks per day, share within deadline, time to first
    attempt, reach rate). They hold no personal data and outlive the callback's anonymisation."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    callback = models.ForeignKey(Callback, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    at = models.DateTimeField()
    source = models.CharField(max_length=10, choices=Source.choices)
    language = models.CharField(max_length=10, blank=True)
    # An attempt's AttemptOutcome, or a closed callback's Outcome.
    outcome = models.CharField(max_length=20, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)  # the callback's, at the event

    objects = ScopedManager(office="office")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["office", "kind", "at"], name="callback_event_kind_at")]
