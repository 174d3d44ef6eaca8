"""The what-if page of planning (docs/planning.md, "What-if"): team leads change desks, hours,
walk-in policy or slot length and see waits and idle desk time change, as SVG charts with a
table and one sentence. Short runs answer at once; long ones go to the task backend and the
page polls (a refreshing progress bar, no JavaScript), never holding a web worker."""

import re
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from schalter.accounts.roles import Capability
from schalter.charts import Chart, Series, bar_chart, line_chart
from schalter.errors import Refusal
from schalter.kern_forms import KernFormMixin
from schalter.offices.models import Office
from schalter.planning import selectors, tasks
from schalter.planning import services as planning_services
from schalter.planning.errors import PlanStale
from schalter.planning.optimiser import optimise, plan_from_data, rules_from_plan
from schalter.planning.simulator import Estimate
from schalter.planning.whatif import Comparison, Knobs, is_long, knobs_of
from schalter.planning.words import plan_words
from schalter.staff.guards import office_view
from schalter.staff.navigation import office_render


def _minutes_label(minutes: int) -> str:
    return _("%(minutes)s minutes") % {"minutes": minutes}


SLOT_CHOICES = [(0, gettext_lazy("as booked today"))] + [
    (m, lazy(_minutes_label, str)(m)) for m in (10, 15, 20, 30, 45, 60)
]
TOKEN = re.compile(r"[A-Za-z0-9_-]{0,40}")
PRECISE_REPLICATIONS = 100
QUICK_REPLICATIONS = 20


class WhatIfForm(KernFormMixin, forms.Form):
    weekday = forms.TypedChoiceField(label=gettext_lazy("Weekday"), coerce=int)
    desks = forms.IntegerField(label=gettext_lazy("Desks"), min_value=1, max_value=60)
    open_minutes = forms.IntegerField(
        label=gettext_lazy("Minutes open"), min_value=60, max_value=14 * 60, step_size=15
    )
    walk_ins = forms.ChoiceField(
        label=gettext_lazy("Walk-ins"),
        choices=[
            ("all_day", gettext_lazy("all day")),
            ("morning", gettext_lazy("only in the first two hours")),
            ("none", gettext_lazy("none (appointments only)")),
        ],
    )
    slot_minutes = forms.TypedChoiceField(
        label=gettext_lazy("Slot length"), choices=SLOT_CHOICES, coerce=int
    )
    precise = forms.BooleanField(
        label=gettext_lazy("Precise: 100 simulated days, in the background"), required=False
    )

    def __init__(self, *args, weekdays: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weekday"].choices = [(d, WEEKDAYS[d]) for d in weekdays]


def _minutes(value: float) -> str:
    return number_format(round(value, 1), 1)


def _clock(opens, minutes: int) -> str:
    total = opens.hour * 60 + opens.minute + minutes
    return f"{total // 60 % 24:02d}:{total % 60:02d}"


def _figures(comparison: Comparison, opens) -> dict:
    today, changed = comparison.today, comparison.changed
    hours = sorted(set(today.per_hour) | set(changed.per_hour))

    def hourly(summary) -> tuple[float | None, ...]:
        return tuple(
            summary.per_hour[h]["mean_wait_minutes"].mean if h in summary.per_hour else None
            for h in hours
        )

    names = (_("Today"), _("With the changes"))
    by_hour = Chart(
        title=_("Mean wait by hour of arrival"),
        description=_(
            "Mean wait in minutes for clients arriving in each hour, today and with the changes."
        ),
        x_label=_("Arrival from"),
        y_label=_("Minutes"),
        categories=tuple(_clock(opens, 60 * h) for h in hours),
        series=(Series(names[0], hourly(today)), Series(names[1], hourly(changed))),
        unit=_("min"),
    )
    overall = Chart(
        title=_("Waits and idle desk time"),
        description=_(
            "Mean wait and the wait 9 in 10 clients stay within, in minutes, and idle desk "
            "time in hours, today and with the changes."
        ),
        x_label=_("Figure"),
        y_label=_("Minutes or hours"),
        categories=(_("Mean wait (min)"), _("9 in 10 within (min)"), _("Idle desks (h)")),
        series=tuple(
            Series(
                name,
                (s.mean_wait.mean, s.p90_wait.mean, s.idle_desk_minutes.mean / 60),
            )
            for name, s in zip(names, (today, changed), strict=True)
        ),
    )

    def row(label: str, get, scale: float = 1.0) -> tuple:
        def text(e: Estimate) -> str:
            return _("%(mean)s (%(low)s–%(high)s)") % {
                "mean": _minutes(e.mean / scale),
                "low": _minutes(max(0.0, e.low) / scale),
                "high": _minutes(e.high / scale),
            }

        return (label, text(get(today)), text(get(changed)))

    table = {
        "caption": _("Figures with 95 %% confidence intervals (%(days)s simulated days each)")
        % {"days": today.replications},
        "header": (_("Figure"), *names),
        "rows": [
            row(_("Mean wait (min)"), lambda s: s.mean_wait),
            row(_("9 in 10 within (min)"), lambda s: s.p90_wait),
            row(_("Idle desks (h)"), lambda s: s.idle_desk_minutes, 60.0),
            row(_("Overtime after closing (min)"), lambda s: s.overtime_minutes),
            row(_("Clients served"), lambda s: s.served),
            row(_("Desks busy (per cent)"), lambda s: Estimate(s.utilisation.mean * 100,
                                                          s.utilisation.half_width * 100)),
        ],
    }  # fmt: skip
    summary = _(
        "With the changes, the mean wait goes from %(before)s to %(after)s minutes, 9 in 10 "
        "clients wait at most %(p90_after)s instead of %(p90_before)s minutes, and desks stand "
        "idle for %(idle_after)s instead of %(idle_before)s hours."
    ) % {
        "before": _minutes(today.mean_wait.mean),
        "after": _minutes(changed.mean_wait.mean),
        "p90_before": _minutes(today.p90_wait.mean),
        "p90_after": _minutes(changed.p90_wait.mean),
        "idle_before": _minutes(today.idle_desk_minutes.mean / 60),
        "idle_after": _minutes(changed.idle_desk_minutes.mean / 60),
    }
    return {
        "summary": summary,
        "charts": [
            {"svg": line_chart(by_hour), "table": by_hour.table()},
            {"svg": bar_chart(overall), "table": None},
        ],
        "table": table,
    }


@office_view(Capability.PLAN_APPOINTMENTS)
def planning(request: HttpRequest, office: Office) -> HttpResponse:
    today = timezone.localdate()
    weekdays = sorted(selectors.opening_by_weekday(office))
    context: dict = {"weekdays": weekdays}
    if not weekdays:
        return office_render(request, "staff/planning/whatif.html", context)
    asked = request.GET.get("weekday", "")
    weekday = int(asked) if asked.isdigit() and int(asked) in weekdays else weekdays[0]
    baseline = selectors.office_baseline(office, weekday, today)
    assert baseline is not None
    status = 200
    token = request.GET.get("run", "")
    if not TOKEN.fullmatch(token):
        token = "" if not token else "unknown"
    if request.method == "POST":
        form = WhatIfForm(request.POST, weekdays=weekdays)
        if form.is_valid():
            data = form.cleaned_data
            if data["weekday"] != weekday:
                baseline = selectors.office_baseline(office, data["weekday"], today)
                assert baseline is not None
            knobs = Knobs(
                desks=data["desks"],
                open_minutes=data["open_minutes"],
                walk_ins=data["walk_ins"],
                slot_minutes=data["slot_minutes"],
                replications=PRECISE_REPLICATIONS if data["precise"] else QUICK_REPLICATIONS,
            )
            if data["precise"] or is_long(baseline.scenario, knobs):
                token = tasks.run_queue(office=office, weekday=data["weekday"], knobs=knobs)
                url = reverse("staff:planning", kwargs={"office": office.slug})
                # 303: the browser fetches the polling page with GET.
                response = HttpResponseRedirect(f"{url}?weekday={data['weekday']}&run={token}")
                response.status_code = 303
                return response
            comparison = tasks.whatif_run(office, data["weekday"], knobs, tasks.run_token())
            if comparison is not None:
                context |= _figures(comparison, baseline.opens)
        else:
            status = 400
    else:
        initial = knobs_of(baseline.scenario)
        form = WhatIfForm(
            initial={
                "weekday": weekday,
                "desks": initial.desks,
                "open_minutes": initial.open_minutes,
                "walk_ins": initial.walk_ins,
                "slot_minutes": 0,
            },
            weekdays=weekdays,
        )
        if token:
            state = tasks.run_state(office.pk, token)
            if state is None or state.get("failed"):
                context["run_lost"] = True
            elif "comparison" in state:
                context |= _figures(state["comparison"], baseline.opens)
            else:
                context["progress"] = state
    service_names = selectors.service_names(office, get_language())
    context |= {
        "form": form,
        "baseline": baseline,
        "plan": plan_words(baseline.plan, service_names),
    }
    return office_render(request, "staff/planning/whatif.html", context, status=status)


# The optimiser's best plans beside today's, and applying one after review
# (docs/planning.md, "Optimiser"). The plans page computes; a plan travels to the review page
# signed, with the fingerprint of the rules it was computed against, so a plan computed before
# the rules changed is refused instead of overwriting them.
PLANS_SHOWN = 3
PLANS_SEARCHED = 24
PLANS_REPLICATIONS = 10
PLAN_SALT = "schalter.planning.plan"


def _estimate(row: dict, name: str) -> str:
    low, high = row[f"{name}_ci"]
    return _("%(mean)s (%(low)s–%(high)s)") % {
        "mean": _minutes(row[name]),
        "low": _minutes(max(0.0, low)),
        "high": _minutes(high),
    }


@require_GET
@office_view(Capability.PLAN_APPOINTMENTS)
def planning_plans(request: HttpRequest, office: Office) -> HttpResponse:
    weekdays = sorted(selectors.opening_by_weekday(office))
    asked = request.GET.get("weekday", "")
    if not weekdays:
        return HttpResponseRedirect(reverse("staff:planning", kwargs={"office": office.slug}))
    weekday = int(asked) if asked.isdigit() and int(asked) in weekdays else weekdays[0]
    baseline = selectors.office_baseline(office, weekday, timezone.localdate())
    assert baseline is not None
    report = optimise(
        baseline.scenario,
        baseline.plan,
        limit=PLANS_SEARCHED,
        replications=PLANS_REPLICATIONS,
        best=PLANS_SHOWN,
    )
    fingerprint = selectors.rules_fingerprint(office, weekday)
    recommended: list[dict] = report["best"]  # type: ignore[assignment]
    others: list[dict] = report["alternatives"]  # type: ignore[assignment]
    rows = [report["today"], *recommended, *others][: PLANS_SHOWN + 1]
    service_names = selectors.service_names(office, get_language())
    names = [_("Today")] + [_("Plan %(number)s") % {"number": i + 1} for i in range(len(rows) - 1)]
    if recommended:
        best = recommended[0]
        low, high = best["p90_change_minutes_ci"]
        verdict = _(
            "Recommended: %(name)s. 9 in 10 clients wait at most %(minutes)s minutes less than "
            "with today's plan (95 %% interval %(low)s to %(high)s minutes)."
        ) % {
            "name": names[1],
            "minutes": _minutes(-best["p90_change_minutes"]),
            "low": _minutes(-high),
            "high": _minutes(-low),
        }
    else:
        verdict = _(
            "No change recommended: no plan found shortens the wait of 9 in 10 clients beyond "
            "the noise of the simulation without making the mean wait longer. The plans below "
            "are for comparison only."
        )
    chart = Chart(
        title=_("Waits with today's plan and the best plans"),
        description=_(
            "Mean wait and the wait 9 in 10 clients stay within, in minutes, for today's plan "
            "and the best plans found."
        ),
        x_label=_("Figure"),
        y_label=_("Minutes"),
        categories=(_("Mean wait (min)"), _("9 in 10 within (min)")),
        series=tuple(
            Series(name, (row["mean_wait_minutes"], row["p90_wait_minutes"]))
            for name, row in zip(names, rows, strict=True)
        ),
    )
    plans = [
        {
            "name": name,
            "plan": plan_words(plan_from_data(row["plan_data"]), service_names),
            "mean": _estimate(row, "mean_wait_minutes"),
            "p90": _estimate(row, "p90_wait_minutes"),
            "idle": _minutes(row["idle_desk_hours"]),
            "change": _("%(mean)s (%(low)s–%(high)s)")
            % {
                "mean": _minutes(row["p90_change_minutes"]),
                "low": _minutes(row["p90_change_minutes_ci"][0]),
                "high": _minutes(row["p90_change_minutes_ci"][1]),
            }
            if i
            else "",
            "recommended": 0 < i <= len(recommended),
            "payload": signing.dumps(
                {
                    "office": office.pk,
                    "weekday": weekday,
                    "plan": row["plan_data"],
                    "rules": fingerprint,
                },
                salt=PLAN_SALT,
            )
            if i
            else "",
        }
        for i, (name, row) in enumerate(zip(names, rows, strict=True))
    ]
    context = {
        "weekday": weekday,
        "weekday_name": WEEKDAYS[weekday],
        "weekdays": [(d, WEEKDAYS[d]) for d in weekdays],
        "chart": bar_chart(chart),
        "plans": plans,
        "verdict": verdict,
        "replications": PLANS_REPLICATIONS,
        "calibrated": baseline.calibrated,
    }
    return office_render(request, "staff/planning/plans.html", context)


class PlanApplyForm(KernFormMixin, forms.Form):
    valid_from = forms.DateField(
        label=gettext_lazy("First day with this plan"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


@require_POST
@office_view(Capability.PLAN_APPOINTMENTS)
def planning_apply(request: HttpRequest, office: Office) -> HttpResponse:
    """Without `confirm` the review of a plan, with it the plan applied."""
    payload = request.POST.get("payload", "")
    try:
        data = signing.loads(payload, salt=PLAN_SALT)
        plan = plan_from_data(data["plan"])
        weekday = int(data["weekday"])
        if data["office"] != office.pk:
            raise ValueError("another office's plan")
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return HttpResponse(_("This plan cannot be applied."), status=400)
    opening = selectors.opening_by_weekday(office).get(weekday)
    today = timezone.localdate()
    first = today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    status = 200
    if "confirm" in request.POST:
        form = PlanApplyForm(request.POST)
        if form.is_valid():
            try:
                planning_services.plan_apply(
                    office=office,
                    weekday=weekday,
                    plan=plan,
                    valid_from=form.cleaned_data["valid_from"],
                    now=timezone.now(),
                    acting_user=request.user,
                    based_on=data["rules"],
                )
            except Refusal as refusal:
                form.add_error(refusal.field, refusal.message)
                status = 409 if isinstance(refusal, PlanStale) else 400
            else:
                messages.success(request, _("The plan now applies to the availability rules."))
                url = reverse("staff:planning", kwargs={"office": office.slug})
                response = HttpResponseRedirect(f"{url}?weekday={weekday}")
                response.status_code = 303
                return response
        else:
            status = 400
    else:
        form = PlanApplyForm(initial={"valid_from": first})
    opens = opening[0] if opening else None
    names = selectors.service_names(office, get_language())
    rules = [
        {
            "services": ", ".join(names.get(s, s) for s in sorted(spec.services)),
            "from": _clock(opens, spec.start_minute) if opens else "",
            "until": _clock(opens, spec.end_minute) if opens else "",
            "online": spec.capacity_online,
            "staff": spec.capacity_staff,
        }
        for spec in rules_from_plan(plan, opening[1] if opening else 0)
    ]
    context = {
        "weekday_name": WEEKDAYS[weekday],
        "weekday": weekday,
        "plan": plan_words(plan, names),
        "rules": rules,
        "payload": payload,
        "form": form,
    }
    return office_render(request, "staff/planning/apply.html", context, status=status)
