"""The call display in the waiting area: the latest calls with the desk's number, colour and
shape, and the waiting per group. Nothing personal: a ticket code, a desk, a colour name.

The page embeds the id of the newest call event it shows; its script asks `calls.json` only for
newer ones, so a reload or a reconnect never shows an old call as new."""

import re
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from schalter.content import selectors as content_selectors
from schalter.languages import BY_CODE
from schalter.links import public_url, qr_svg
from schalter.locale_text import hyphenate
from schalter.offices import selectors as office_selectors
from schalter.offices.models import Office
from schalter.visits import announce, selectors
from schalter.visits.models import Screen
from schalter.visits.routing import display_socket_path

AFTER = re.compile(r"[0-9]{1,18}")


def _label(text: str, languages: list[str]) -> list[dict[str, object]]:
    """A label in German, then in the office's languages (where they say it differently)."""
    lines: list[dict[str, object]] = []
    for code in ["de", *languages]:
        with translation.override(code):
            said = _(text)
        if all(line["text"] != said for line in lines):
            language = BY_CODE[code]
            lines.append({"lang": language.html_lang, "rtl": language.bidi, "text": said})
    return lines


def _groups(screen: Screen, now: datetime) -> list[dict[str, object]]:
    return [
        {
            "id": status.group.pk,
            "name": hyphenate(status.group.name_in("de"), "de"),  # breaks with a hyphen
            "waiting": status.waiting,
            "wait": status.wait_said,
        }
        for status in selectors.display_groups(screen, now)
    ]


def _queue_qr(office: Office) -> str:
    """A QR code to the office's public queue page. The link carries no language: the phone's
    own language settings pick one (that address redirects to the page in it)."""
    url = public_url(reverse("queue_any_language", kwargs={"office": office.slug}))
    return qr_svg(url, scale=4, border=2, title=_("QR code to follow the queue on your phone"))


def _screen(office: str, screen: str) -> Screen:
    office_obj = office_selectors.office_by_slug(office)
    return selectors.screen_get(office_obj, screen)


@require_GET
def display(request: HttpRequest, office: str, screen: str) -> HttpResponse:
    screen_obj = _screen(office, screen)
    office_obj = screen_obj.office
    now = timezone.now()
    with translation.override("de"):
        found = selectors.display_calls(screen_obj, now)
        languages = selectors.display_languages(office_obj)
        context: dict[str, Any] = {
            "office": office_obj,
            "office_name": office_obj.name_in("de"),
            "screen": screen_obj,
            "calls": [
                {
                    "event": e,
                    "code": e.ticket.code,
                    "desk": e.desk,
                    "names": selectors.desk_colour_names(e.desk, languages),
                }
                for e in found.calls
            ],
            "last_event_id": found.last_event_id,
            "groups": _groups(screen_obj, now),
            "notices": content_selectors.notices_display_data(office_obj, now),
            "queue_qr": _queue_qr(office_obj),
            "socket_path": display_socket_path(office_obj.slug, screen_obj.public_id),
            "time_zone": office_obj.time_zone,
            # The display's languages (<html lang> codes): a live call names its desk's colour
            # in every language, and the script shows these.
            "display_languages": " ".join(BY_CODE[c].html_lang for c in ["de", *languages]),
            "local_now": office_selectors.local_now(office_obj, now),
            "labels": {
                "calls": _label(gettext_noop("Now calling"), languages),
                "desk": _label(gettext_noop("Desk"), languages),
                "group": _label(gettext_noop("Group"), languages),
                "waiting": _label(gettext_noop("Waiting"), languages),
                "wait": _label(gettext_noop("Expected wait"), languages),
                "follow": _label(gettext_noop("Follow the queue on your phone"), languages),
                "notices": _label(gettext_noop("Notices"), languages),
            },
            "pause_label": _("Pause the notices"),
        }
        response = render(request, "visits/display.html", context)
    return response


@never_cache
@require_GET
def display_calls(request: HttpRequest, office: str, screen: str) -> HttpResponse:
    """Calls newer than event `after`, newest first, and the waiting per group."""
    screen_obj = _screen(office, screen)
    raw = request.GET.get("after", "0") or "0"
    if not AFTER.fullmatch(raw):
        return JsonResponse({"error": "after"}, status=400)
    now = timezone.now()
    with translation.override("de"):
        found = selectors.display_calls(screen_obj, now, after=int(raw))
        languages = selectors.display_languages(screen_obj.office)
        data = {
            "last": found.last_event_id,
            "calls": [selectors.display_call_data(e, languages) for e in found.calls],
            "groups": _groups(screen_obj, now),
            # Small, and read on every poll, so edits reach running displays without a reload.
            "notices": content_selectors.notices_display_data(screen_obj.office, now),
        }
    return JsonResponse(data)


@cache_control(private=True, max_age=3600)
@require_GET
def display_announcement(
    request: HttpRequest, office: str, screen: str, event: int
) -> HttpResponse:
    """The gong and the spoken call (German, then the client's language) as one WAV, for a call
    this screen shows; made by espeak-ng on the first request and cached."""
    screen_obj = _screen(office, screen)
    called = announce.announced_call(screen_obj, event, timezone.now())
    return HttpResponse(announce.call_announcement(called), content_type="audio/wav")
