"""Staff pages: each is guarded by `office_view(capability)`, reads through selectors and writes
through services."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schalter.accounts import selectors as account_selectors
from schalter.accounts.roles import Capability
from schalter.accounts.services import audit_record
from schalter.errors import Refusal
from schalter.insights.comparison import compared_offices
from schalter.insights.selectors import office_figures
from schalter.offices import selectors, services
from schalter.offices.localtime import local_date, local_time
from schalter.offices.models import Office
from schalter.staff import insights_views
from schalter.staff.forms import ClosureForm, DeskForm
from schalter.staff.guards import office_view, verified_staff
from schalter.staff.navigation import office_navigation, office_render
from schalter.visits import selectors as visit_selectors


@verified_staff
def home(request: HttpRequest) -> HttpResponse:
    """The office switcher: where this person works."""
    offices = account_selectors.offices_of(user=request.user)
    ministry = account_selectors.is_ministry(user=request.user)
    # Each office opens on the first page of its menu she may see (the data-protection
    # officer's is not the overview).
    landings = [office_landing(request.user, office) for office in offices]
    operator = account_selectors.is_operator(user=request.user)
    if len(offices) == 1 and not ministry and not operator and landings[0]:
        return redirect(landings[0])
    language = get_language()
    return render(
        request,
        "staff/home.html",
        {
            "offices": [
                {"office": o, "name": o.name_in(language), "url": url}
                for o, url in zip(offices, landings, strict=True)
                if url
            ],
            "ministry": ministry,
            "operator": operator,
        },
    )


def office_landing(user, office: Office) -> str:
    access = account_selectors.office_access(user=user, office_slug=office.slug)
    entries = office_navigation(access, "")
    return str(entries[0]["url"]) if entries else ""


@verified_staff
def figures(request: HttpRequest) -> HttpResponse:
    """Anonymised figures of every office, for the ministry."""
    if not account_selectors.is_ministry(user=request.user):
        raise Http404
    # Named only where the office agreed (insights/comparison.py), else "Office A", …
    rows = [
        {"name": label, **office_figures(office)}
        for label, office in compared_offices(get_language())
    ]
    form, comparison = insights_views.ministry_comparison(request)
    audit_record(office=None, acting_user=request.user, action="insights.figures.viewed")
    return render(
        request,
        "staff/figures.html",
        {
            "rows": rows,
            "close_enough": visit_selectors.CLOSE_ENOUGH_MINUTES,
            "form": form,
            "comparison": comparison,
            "comparison_chart": insights_views.comparison_chart(comparison),
            "query": request.GET.urlencode(),
        },
    )


@office_view(Capability.VIEW_OFFICE)
def office_overview(request: HttpRequest, office: Office) -> HttpResponse:
    now = local_time(office, timezone.now())
    return office_render(
        request,
        "staff/office.html",
        {
            "today": selectors.week_schedule(office, now.date(), get_language(), days=1)[0],
            "figures": office_figures(office),
            # Staff print in German; a flyer's language is chosen in its link (?lang=, pair=1).
            "printed": {
                "flyer": german_url("public:office_flyer", office=office.slug),
                "desk_signs": reverse("signs_desks", kwargs={"office": office.slug}),
                "floors": reverse("signs_floors", kwargs={"office": office.slug}),
            },
        },
    )


def german_url(name: str, **kwargs: str) -> str:
    with translation.override("de"):
        return reverse(name, kwargs=kwargs)


@office_view(Capability.VIEW_DESKS)
def desk_list(request: HttpRequest, office: Office) -> HttpResponse:
    return office_render(
        request,
        "staff/desks.html",
        {
            "desks": selectors.desks_of(office),
            "locations": selectors.locations_of(office),
        },
    )


@office_view(Capability.VIEW_DESKS)
def desk_edit(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    desk = selectors.desk_get(office, pk)
    may_edit = request.access.may(Capability.MANAGE_DESKS)
    form = DeskForm(
        request.POST if request.method == "POST" and may_edit else None,
        instance=desk,
        office=office,
    )
    status = 200
    if request.method == "POST":
        if not may_edit:
            status = 403
        elif form.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            services.desk_update(
                desk=selectors.desk_get(office, pk), changes=changes, acting_user=request.user
            )
            messages.success(request, _("Desk %(number)s saved.") % {"number": desk.number})
            return redirect("staff:desks", office=office.slug)
        else:
            status = 400
    return office_render(
        request,
        "staff/desk_edit.html",
        {"desk": desk, "form": form, "may_edit": may_edit},
        status=status,
    )


@office_view(Capability.VIEW_DESKS)
def location_detail(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    location = selectors.location_get(office, pk)
    desks = [d for d in selectors.desks_of(office) if d.location_id == location.pk]
    return office_render(
        request,
        "staff/location.html",
        {"location": location, "location_name": location.name_in(get_language()), "desks": desks},
    )


@office_view(Capability.MANAGE_OFFICE)
def closure_list(request: HttpRequest, office: Office) -> HttpResponse:
    form = ClosureForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.closure_add(
                    office=office,
                    first_day=form.cleaned_data["first_day"],
                    last_day=form.cleaned_data["last_day"],
                    reason={get_language(): form.cleaned_data["reason"]},
                    now=timezone.now(),
                    acting_user=request.user,
                )
            except Refusal as refusal:
                form.add_error(
                    refusal.field if refusal.field in form.fields else None, str(refusal.message)
                )
            else:
                messages.success(request, _("Closure saved."))
                return redirect("staff:closures", office=office.slug)
        status = 400
    today = local_date(office, timezone.now())
    closures = selectors.upcoming_closures(office, today)
    for closure in closures:
        closure.reason_text = closure.reason_in(get_language())
    return office_render(
        request, "staff/closures.html", {"form": form, "closures": closures}, status=status
    )


@require_POST
@office_view(Capability.MANAGE_OFFICE)
def closure_delete(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    services.closure_remove(closure=selectors.closure_get(office, pk), acting_user=request.user)
    messages.success(request, _("Closure removed."))
    return redirect("staff:closures", office=office.slug)
