"""Figures about offices. Anonymised: counts only, never a person."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection, models
from django.db.models import Avg, Count, QuerySet, Sum
from django.utils import timezone
from django_scopes import scopes_disabled

from schalter.accounts.models import Membership
from schalter.insights.histograms import mean as histogram_mean
from schalter.insights.histograms import merged, quantile
from schalter.insights.models import (
    DailyFigure,
    DeskDay,
    FeedbackAnswer,
    FeedbackInvitation,
    FreeDaySample,
)
from schalter.offices.models import Desk, Office
from schalter.tokens import token_hash
from schalter.visits import selectors as visit_selectors

ESTIMATE_DAYS = 7  # the expected-wait figures cover the last week, today included


def office_figures(office: Office) -> dict[str, object]:
    with scopes_disabled():
        desks = Desk.objects.filter(office=office, active=True).count()
        services = Desk.objects.filter(office=office, active=True).aggregate(
            n=Count("services", distinct=True)
        )["n"]
    staff = Membership.objects.filter(office=office).values("user").distinct().count()
    today = visit_selectors.local_day(office, timezone.now())
    estimates = visit_selectors.wait_estimates(
        office, today - timedelta(days=ESTIMATE_DAYS - 1), today
    )
    return {"desks": desks, "services": services, "staff": staff, "estimates": estimates}


# --- Figures of a period, read from the daily roll-ups (insights/rollups.py) ---

HISTOGRAMS = ("waiting", "way", "service_time", "lateness", "estimate_error")
COUNTS = (
    "tickets",
    "walk_ins",
    "served",
    "missed",
    "booked",
    "arrived",
    "late",
    "no_shows",
    "cancelled",
)
LEADS = ("booked_by_lead", "no_shows_by_lead", "cancelled_by_lead")


@dataclass(frozen=True)
class Spread:
    """Minutes: how many values, their median and p90 (exact: histograms.quantile)."""

    n: int
    median: int | None
    p90: int | None
    mean: float | None


@dataclass(frozen=True)
class PeriodFigures:
    first_day: date
    last_day: date
    counts: dict[str, int]
    spreads: dict[str, Spread]
    leads: dict[str, dict[str, int]]
    issued_by_hour: dict[int, int]
    desk_minutes_by_hour: dict[int, int]
    days_with_data: int

    def rate(self, part: str, whole: str) -> float | None:
        """Per cent of one count in another; None when the whole is 0."""
        total = self.counts.get(whole, 0)
        return None if not total else round(100 * self.counts.get(part, 0) / total, 1)

    def tickets_per_desk_hour(self) -> dict[int, float | None]:
        """Per local hour: tickets issued per hour a desk was open."""
        hours = sorted(set(self.issued_by_hour) | set(self.desk_minutes_by_hour))
        return {
            hour: (
                round(self.issued_by_hour.get(hour, 0) * 60 / self.desk_minutes_by_hour[hour], 2)
                if self.desk_minutes_by_hour.get(hour)
                else None
            )
            for hour in hours
        }


def figure_rows(
    office: Office,
    first_day: date,
    last_day: date,
    *,
    service_id: int | None = None,
    language: str = "",
) -> QuerySet[DailyFigure]:
    return roll_up_rows(DailyFigure, [office.pk], first_day, last_day, service_id, language)


def roll_up_rows[Row: models.Model](
    model: type[Row],
    office_ids: Sequence[int],
    first_day: date,
    last_day: date,
    service_id: int | None,
    language: str,
) -> QuerySet[Row]:
    """The offices' roll-up rows of a period (DailyFigure, CallbackDay, ...), filtered by service
    and language as asked; roll_up_filters is the same in SQL."""
    rows = model._default_manager.filter(office_id__in=office_ids, day__range=(first_day, last_day))
    if service_id is not None:
        rows = rows.filter(service_id=service_id)
    if language:
        rows = rows.filter(language=language)
    return rows


def roll_up_filters(
    office_ids: Sequence[int],
    first_day: date,
    last_day: date,
    service_id: int | None,
    language: str,
) -> tuple[str, list[Any]]:
    """The WHERE clause (rows aliased f) of the offices' roll-up rows of a period."""
    marks = ", ".join(["%s"] * len(office_ids))
    where = [f"f.office_id IN ({marks})", "f.day BETWEEN %s AND %s"]
    params: list[Any] = [*office_ids, first_day, last_day]
    if service_id is not None:
        where.append("f.service_id = %s")
        params.append(service_id)
    if language:
        where.append("f.language = %s")
        params.append(language)
    return " AND ".join(where), params


def _json_each() -> str:
    """The set-returning function that yields a JSON object's (key, value) pairs as text."""
    return "jsonb_each_text" if connection.vendor == "postgresql" else "json_each"


# One source of histograms: a roll-up table, its JSON columns, and which of its rows (WHERE).
HistogramSource = tuple[str, tuple[str, ...], str, list[Any]]
HistogramSums = dict[tuple[str, int, date | None], dict[str, int]]


def histogram_sums(*sources: HistogramSource, by_day: bool = False) -> HistogramSums:
    """Each histogram column summed key by key per office in the database, in one statement for
    all sources ({(column, office id, day or None): {key: count}}): the rows' JSON never travels
    to Python, so a year of roll-ups of every office stays fast."""
    day = "f.day" if by_day else "NULL"
    parts, all_params = [], []
    for table, names, where, params in sources:
        for name in names:  # table and names are our own, never user input
            parts.append(
                f"SELECT %s, f.office_id, {day}, h.key, SUM(CAST(h.value AS integer)) "  # noqa: S608
                f"FROM {table} f, {_json_each()}(f.{name}) h WHERE {where} "
                f"GROUP BY f.office_id, {'f.day, ' if by_day else ''}h.key"
            )
            all_params += [name, *params]
    sums: HistogramSums = {}
    if not parts:
        return sums
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), all_params)
        for name, office_id, on, key, count in cursor.fetchall():
            if isinstance(on, str):  # SQLite hands dates back as text
                on = date.fromisoformat(on)
            sums.setdefault((name, office_id, on), {})[key] = int(count)
    return sums


def _spread(histogram: dict[str, int]) -> Spread:
    total = merged([histogram])
    return Spread(
        sum(total.values()), quantile(total, 0.5), quantile(total, 0.9), histogram_mean(total)
    )


def offices_period_figures(
    office_ids: Sequence[int],
    first_day: date,
    last_day: date,
    *,
    service_id: int | None = None,
    language: str = "",
    histograms: tuple[str, ...] = HISTOGRAMS,
    hours: bool = True,
) -> dict[int, PeriodFigures]:
    """Every office's figures of the period from the roll-ups, in two queries however many
    offices (grouped by office; an office without rows gets zeros and Nones): the counts, and
    all histograms in one statement (`histogram_sums`). Only the `histograms` asked for are in
    `spreads`; without `hours` the leads and the per-hour figures are left empty (the
    comparison of offices reads the waiting time and the counts only)."""
    ids = list(dict.fromkeys(office_ids))
    if not ids:
        return {}
    rows = roll_up_rows(DailyFigure, ids, first_day, last_day, service_id, language)
    totals: dict[int, dict[str, Any]] = {
        row["office_id"]: dict(row)
        for row in rows.values("office_id").annotate(
            **{name: Sum(name) for name in COUNTS}, days=Count("day", distinct=True)
        )
    }
    where, params = roll_up_filters(ids, first_day, last_day, service_id, language)
    desk_where, desk_params = roll_up_filters(ids, first_day, last_day, None, "")
    per_hour = (*LEADS, "issued_by_hour") if hours else ()
    sources: list[HistogramSource] = [
        (DailyFigure._meta.db_table, (*histograms, *per_hour), where, params)
    ]
    if hours:
        sources.append((DeskDay._meta.db_table, ("desk_minutes_by_hour",), desk_where, desk_params))
    sums = histogram_sums(*sources)
    figures = {}
    for office_id in ids:
        got = totals.get(office_id, {})

        def summed(name: str, office_id: int = office_id) -> dict[str, int]:
            return sums.get((name, office_id, None), {})

        figures[office_id] = PeriodFigures(
            first_day=first_day,
            last_day=last_day,
            counts={name: int(got.get(name) or 0) for name in COUNTS},
            spreads={name: _spread(summed(name)) for name in histograms},
            leads=(
                {name: {key: n for key, n in sorted(summed(name).items())} for name in LEADS}
                if hours
                else {}
            ),
            issued_by_hour=dict(sorted(merged([summed("issued_by_hour")]).items())),
            desk_minutes_by_hour=dict(sorted(merged([summed("desk_minutes_by_hour")]).items())),
            days_with_data=int(got.get("days") or 0),
        )
    return figures


def period_figures(
    office: Office,
    first_day: date,
    last_day: date,
    *,
    service_id: int | None = None,
    language: str = "",
) -> PeriodFigures:
    """Every figure of the period from the roll-ups (an empty period gives zeros and Nones).
    Counts and histograms are summed by the database (`offices_period_figures`)."""
    return offices_period_figures(
        [office.pk], first_day, last_day, service_id=service_id, language=language
    )[office.pk]


def merged_names(mappings) -> dict[str, int]:
    total: dict[str, int] = {}
    for mapping in mappings:
        for key, n in mapping.items():
            total[key] = total.get(key, 0) + int(n)
    return total


def daily_spread(
    office: Office, first_day: date, last_day: date, name: str, *, service_id=None, language=""
) -> list[tuple[date, Spread]]:
    """Per day of the period (days without data included): one histogram's spread."""
    if name not in HISTOGRAMS:
        raise ValueError(name)
    where, params = roll_up_filters([office.pk], first_day, last_day, service_id, language)
    sums = histogram_sums((DailyFigure._meta.db_table, (name,), where, params), by_day=True)
    result = []
    day = first_day
    while day <= last_day:
        result.append((day, _spread(sums.get((name, office.pk, day), {}))))
        day += timedelta(days=1)
    return result


def monthly_spread(
    office: Office, first_day: date, last_day: date, name: str
) -> list[tuple[date, Spread]]:
    """Per month the period touches (the first of the month): one histogram's spread."""
    if name not in HISTOGRAMS:
        raise ValueError(name)
    where, params = roll_up_filters([office.pk], first_day, last_day, None, "")
    sums = histogram_sums((DailyFigure._meta.db_table, (name,), where, params), by_day=True)
    months: dict[date, dict[str, int]] = {}
    month = first_day.replace(day=1)
    while month <= last_day:
        months[month] = {}
        month = (month + timedelta(days=32)).replace(day=1)
    for (_name, _office_id, day), histogram in sums.items():
        assert day is not None
        total = months[day.replace(day=1)]
        for key, count in histogram.items():
            total[key] = total.get(key, 0) + count
    return [(month, _spread(histogram)) for month, histogram in months.items()]


def free_days_latest(office: Office) -> list[FreeDaySample]:
    """The newest sample of each service: days until its next free appointment."""
    latest = FreeDaySample.objects.filter(office=office).order_by("-sampled_at").first()
    if latest is None:
        return []
    return list(
        FreeDaySample.objects.filter(office=office, sampled_at=latest.sampled_at).select_related(
            "service"
        )
    )


def feedback_link_open(office: Office, token: str) -> bool:
    """Whether the survey link was handed out by this office and not answered yet."""
    return FeedbackInvitation.objects.filter(
        office=office, token_hash=token_hash(token[:200]), used=False
    ).exists()


FEEDBACK_QUESTIONS = ("waiting", "friendliness", "found_way", "information")
COMMENTS_SHOWN = 50


def feedback_of(office: Office, first_day: date, last_day: date) -> dict[str, object]:
    """Scores (count and mean per question) and the newest comments of the months the period
    touches; comments were scrubbed of contact details when stored."""
    answers = FeedbackAnswer.objects.filter(
        office=office, month__range=(first_day.replace(day=1), last_day)
    )
    got = answers.aggregate(  # one query: COUNT(column) counts the answered ones only
        **{f"{q}_n": Count(q) for q in FEEDBACK_QUESTIONS},
        **{f"{q}_mean": Avg(q) for q in FEEDBACK_QUESTIONS},
    )
    scores = {
        q: (
            got[f"{q}_n"],
            None if got[f"{q}_mean"] is None else round(got[f"{q}_mean"], 1),
        )
        for q in FEEDBACK_QUESTIONS
    }
    comments = list(
        answers.exclude(comment="")
        .order_by("-month", "-id")
        .values_list("month", "comment")[:COMMENTS_SHOWN]
    )
    return {"scores": scores, "comments": comments}
