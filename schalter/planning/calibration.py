"""Calibration from an office's recorded events, free of Django (docs/planning.md,
"Calibration"): walk-in arrival rates by weekday and hour, service times per service, no-show
rates and punctuality, each with a report of how well it fits; and the scenario of a weekday
built from them. `planning/selectors.py` reads the records from the database; the validation
feeds generated ones."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from schalter.planning.simulator import (
    Appointments,
    DeskSpec,
    Punctuality,
    Scenario,
    ServiceTime,
    WalkIns,
    quantile,
    replication_run,
)

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class VisitRecord:
    """One client's visit, minutes after the day's opening."""

    day: date
    service: str
    arrival: float  # check-in or ticket
    called: float | None  # None: left without being served
    finished: float | None
    appointment: float | None = None  # the booked start, for appointment visits
    urgent: bool = False

    @property
    def wait(self) -> float | None:
        return None if self.called is None else self.called - self.arrival

    @property
    def duration(self) -> float | None:
        if self.called is None or self.finished is None:
            return None
        return self.finished - self.called


@dataclass(frozen=True)
class BookingRecord:
    day: date
    service: str
    start: float  # minutes after opening
    kept: bool  # the client came (checked in)


@dataclass(frozen=True)
class ServiceFit:
    service: str
    count: int
    mean: float
    sd: float
    ks_lognormal: float  # Kolmogorov–Smirnov distance of the fitted lognormal
    ks_exponential: float
    chosen: ServiceTime


@dataclass(frozen=True)
class RateFit:
    weekday: int
    hour: int
    rate_per_hour: float
    days: int
    dispersion: float  # variance / mean of the daily counts: about 1 for Poisson arrivals


@dataclass
class Calibration:
    open_minutes: float
    rates: dict[tuple[int, str], list[float]]  # (weekday, service) → rate per hour by hour
    urgent_share: dict[str, float]
    service_fits: dict[str, ServiceFit]
    no_show: dict[str, float]
    no_show_counts: dict[str, tuple[int, int]]  # service → (not kept, booked)
    punctuality: Punctuality
    punctuality_count: int
    rate_fits: list[RateFit] = field(default_factory=list)
    days_by_weekday: dict[int, int] = field(default_factory=dict)

    def report(self) -> dict[str, object]:
        """How well the fits hold, for the docs and the planning page."""
        dispersions = [f.dispersion for f in self.rate_fits if f.rate_per_hour >= 1]
        return {
            "days": dict(sorted((WEEKDAYS[k], v) for k, v in self.days_by_weekday.items())),
            "service_times": {
                name: {
                    "count": fit.count,
                    "mean_minutes": round(fit.mean, 2),
                    "sd_minutes": round(fit.sd, 2),
                    "ks_lognormal": round(fit.ks_lognormal, 3),
                    "ks_exponential": round(fit.ks_exponential, 3),
                    "chosen": fit.chosen.distribution,
                }
                for name, fit in sorted(self.service_fits.items())
            },
            "no_show": {
                name: {
                    "rate": round(self.no_show[name], 3),
                    "not_kept": counts[0],
                    "booked": counts[1],
                    "ci95": [round(x, 3) for x in wilson(*counts)],
                }
                for name, counts in sorted(self.no_show_counts.items())
            },
            "punctuality": {
                "mean_minutes": round(self.punctuality.mean_minutes, 2),
                "sd_minutes": round(self.punctuality.sd_minutes, 2),
                "count": self.punctuality_count,
            },
            "arrivals": {
                "hours_fitted": len(self.rate_fits),
                "median_dispersion": round(statistics.median(dispersions), 2)
                if dispersions
                else None,
                "note": "variance/mean of daily counts per weekday and hour; 1 is Poisson",
            },
        }


def wilson(failures: int, total: int) -> tuple[float, float]:
    """95 % Wilson interval of a proportion."""
    if total == 0:
        return (0.0, 1.0)
    z = 1.959963984540054
    p = failures / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return (max(0.0, centre - half), min(1.0, centre + half))


def _ks(values: list[float], cdf) -> float:
    ordered = sorted(values)
    n = len(ordered)
    return max(max(abs(cdf(x) - i / n), abs(cdf(x) - (i + 1) / n)) for i, x in enumerate(ordered))


def service_fit(service: str, durations: list[float]) -> ServiceFit:
    """The lognormal from the logs' moments and the exponential from the mean; the better by
    Kolmogorov–Smirnov distance is chosen, or the observed values when neither fits."""
    positive = [d for d in durations if d > 0]
    mean = statistics.fmean(positive)
    sd = statistics.stdev(positive) if len(positive) > 1 else 0.0
    logs = [math.log(d) for d in positive]
    mu = statistics.fmean(logs)
    sigma = statistics.stdev(logs) if len(logs) > 1 else 0.0

    def lognormal_cdf(x: float) -> float:
        if sigma == 0:
            return 1.0 if math.log(x) >= mu else 0.0
        return 0.5 * math.erfc(-(math.log(x) - mu) / (sigma * math.sqrt(2)))

    ks_log = _ks(positive, lognormal_cdf)
    ks_exp = _ks(positive, lambda x: 1 - math.exp(-x / mean))
    # Critical value at 5 % (estimated parameters make it conservative).
    critical = 1.36 / math.sqrt(len(positive))
    fitted_mean = math.exp(mu + sigma * sigma / 2)
    fitted_sd = fitted_mean * math.sqrt(math.exp(sigma * sigma) - 1)
    if ks_log <= ks_exp and ks_log <= 2 * critical:
        chosen = ServiceTime("lognormal", fitted_mean, fitted_sd)
    elif ks_exp < ks_log and ks_exp <= 2 * critical:
        chosen = ServiceTime("exponential", mean)
    else:
        chosen = ServiceTime("empirical", values=tuple(positive))
    return ServiceFit(service, len(positive), mean, sd, ks_log, ks_exp, chosen)


def calibrate(
    visits: Iterable[VisitRecord], bookings: Iterable[BookingRecord], *, open_minutes: float
) -> Calibration:
    visits = list(visits)
    bookings = list(bookings)
    days = sorted({v.day for v in visits} | {b.day for b in bookings})
    days_by_weekday: dict[int, int] = defaultdict(int)
    for d in days:
        days_by_weekday[d.weekday()] += 1
    hours = math.ceil(open_minutes / 60)

    # Walk-ins: counts per day, weekday, service and hour.
    counts: dict[tuple[int, str, int], dict[date, int]] = defaultdict(lambda: defaultdict(int))
    urgent: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    services = set()
    for v in visits:
        services.add(v.service)
        if v.appointment is None:
            hour = min(hours - 1, max(0, int(v.arrival // 60)))
            counts[(v.day.weekday(), v.service, hour)][v.day] += 1
            urgent[v.service][0] += int(v.urgent)
            urgent[v.service][1] += 1
    rates: dict[tuple[int, str], list[float]] = {}
    rate_fits = []
    for weekday, n_days in days_by_weekday.items():
        for service in services:
            hourly = []
            for hour in range(hours):
                per_day = counts.get((weekday, service, hour), {})
                observed = [
                    per_day.get(d, 0) for d in days if d.weekday() == weekday
                ]  # zero-count days count too
                rate = sum(observed) / n_days
                hourly.append(rate)
                if rate > 0 and len(observed) > 1:
                    dispersion = statistics.variance(observed) / statistics.fmean(observed)
                    rate_fits.append(RateFit(weekday, hour, rate, n_days, dispersion))
            if any(hourly):
                rates[(weekday, service)] = hourly

    durations: dict[str, list[float]] = defaultdict(list)
    offsets = []
    for v in visits:
        if v.duration is not None:
            durations[v.service].append(v.duration)
        if v.appointment is not None:
            offsets.append(v.arrival - v.appointment)
    fits = {s: service_fit(s, d) for s, d in durations.items() if len(d) >= 2}

    booked: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for b in bookings:
        booked[b.service][0] += int(not b.kept)
        booked[b.service][1] += 1
    punctuality = Punctuality(
        statistics.fmean(offsets) if offsets else Punctuality.mean_minutes,
        statistics.stdev(offsets) if len(offsets) > 1 else Punctuality.sd_minutes,
    )
    return Calibration(
        open_minutes=open_minutes,
        rates=rates,
        urgent_share={s: u / n for s, (u, n) in urgent.items() if n},
        service_fits=fits,
        no_show={s: k / n for s, (k, n) in booked.items() if n},
        no_show_counts={s: (k, n) for s, (k, n) in booked.items()},
        punctuality=punctuality,
        punctuality_count=len(offsets),
        rate_fits=rate_fits,
        days_by_weekday=dict(days_by_weekday),
    )


def scenario_from(
    calibration: Calibration,
    *,
    weekday: int,
    desks: tuple[DeskSpec, ...],
    booked_starts: Mapping[str, Iterable[float]],
    replications: int = 20,
    seed: int = 1,
) -> Scenario:
    """The calibrated day: walk-ins at the weekday's hourly rates, the booked starts with the
    fitted no-show rate and punctuality, the fitted service times."""
    walk_ins = tuple(
        WalkIns(service, tuple(rates), calibration.urgent_share.get(service, 0.0))
        for (day, service), rates in sorted(calibration.rates.items())
        if day == weekday
    )
    appointments = tuple(
        Appointments(
            service,
            tuple(sorted(starts)),
            no_show=calibration.no_show.get(service, 0.0),
            punctuality=calibration.punctuality,
        )
        for service, starts in sorted(booked_starts.items())
    )
    return Scenario(
        desks=desks,
        open_minutes=calibration.open_minutes,
        service_times={s: f.chosen for s, f in calibration.service_fits.items()},
        walk_ins=walk_ins,
        appointments=appointments,
        replications=replications,
        seed=seed,
    )


def observed(visits: Iterable[VisitRecord]) -> tuple[float, float, int]:
    """Mean and p90 wait of the served visits, and how many."""
    waits = sorted(w for v in visits if (w := v.wait) is not None)
    return (statistics.fmean(waits) if waits else 0.0, quantile(waits, 0.9), len(waits))


def bailey_welch(starts: Iterable[float]) -> list[float]:
    """The same bookings under the Bailey–Welch rule: two at opening, then one per interval
    (the interval unchanged), the last one dropped to keep the count."""
    ordered = sorted(starts)
    if len(ordered) < 2:
        return ordered
    return [ordered[0], *ordered[:-1]]


def with_appointments(scenario: Scenario, starts: Mapping[str, list[float]]) -> Scenario:
    return replace(
        scenario,
        appointments=tuple(
            replace(a, starts=tuple(starts[a.service])) for a in scenario.appointments
        ),
    )


def predict(scenarios: Iterable[Scenario]) -> tuple[float, float, int]:
    """Mean and p90 wait over every replication of the scenarios pooled (a day of each weekday
    stands for that weekday), and how many waits."""
    waits: list[float] = []
    for scenario in scenarios:
        for index in range(scenario.replications):
            waits.extend(replication_run(scenario, index).waits)
    waits.sort()
    return (statistics.fmean(waits) if waits else 0.0, quantile(waits, 0.9), len(waits))
