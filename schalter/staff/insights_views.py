"""The office's figures for its admins and team leads (docs/insights.md): charts with their
tables and a sentence, filtered by period, service and client language, every table exportable
as CSV or XLSX. Today is rolled up on demand; closed days come from the scheduled tick."""

from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from schalter.accounts import selectors as account_selectors
from schalter.accounts.roles import Capability
from schalter.appointments.selectors import offered_services
from schalter.charts import Chart, Series, bar_chart, line_chart
from schalter.insights.bilanz import all_offices_bilanz, office_bilanz
from schalter.insights.comparison import compared_offices, ministry_table, office_comparison
from schalter.insights.consent import naming_consent_set
from schalter.insights.cost_figures import cost_entries, costs_page_table, office_cost_line
from schalter.insights.costs import (
    NOTE_MAX,
    CostRefused,
    cost_entry_withdraw,
    programme_budget_add,
    staff_hours_add,
)
from schalter.insights.dashboard import (
    chart_has_values,
    chart_table,
    office_dashboard,
    table_rows_html,
)
from schalter.insights.exports import csv_response, xlsx_response
from schalter.insights.models import NamingConsent, ProgrammeBudget, StaffHours
from schalter.insights.rollups import today_rollup
from schalter.insights.timeline import marked_line_chart
from schalter.kern_forms import KernFormMixin
from schalter.languages import LANGUAGES, language_for
from schalter.numbers import machine
from schalter.offices import selectors as office_selectors
from schalter.offices.localtime import local_date
from schalter.offices.models import Office
from schalter.printing.render import (
    PdfUnavailable,
    RenderBusy,
    document_html,
    pdf_render,
    render_slot,
)
from schalter.staff.guards import office_view, verified_staff
from schalter.staff.navigation import office_render

DEFAULT_DAYS = 28
MAX_DAYS = 3 * 366  # a longer period is refused: exports stay small


class PeriodForm(KernFormMixin, forms.Form):
    first = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput({"type": "date"}))
    last = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput({"type": "date"}))
    service = forms.TypedChoiceField(
        label=gettext_lazy("Service"), required=False, coerce=int, empty_value=None
    )
    language = forms.ChoiceField(label=gettext_lazy("Client language"), required=False)

    def __init__(self, *args, office: Office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("All services"))] + [
            (o.service_id, o.service.name_in(get_language()))
            for o in offered_services(office, online_only=False)
        ]
        self.fields["language"].choices = [("", _("All languages"))] + [
            (language.code, language.name_local) for language in LANGUAGES
        ]

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last:
            if last < first:
                self.add_error("last", _("The end must not be before the start."))
            elif (last - first).days >= MAX_DAYS:
                self.add_error("last", _("Choose a period of at most three years."))
        return data


def _period(request: HttpRequest, office: Office, today: date) -> tuple[PeriodForm, dict]:
    initial = {"first": today - timedelta(days=DEFAULT_DAYS - 1), "last": today}
    given = request.GET.copy()
    for key, value in initial.items():
        given.setdefault(key, value.isoformat())
    form = PeriodForm(given, office=office)
    if form.is_valid():
        return form, form.cleaned_data
    return form, {**initial, "service": None, "language": ""}


def _dashboard(request: HttpRequest, office: Office):
    now = timezone.now()
    today = local_date(office, now)
    form, chosen = _period(request, office, today)
    if chosen["first"] <= today <= chosen["last"]:
        today_rollup(office=office, now=now)  # today, on demand
    board = office_dashboard(
        office,
        chosen["first"],
        chosen["last"],
        service_id=chosen["service"],
        language=chosen["language"],
    )
    # Issue 17, part B: beside its earlier period and the other offices (named with consent).
    unfiltered = chosen["service"] is None and not chosen["language"]
    board.tables["comparison"] = office_comparison(
        office,
        chosen["first"],
        chosen["last"],
        get_language(),
        own=board.figures if unfiltered else None,  # read once for the page and the comparison
    )
    # The Bilanz's costs: staff hours and programme budget as the admin entered them.
    whole = chosen["service"] is None and not chosen["language"]
    board.tables["costs"] = costs_page_table(
        office_cost_line(
            office,
            chosen["first"],
            chosen["last"],
            served=board.figures.counts["served"] if whole else None,
        )
    )
    return form, board


def _svg(item: dict):
    if item["kind"] == "bar":
        return bar_chart(item["chart"])
    if item.get("marks"):
        return marked_line_chart(item["chart"], item["marks"])
    return line_chart(item["chart"])


@require_GET
@office_view(Capability.VIEW_INSIGHTS)
def insights(request: HttpRequest, office: Office) -> HttpResponse:
    form, board = _dashboard(request, office)
    rows = {name: table_rows_html(table) for name, table in board.tables.items()}  # once each
    charts = [
        {
            "svg": "" if item["empty"] else _svg(item),  # nothing to draw: a sentence
            "table": board.tables[item["table"]],
            "rows": rows[item["table"]],
        }
        for item in board.charts
    ]
    query = request.GET.copy()
    query.pop("table", None)
    query.pop("kind", None)
    return office_render(
        request,
        "staff/insights/dashboard.html",
        {
            "form": form,
            "board": board,
            "charts": charts,
            "tables": board.tables,
            "sections": [(name, table, rows[name]) for name, table in board.tables.items()],
            "query": query.urlencode(),
            "named": NamingConsent.objects.filter(office=office, named=True).exists(),
            "may_consent": Capability.MANAGE_OFFICE
            in account_selectors.capabilities_in(user=request.user, office=office),
            "costs": costs_context(office, local_date(office, timezone.now())),
        },
    )


@require_POST
@office_view(Capability.MANAGE_OFFICE)
def insights_naming(request: HttpRequest, office: Office) -> HttpResponse:
    """The office's admin agrees to be named where offices are compared, or withdraws."""
    naming_consent_set(
        office=office,
        named=request.POST.get("named") == "1",
        acting_user=request.user,
        now=timezone.now(),
    )
    return HttpResponseRedirect(reverse("staff:insights", kwargs={"office": office.slug}))


@require_GET
@office_view(Capability.VIEW_INSIGHTS)
def insights_export(request: HttpRequest, office: Office) -> HttpResponse:
    """One table of the dashboard (?table=, the same filters) as ?kind=csv or xlsx."""
    table, kind = request.GET.get("table", ""), request.GET.get("kind", "")
    form, board = _dashboard(request, office)
    if form.errors:  # a refused period is not exported as the default one: say why
        return HttpResponse(
            " ".join(str(e) for errors in form.errors.values() for e in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    if table not in board.tables or kind not in ("csv", "xlsx"):
        raise Http404
    name = f"{office.slug}-{table}"
    if kind == "csv":
        return csv_response(board.tables[table], name)
    return xlsx_response(board.tables[table], name)


# --- The ministry's comparison of all offices (/staff/figures/) ---


def ministry_comparison(request: HttpRequest) -> tuple[PeriodForm | None, dict]:
    """The period chosen (GET first/last; the last four weeks by default) and the table of all
    offices side by side, small groups suppressed (insights.comparison.ministry_table)."""
    today = timezone.localdate()
    first = today - timedelta(days=DEFAULT_DAYS - 1)
    last = today
    form = ComparisonForm(request.GET or None)
    if form.is_bound and form.is_valid():
        first, last = form.cleaned_data["first"], form.cleaned_data["last"]
    return form, ministry_table(compared_offices(get_language()), first, last)


def comparison_chart(table: dict) -> dict[str, object]:
    """The ministry's comparison as a bar chart of the median and p90 wait per office (a
    suppressed figure is a gap), with its table."""

    def number(value: object) -> float | None:  # a suppressed or missing figure: a gap
        value = machine(value)
        return float(value) if isinstance(value, int | float | Decimal) else None

    rows = table["rows"]
    chart = Chart(
        title=_("Waiting time by office"),
        description=_(
            "Median and 90th percentile of the waiting time per office; offices with too few "
            "visits are left out."
        ),
        x_label=_("Office"),
        y_label=_("Minutes"),
        categories=tuple(str(row[0]) for row in rows),  # type: ignore[attr-defined]
        series=(
            Series(_("Median"), tuple(number(row[2]) for row in rows)),  # type: ignore[attr-defined]
            Series(_("90th percentile"), tuple(number(row[3]) for row in rows)),  # type: ignore[attr-defined]
        ),
        unit="min",
    )
    if not chart_has_values(chart):
        return {"svg": "", "table": chart_table(chart)}
    return {"svg": bar_chart(chart), "table": chart.table()}


class ComparisonForm(KernFormMixin, forms.Form):
    first = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput({"type": "date"}))
    last = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput({"type": "date"}))

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last:
            if last < first:
                self.add_error("last", _("The end must not be before the start."))
            elif (last - first).days >= MAX_DAYS:
                self.add_error("last", _("Choose a period of at most three years."))
        return data


@require_GET
@verified_staff
def figures_export(request: HttpRequest, kind: str) -> HttpResponse:
    if not account_selectors.is_ministry(user=request.user):
        raise Http404
    if kind not in ("csv", "xlsx"):
        raise Http404
    _form, table = ministry_comparison(request)
    if kind == "csv":
        return csv_response(table, "offices")
    return xlsx_response(table, "offices")


# --- The Bilanz as a PDF (insights/bilanz.py): the office's for its leads, all for the ministry ---


def _pdf(template: str, context: dict, filename: str) -> HttpResponse:
    """Render in a bounded render slot; a busy or missing renderer is a 503 with a sentence."""
    try:
        html = document_html(template, context)
        with render_slot():
            pdf = pdf_render(html)
    except RenderBusy:
        return HttpResponse(
            _("Many documents are being made right now. Please try again in a minute."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    except PdfUnavailable:
        return HttpResponse(
            _("Documents cannot be made on this server at the moment."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@office_view(Capability.VIEW_INSIGHTS)
def insights_bilanz(request: HttpRequest, office: Office) -> HttpResponse:
    """The office's Bilanz for the chosen period (the dashboard's period form)."""
    now = timezone.now()
    today = local_date(office, now)
    _form, chosen = _period(request, office, today)
    if chosen["first"] <= today <= chosen["last"]:
        today_rollup(office=office, now=now)
    language = get_language()
    bilanz = office_bilanz(office, chosen["first"], chosen["last"], language=language)
    name = f"bilanz-{office.slug}-{chosen['first']:%Y%m%d}-{chosen['last']:%Y%m%d}"
    return _pdf(
        "printing/bilanz.html",
        {"page_language": language_for(language), "bilanz": bilanz},
        name,
    )


@require_GET
@verified_staff
def figures_bilanz(request: HttpRequest) -> HttpResponse:
    """The ministry's Bilanz of all offices: aggregates only, small groups suppressed."""
    if not account_selectors.is_ministry(user=request.user):
        raise Http404
    today = timezone.localdate()
    first, last = today - timedelta(days=DEFAULT_DAYS - 1), today
    form = ComparisonForm(request.GET or None)
    if form.is_bound and form.is_valid():
        first, last = form.cleaned_data["first"], form.cleaned_data["last"]
    language = get_language()
    # Named only where the office agreed, "Office A", … otherwise: as in the comparison.
    bilanz = all_offices_bilanz(compared_offices(language), first, last)
    return _pdf(
        "printing/bilanz.html",
        {"page_language": language_for(language), "bilanz": bilanz},
        f"bilanz-{first:%Y%m%d}-{last:%Y%m%d}",
    )


# --- Costs for the Bilanz: staff hours and the programme's budget, entered by the office's admin
# (insights/costs.py); leads see them read-only in the dashboard's costs table ---


# An <input type="date"> shows only ISO dates; the localised default would leave it empty.
ISO_DATE = forms.DateInput({"type": "date"}, format="%Y-%m-%d")


class StaffHoursForm(KernFormMixin, forms.Form):
    first_day = forms.DateField(label=gettext_lazy("From"), widget=ISO_DATE)
    last_day = forms.DateField(label=gettext_lazy("To"), widget=ISO_DATE)
    # Localised: German staff type "12,5".
    hours = forms.DecimalField(
        label=gettext_lazy("Staff hours"), max_digits=8, decimal_places=1, localize=True
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=NOTE_MAX)


class ProgrammeBudgetForm(KernFormMixin, forms.Form):
    first_day = forms.DateField(label=gettext_lazy("From"), widget=ISO_DATE)
    last_day = forms.DateField(label=gettext_lazy("To"), widget=ISO_DATE)
    amount = forms.DecimalField(
        label=gettext_lazy("Programme budget (€)"), max_digits=12, decimal_places=2, localize=True
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=NOTE_MAX)


COST_FORMS = {"hours": StaffHoursForm, "budget": ProgrammeBudgetForm}


def costs_context(office: Office, today: date, bound: forms.Form | None = None) -> dict:
    """The two forms (last month's hours and this year's budget proposed) and the entries."""
    month_last = today.replace(day=1) - timedelta(days=1)
    initial = {
        "hours": {"first_day": month_last.replace(day=1), "last_day": month_last},
        "budget": {
            "first_day": today.replace(month=1, day=1),
            "last_day": today.replace(month=12, day=31),
        },
    }
    forms_ = {
        kind: bound
        if bound is not None and bound.prefix == kind
        else form(prefix=kind, initial=initial[kind])
        for kind, form in COST_FORMS.items()
    }
    hours, budgets = cost_entries(office)
    return {"forms": forms_, "hours": hours, "budgets": budgets}


@require_POST
@office_view(Capability.MANAGE_OFFICE)
def insights_costs(request: HttpRequest, office: Office) -> HttpResponse:
    """Enter the staff hours of a period or the programme's budget; a refusal shows the form
    again with the values typed and why (400)."""
    kind = request.POST.get("kind", "")
    kind = kind if kind in COST_FORMS else "hours"
    form = COST_FORMS[kind](request.POST, prefix=kind)
    if form.is_valid():
        add = staff_hours_add if kind == "hours" else programme_budget_add
        try:
            add(office=office, **form.cleaned_data, acting_user=request.user, now=timezone.now())
        except CostRefused as refusal:
            form.add_error(
                refusal.field if refusal.field in form.fields else None, str(refusal.message)
            )
        else:
            return HttpResponseRedirect(
                reverse("staff:insights", kwargs={"office": office.slug}) + "#costs"
            )
    today = local_date(office, timezone.now())
    return office_render(
        request,
        "staff/insights/costs.html",
        {"costs": costs_context(office, today, form)},
        status=400,
    )


@require_POST
@office_view(Capability.MANAGE_OFFICE)
def insights_cost_delete(request: HttpRequest, office: Office, kind: str, pk: int) -> HttpResponse:
    """Withdraw a wrong entry of staff hours or budget (it can then be entered again)."""
    model = {"hours": StaffHours, "budget": ProgrammeBudget}.get(kind)
    if model is None:
        raise Http404
    entry = office_selectors.owned_by(office, model, pk)
    cost_entry_withdraw(office=office, entry=entry, acting_user=request.user)
    return HttpResponseRedirect(
        reverse("staff:insights", kwargs={"office": office.slug}) + "#costs"
    )
