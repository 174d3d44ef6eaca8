"""The data protection officer's page: who of the staff read client records, and the export of
everything the office holds about one person who asked (Art. 15 GDPR). The person is named in a
POST body, never in a URL (URLs end up in logs); every search is itself audited."""

import json

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from schalter.accounts.roles import Capability
from schalter.accounts.services import audit_record
from schalter.appointments.errors import InvalidContact
from schalter.offices.localtime import local_date
from schalter.offices.models import Office
from schalter.offices.retention import eraser_names
from schalter.privacy.reads import SUBJECT_EXPORTED, record_reads
from schalter.privacy.retention import retention_report
from schalter.privacy.subject import subject_export, subject_records
from schalter.staff.forms import SubjectAccessForm
from schalter.staff.guards import office_view
from schalter.staff.navigation import office_render


@require_http_methods(["GET", "POST"])
@office_view(Capability.VIEW_PRIVACY)
def privacy(request: HttpRequest, office: Office) -> HttpResponse:
    form = SubjectAccessForm(request.POST or None)
    status, nothing_found = 200, False
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            try:
                records = subject_records(office=office, **form.cleaned_data)
            except InvalidContact as problem:
                form.add_error(problem.field or "email", problem.message)
                status = 400
            else:
                audit_record(
                    office=office,
                    acting_user=request.user,
                    action=SUBJECT_EXPORTED,
                    data={"records": len(records)},
                )
                if len(records):
                    return _download(office, subject_export(records))
                nothing_found = True
    return office_render(
        request,
        "staff/privacy.html",
        {"form": form, "reads": record_reads(office=office), "nothing_found": nothing_found},
        status=status,
    )


def _download(office: Office, export: dict) -> HttpResponse:
    day = local_date(office, timezone.now()).isoformat()
    response = HttpResponse(
        json.dumps({"office": office.slug, "made_on": day, **export}, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="schalter-{office.slug}-{day}.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET"])
@office_view(Capability.VIEW_RETENTION)
def retention(request: HttpRequest, office: Office) -> HttpResponse:
    """The retention report: counts only, naming nobody, so the read is not audited."""
    rows = retention_report(office=office, now=timezone.now(), erasers=eraser_names())
    return office_render(request, "staff/privacy/retention.html", {"rows": rows})
