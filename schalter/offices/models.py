"""Offices are the tenants: everything an office owns carries `office` and is read in its scope."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from schalter.languages import translated
from schalter.offices import palette
from schalter.offices.reserved import reserved_slugs

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
slug_validator = RegexValidator(SLUG_PATTERN, _("Use lower-case letters, digits and hyphens."))
TIME_ZONES = sorted(zoneinfo.available_timezones())
# Public pages share the URL level with office slugs: /<lang>/help/ vs /<lang>/<office>/.
RESERVED_SLUGS = frozenset(
    {
        "help",
        "accessibility",
        "imprint",
        "privacy",
        "staff",
        "api",
        "admin",
        "static",
        "healthz",
        "metrics",
    }
)


def validate_not_reserved(slug: str) -> None:
    if slug in reserved_slugs():
        raise ValidationError(
            _("“%(slug)s” is taken by a page of the website or a language. Choose another name."),
            code="reserved",
            params={"slug": slug},
        )


class Office(models.Model):
    slug = models.SlugField(
        unique=True, max_length=40, validators=[slug_validator, validate_not_reserved]
    )
    # Short translatable texts are `{language code: text}`; German is always present.
    name = models.JSONField(default=dict)
    time_zone = models.CharField(
        max_length=64, default="Europe/Berlin", choices=[(tz, tz) for tz in TIME_ZONES]
    )
    street = models.CharField(max_length=200)
    postcode = models.CharField(max_length=10)
    city = models.CharField(max_length=100)
    phone = models.CharField(max_length=30, help_text=_("E.164, e.g. +496411234567"))
    email = models.EmailField()
    directions = models.JSONField(default=dict, blank=True)
    # Languages staff speak with clients (may go beyond the website's languages, e.g. "ku", "pl").
    languages_served = models.JSONField(default=list, blank=True)
    subdivision = models.CharField(max_length=5, default="HE", help_text=_("For public holidays"))
    # Names of the parts of Schalter this office uses (offices/parts.py); switched by its admin.
    parts = models.JSONField(default=list, blank=True)
    # Texts clients read, `{language: text}` like `directions` (translated in the content app).
    transport = models.JSONField(default=dict, blank=True)
    accessibility_notes = models.JSONField(default=dict, blank=True)
    step_free_access = models.BooleanField(default=False)
    hearing_loop = models.BooleanField(default=False)
    accessible_toilet = models.BooleanField(default=False)
    # The logo printed on documents: a PNG re-encoded by offices.logo (never the upload as sent).
    logo_png = models.BinaryField(blank=True, default=b"", editable=False)
    # Raised by every change of what clients see of the office: names cached printouts.
    revision = models.PositiveIntegerField(default=0, editable=False)
    # Set by the operator: public booking and staff sign-in stop; nothing is deleted.
    suspended_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name_in("de")

    def name_in(self, language: str | None) -> str:
        return translated(self.name, language)

    def directions_in(self, language: str | None) -> str:
        return translated(self.directions, language)

    def transport_in(self, language: str | None) -> str:
        return translated(self.transport, language)

    def accessibility_notes_in(self, language: str | None) -> str:
        return translated(self.accessibility_notes, language)

    @property
    def suspended(self) -> bool:
        return self.suspended_at is not None

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(models.Model):
    """One opening period on a weekday; a day may have several (morning and afternoon). Without
    a location: the office's hours; with one: that building's own hours."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="opening_hours")
    location = models.ForeignKey(
        "offices.Location", on_delete=models.CASCADE, null=True, blank=True, related_name="hours"
    )
    weekday = models.IntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    objects = ScopedManager(office="office")

    class Meta:
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")),
                name="opening_hours_opens_before_closes",
            ),
        ]


class Closure(models.Model):
    """Days an office is closed beyond public holidays (staff training, a move)."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="closures")
    first_day = models.DateField()
    last_day = models.DateField()
    reason = models.JSONField(default=dict)

    objects = ScopedManager(office="office")

    class Meta:
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_day__lte=models.F("last_day")),
                name="closure_first_day_not_after_last_day",
            ),
        ]

    def reason_in(self, language: str | None) -> str:
        return translated(self.reason, language)


class SpecialHours(models.Model):
    """A dated exception to the weekly hours (a long Thursday before Christmas): on `day` the
    office (or one location) opens at these times instead of its weekday's periods."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="special_hours")
    location = models.ForeignKey(
        "offices.Location",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="special_hours",
    )
    day = models.DateField()
    opens = models.TimeField()
    closes = models.TimeField()
    note = models.JSONField(default=dict, blank=True)

    objects = ScopedManager(office="office")

    class Meta:
        ordering = ["day", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")),
                name="special_hours_opens_before_closes",
            ),
        ]

    def note_in(self, language: str | None) -> str:
        return translated(self.note, language)


class Location(models.Model):
    """A building of an office, with the floors clients may be sent to."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="locations")
    name = models.JSONField(default=dict)
    street = models.CharField(max_length=200)
    lowest_floor = models.SmallIntegerField(default=0)
    highest_floor = models.SmallIntegerField(default=0)
    step_free = models.BooleanField(default=True, help_text=_("Reachable without steps"))

    objects = ScopedManager(office="office")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lowest_floor__lte=models.F("highest_floor")),
                name="location_floors_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name_in("de")

    def name_in(self, language: str | None) -> str:
        return translated(self.name, language)


class Desk(models.Model):
    """A counter a client is called to: a big number in a colour with a colour name and a shape."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="desks")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="desks")
    number = models.PositiveSmallIntegerField()
    colour = models.CharField(max_length=20, choices=palette.CHOICES)
    floor = models.SmallIntegerField(default=0)
    room = models.CharField(max_length=20, blank=True)
    services = models.ManyToManyField("catalog.Service", blank=True, related_name="desks")
    active = models.BooleanField(default=True)

    objects = ScopedManager(office="office")

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "number"], name="desk_number_unique_per_office"
            ),
        ]

    def __str__(self) -> str:
        return str(self.number)

    @property
    def palette_colour(self) -> palette.DeskColour:
        return palette.BY_KEY[self.colour]


class ErasureRun(models.Model):
    """The last run of one app's retention eraser for an office (offices/retention.py): when it
    last ran, and when it last cleared records and how many. The data-protection officer's
    retention report reads it; one row per office and eraser, updated in place."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="erasure_runs")
    eraser = models.CharField(max_length=40)
    ran_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared = models.PositiveIntegerField(default=0)

    objects = ScopedManager(office="office")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "eraser"], name="erasure_run_once"),
        ]
