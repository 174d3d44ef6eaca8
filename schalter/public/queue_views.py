"""The public queue page (`/<lang>/<office>/queue/`), linked from the QR code on the call
displays: how many wait per group and how long, and the office's notices. Nothing personal."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from schalter.content import selectors as content_selectors
from schalter.offices import selectors as office_selectors
from schalter.visits import selectors as visit_selectors


@never_cache
@require_GET
def queue_status(request: HttpRequest, office: str) -> HttpResponse:
    office_obj = office_selectors.office_by_slug(office)
    language = get_language()
    now = timezone.now()
    overview = visit_selectors.queue_overview(office_obj, now)
    return render(
        request,
        "public/queue_status.html",
        {
            "office": office_obj,
            "office_name": office_obj.name_in(language),
            "local_now": office_selectors.local_now(office_obj, now),
            "groups": [
                {
                    "name": status.group.name_in(language),
                    "waiting_zone": status.group.waiting_zone_in(language),
                    "waiting": status.waiting,
                    "wait": status.wait_said,
                }
                for status in overview.groups
            ],
            "open_desks": len(overview.sessions),
            "notices": content_selectors.notices_for_reader(office_obj, now, language),
        },
    )
