"""Reads about offices. Office-owned rows are read inside the office's scope."""

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from functools import lru_cache

import holidays
from django.db import models
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django_scopes import scope

from schalter.offices.localtime import local_time
from schalter.offices.models import Closure, Desk, Location, Office, OpeningHours, SpecialHours

# Languages `holidays` names German holidays in; others see the German name.
HOLIDAY_NAME_LANGUAGES = {"de": "de", "en": "en_US", "uk": "uk"}


@dataclass(frozen=True)
class Period:
    opens: time
    closes: time


@dataclass
class Day:
    day: date
    periods: list[Period] = field(default_factory=list)
    holiday: str = ""  # name of the public holiday
    closure: str = ""  # reason the office is closed that day
    special: str = ""  # the day has its own hours (SpecialHours): their note, or "*" without one

    @property
    def is_open(self) -> bool:
        return bool(self.periods) and not self.holiday and not self.closure


def office_list() -> QuerySet[Office]:
    return Office.objects.all()


def office_by_slug(slug: str) -> Office:
    return get_object_or_404(Office, slug=slug)


@lru_cache(maxsize=64)
def _public_holidays(subdivision: str, year: int, language: str) -> dict[date, str]:
    names = holidays.country_holidays("DE", subdiv=subdivision, years=year, language=language)
    return dict(names.items())


def public_holiday(office: Office, day: date, language: str) -> str:
    names_in = HOLIDAY_NAME_LANGUAGES.get(language, "de")
    return _public_holidays(office.subdivision, day.year, names_in).get(day, "")


def week_schedule(
    office: Office,
    first_day: date,
    language: str,
    days: int = 7,
    location: Location | None = None,
) -> list[Day]:
    """Opening periods for each day from first_day, with holidays and closures marked. With a
    `location`: that building's, which keeps its own weekly hours if it has any (else the
    office's) and its own special hours on a day that has some (else the office's)."""
    last_day = first_day + timedelta(days=days - 1)
    with scope(office=office):
        all_hours = list(
            OpeningHours.objects.filter(office=office).filter(
                models.Q(location__isnull=True) | models.Q(location=location)
            )
        )
        closures = list(
            Closure.objects.filter(office=office, first_day__lte=last_day, last_day__gte=first_day)
        )
        all_specials = list(
            SpecialHours.objects.filter(
                office=office, day__gte=first_day, day__lte=last_day
            ).filter(models.Q(location__isnull=True) | models.Q(location=location))
        )
    own_hours = [h for h in all_hours if location is not None and h.location_id == location.pk]
    hours = own_hours or [h for h in all_hours if h.location_id is None]
    schedule = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        closure = next((c for c in closures if c.first_day <= day <= c.last_day), None)
        of_day = [s for s in all_specials if s.day == day]
        own = [s for s in of_day if s.location_id is not None] or [
            s for s in of_day if s.location_id is None
        ]
        periods = (
            [Period(s.opens, s.closes) for s in own]
            if own
            else [Period(h.opens, h.closes) for h in hours if h.weekday == day.weekday()]
        )
        schedule.append(
            Day(
                day=day,
                periods=periods,
                holiday=public_holiday(office, day, language),
                closure=closure.reason_in(language) if closure else "",
                special=(next((n for s in own if (n := s.note_in(language))), "*") if own else ""),
            )
        )
    return schedule


@dataclass(frozen=True)
class BuildingWeek:
    location: Location
    name: str
    days: list[Day]


def buildings_with_own_hours(office: Office) -> list[Location]:
    """The office's buildings, if one of them keeps weekly or special hours of its own (each
    building's hours then differ from the others'); else none (the office's hours are all)."""
    with scope(office=office):
        own = OpeningHours.objects.filter(office=office, location__isnull=False).exists() or (
            SpecialHours.objects.filter(office=office, location__isnull=False).exists()
        )
    return locations_of(office) if own else []


def building_weeks(
    office: Office, first_day: date, language: str, days: int = 7
) -> list[BuildingWeek]:
    """Each building's days when buildings keep hours of their own; empty otherwise."""
    return [
        BuildingWeek(
            location,
            location.name_in(language),
            week_schedule(office, first_day, language, days, location),
        )
        for location in buildings_with_own_hours(office)
    ]


def building_weekly_hours(office: Office) -> list[tuple[Location, dict[int, list[Period]]]]:
    """Each building's regular week (its own, or the office's) when buildings keep hours of
    their own; empty otherwise."""
    buildings = buildings_with_own_hours(office)
    if not buildings:
        return []
    office_week = weekly_hours_of(office)
    found = []
    for location in buildings:
        own = weekly_hours_of(office, location)
        found.append((location, own if any(own.values()) else office_week))
    return found


def weekly_hours_of(office: Office, location: Location | None = None) -> dict[int, list[Period]]:
    """The regular week of the office (or of one location): {weekday: [periods]}."""
    with scope(office=office):
        rows = OpeningHours.objects.filter(office=office, location=location)
        week: dict[int, list[Period]] = {day: [] for day in range(7)}
        for row in rows:
            week[row.weekday].append(Period(row.opens, row.closes))
    return week


def special_hours_upcoming(office: Office, today: date) -> list[SpecialHours]:
    with scope(office=office):
        return list(
            SpecialHours.objects.filter(office=office, day__gte=today).select_related("location")
        )


def special_hours_get(office: Office, pk: object) -> SpecialHours:
    return owned_by(office, SpecialHours, pk)


def office_revision(slug: object) -> int | None:
    """How often what clients see of the office changed (None: no such office): printouts
    kept for an older revision are not served any more."""
    if not isinstance(slug, str):
        return None
    return Office.objects.filter(slug=slug).values_list("revision", flat=True).first()


def offices_suspended() -> QuerySet[Office]:
    return Office.objects.filter(suspended_at__isnull=False)


# Kept for the callers that still use it; the home is offices.localtime.local_time.
local_now = local_time


def upcoming_closures(office: Office, today: date) -> list[Closure]:
    with scope(office=office):
        return list(Closure.objects.filter(office=office, last_day__gte=today))


def desks_of(office: Office) -> list[Desk]:
    with scope(office=office):
        return list(
            Desk.objects.filter(office=office)
            .select_related("location")
            .prefetch_related("services")
        )


def owned_by[M: models.Model](
    office: Office,
    model: type[M],
    pk: object = None,
    *related: str,
    prefetch: tuple[str, ...] = (),
    **lookup: object,
) -> M:
    """An office's object by id (or by `lookup`, e.g. `public_id=`): 404 alike for missing
    objects and other offices' objects. `related` are followed in the same query, `prefetch`
    in one more each. The one way audiences and selectors fetch an office-owned row by a key
    from a URL or a form."""
    if pk is not None:
        lookup["pk"] = pk
    with scope(office=office):
        try:
            found_in = model.objects.filter(office=office, **lookup)  # type: ignore[attr-defined]
            if related:
                found_in = found_in.select_related(*related)
            if prefetch:
                found_in = found_in.prefetch_related(*prefetch)
            found = found_in.first()
        except (ValueError, TypeError, OverflowError):  # a key of the wrong type or size is as
            # unknown as a missing one
            found = None
    if found is None:
        raise Http404
    return found


def desk_get(office: Office, pk: object) -> Desk:
    return owned_by(office, Desk, pk, "location")


def locations_of(office: Office) -> list[Location]:
    with scope(office=office):
        return list(Location.objects.filter(office=office))


def location_get(office: Office, pk: int) -> Location:
    return owned_by(office, Location, pk)


def closure_get(office: Office, pk: int) -> Closure:
    return owned_by(office, Closure, pk)
