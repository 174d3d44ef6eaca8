"""Forms of the staff calendar. They parse and check input; the services decide what is possible
(free seats, booking window), and views put those answers next to the right field."""

from datetime import date, datetime, time, timedelta
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from schalter.appointments.models import CancellationReason, OfficeService
from schalter.interpreters.languages import interpreter_choices  # the one list (issue 15)
from schalter.kern_forms import KernFormMixin
from schalter.languages import LANGUAGES
from schalter.offices.models import Office

# Further than this no calendar, block or booking reaches: keeps dates sane and queries small.
FURTHEST_DAYS = 400


def _date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs
    )


def _time_field(label, **kwargs) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        **kwargs,
    )


def _check_reach(day: date | None, today: date) -> None:
    if day and abs((day - today).days) > FURTHEST_DAYS:
        raise forms.ValidationError(
            _("Choose a day within %(days)s days of today."), params={"days": FURTHEST_DAYS}
        )


def service_choices(offered: list[OfficeService], language: str) -> list[tuple[str, str]]:
    return sorted(
        ((str(o.service_id), o.service.name_in(language)) for o in offered),
        key=lambda choice: choice[1],
    )


class CalendarForm(KernFormMixin, forms.Form):
    """?day= (or ?week=) and an optional service filter, from the query string."""

    day = _date_field(_("Day"), required=False)
    service = forms.TypedChoiceField(label=_("Service"), coerce=int, required=False)

    def __init__(self, *args, services: list[tuple[str, str]], today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        cast(forms.ChoiceField, self.fields["service"]).choices = [
            ("", _("All services")),
            *services,
        ]

    def clean_day(self) -> date:
        day = self.cleaned_data.get("day") or self.today
        _check_reach(day, self.today)
        return day

    def clean_service(self) -> int | None:
        return self.cleaned_data.get("service") or None


class WhenForm(KernFormMixin, forms.Form):
    """A local day and time in the office's zone."""

    day = _date_field(_("Day"))
    time = _time_field(_("Time"))

    def __init__(self, *args, office: Office, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.office = office
        self.today = today

    def clean_day(self) -> date:
        day = self.cleaned_data["day"]
        _check_reach(day, self.today)
        return day

    @property
    def start(self) -> datetime:
        return datetime.combine(
            self.cleaned_data["day"], self.cleaned_data["time"], tzinfo=self.office.zone
        )


class RescheduleForm(WhenForm):
    prefix = "move"


class StaffBookingForm(WhenForm):
    """Booking for a caller: confirmed at once, may use staff-only capacity."""

    service = forms.TypedChoiceField(label=_("Service"), coerce=int)
    persons = forms.IntegerField(label=_("Persons"), min_value=1, max_value=9, initial=1)
    name = forms.CharField(
        label=_("Name of the client"),
        max_length=120,
        widget=forms.TextInput(attrs={"dir": "auto", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        required=False,
        help_text=_("The confirmation goes here. Give an e-mail address or a mobile number."),
        widget=forms.EmailInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "tel", "autocomplete": "off"}),
    )
    language = forms.ChoiceField(
        label=_("Language for messages"),
        choices=[(lang.code, lang.name_local) for lang in LANGUAGES],
        initial="de",
    )
    interpreter_language = forms.ChoiceField(
        label=_("Interpreter"), choices=interpreter_choices, required=False
    )

    field_order = ["service", "day", "time", "persons", "name", "email", "phone", "language"]

    def __init__(self, *args, services: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["service"]).choices = [
            ("", _("Choose a service")),
            *services,
        ]

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name or any(ord(c) < 32 for c in name):
            raise forms.ValidationError(_("Enter the client's name."))
        return name

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("email") and not cleaned.get("phone", "").strip():
            self.add_error("email", _("Give an e-mail address or a mobile number."))
        return cleaned


class FutureDayRangeMixin:
    """A day from today on, within reach, and a time range whose end follows its start."""

    def clean_day(self) -> date:
        day = self.cleaned_data["day"]
        if day < self.today:
            raise forms.ValidationError(_("Choose today or a later day."))
        _check_reach(day, self.today)
        return day

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and not start < end:
            self.add_error("end_time", _("The end must be after the start."))
        return cleaned


class TimeBlockForm(FutureDayRangeMixin, KernFormMixin, forms.Form):
    day = _date_field(_("Day"))
    start_time = _time_field(_("From"))
    end_time = _time_field(_("Until"))
    reason = forms.CharField(
        label=_("Note for colleagues"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )

    def __init__(self, *args, office: Office, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.office = office
        self.today = today

    def bounds(self) -> tuple[datetime, datetime]:
        day, zone = self.cleaned_data["day"], self.office.zone
        return (
            datetime.combine(day, self.cleaned_data["start_time"], tzinfo=zone),
            datetime.combine(day, self.cleaned_data["end_time"], tzinfo=zone),
        )


class MassCancellationForm(FutureDayRangeMixin, KernFormMixin, forms.Form):
    day = _date_field(_("Day"))
    start_time = _time_field(_("From (optional)"), required=False)
    end_time = _time_field(_("Until (optional)"), required=False)
    reason = forms.ChoiceField(
        label=_("Reason told to clients (in their language)"),
        choices=CancellationReason.choices,
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def range_times(self) -> tuple[time | None, time | None]:
        return self.cleaned_data.get("start_time"), self.cleaned_data.get("end_time")


class RuleEndForm(KernFormMixin, forms.Form):
    last_day = _date_field(
        _("Last day of this rule"),
        help_text=_(
            "Free times after this day are removed. Booked appointments stay and are listed "
            "as conflicts."
        ),
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_last_day(self) -> date:
        day = self.cleaned_data["last_day"]
        if day < self.today - timedelta(days=1):
            raise forms.ValidationError(_("A rule can end yesterday at the earliest."))
        _check_reach(day, self.today)
        return day
