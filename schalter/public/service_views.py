"""Service pages, the first-visit guide and the structured data (schema.org) for search engines.

Small pages on purpose: no JavaScript, one stylesheet, so clients on old phones with prepaid data
can read them. Data texts missing in the client's language fall back to German with a note.
"""

import json
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_scopes import scope

from schalter.appointments import selectors as booking_selectors
from schalter.appointments.models import Channel, OfficeService
from schalter.appointments.parts import BOOKING
from schalter.catalog.catalogue import FEE_EXEMPT_GROUPS
from schalter.knowledge import selectors as knowledge_selectors
from schalter.languages import BY_CODE, DEFAULT
from schalter.links import public_url
from schalter.offices import selectors as office_selectors
from schalter.offices.localtime import local_date
from schalter.offices.models import Office, OpeningHours, Weekday
from schalter.offices.parts import uses


@dataclass(frozen=True)
class Text:
    """A data text in the language it is written in; `fallback` when not the one asked for."""

    text: str
    lang: str  # BCP 47, for the lang attribute
    fallback: bool


def text_in(texts: dict[str, str] | None, language: str | None) -> Text:
    """The text in the client's language, else German (marked as a fallback), never blank when
    any language has it."""
    texts = texts or {}
    code = (language or DEFAULT.code).lower()
    if texts.get(code):
        return Text(texts[code], BY_CODE[code].html_lang if code in BY_CODE else code, False)
    for candidate, value in [(DEFAULT.code, texts.get(DEFAULT.code)), *texts.items()]:
        if value:
            html_lang = BY_CODE[candidate].html_lang if candidate in BY_CODE else candidate
            return Text(value, html_lang, True)
    return Text("", DEFAULT.html_lang, False)


def service_context(offered: OfficeService, language: str) -> dict:
    """What the booking pages and the service page show about a service: name, documents, fees."""
    service = offered.service
    documents = [text_in(document, language) for document in service.documents]
    return {
        "offered": offered,
        "service_name": service.name_in(language),
        "documents": documents,
        "documents_fallback": any(document.fallback for document in documents),
        "fee": service.fee(),
        "fee_minor": service.fee(minor=True),
        "exempt_groups": [
            _(FEE_EXEMPT_GROUPS[g]) for g in service.exempt_groups if g in FEE_EXEMPT_GROUPS
        ],
    }


def json_ld(data: dict) -> SafeString:
    """JSON for a <script> element: `<`, `>` and `&` escaped so text cannot end the element."""
    text = json.dumps(data, ensure_ascii=False, indent=None, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return mark_safe(text)  # noqa: S308 (escaped above)


def office_json_ld(office: Office, language: str) -> dict:
    """schema.org GovernmentOffice with address, phone and the weekly opening hours."""
    with scope(office=office):
        hours = list(OpeningHours.objects.filter(office=office, location__isnull=True))
    return {
        "@context": "https://schema.org",
        "@type": "GovernmentOffice",
        "name": office.name_in(language),
        "url": public_url(reverse("public:office", kwargs={"office": office.slug})),
        "telephone": office.phone,
        "email": office.email,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": office.street,
            "postalCode": office.postcode,
            "addressLocality": office.city,
            "addressCountry": "DE",
        },
        "openingHoursSpecification": [_opening_hours_spec(period) for period in hours],
    }


def _opening_hours_spec(period: OpeningHours) -> dict:
    return {
        "@type": "OpeningHoursSpecification",
        "dayOfWeek": f"https://schema.org/{Weekday(period.weekday).name.title()}",
        "opens": period.opens.strftime("%H:%M"),
        "closes": period.closes.strftime("%H:%M"),
    }


def office_services(office: Office, language: str) -> list[dict]:
    """Every service the office offers (online or by invitation), by name, for the office page."""
    offered = booking_selectors.offered_services(office, online_only=False)
    return sorted(
        (
            {
                "slug": o.service.slug,
                "name": o.service.name_in(language),
                "url": reverse(
                    "public:service", kwargs={"office": office.slug, "service": o.service.slug}
                ),
            }
            for o in offered
        ),
        key=lambda entry: entry["name"],
    )


def office_home_extras(office: Office, language: str) -> dict:
    """What the office home page shows beyond hours and contacts: services and structured data."""
    return {
        "services": office_services(office, language),
        "office_json_ld": json_ld(office_json_ld(office, language)),
    }


@require_GET
def service_page(request: HttpRequest, office: str, service: str) -> HttpResponse:
    office_obj = office_selectors.office_by_slug(office)
    offered = booking_selectors.offer_get(office_obj, service_slug=service, channel=None)
    language = get_language()
    office_name = office_obj.name_in(language)
    summary = text_in(offered.service.summary, language)
    audience = text_in(offered.service.audience, language)
    context = service_context(offered, language)
    page_url = public_url(
        reverse("public:service", kwargs={"office": office_obj.slug, "service": service})
    )
    structured = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "name": context["service_name"],
        "description": summary.text,
        "url": page_url,
        "serviceType": context["service_name"],
        "provider": {
            "@type": "GovernmentOffice",
            "name": office_name,
            "telephone": office_obj.phone,
            "url": public_url(reverse("public:office", kwargs={"office": office_obj.slug})),
        },
        "areaServed": office_obj.city,
    }
    if offered.service.leika_key:
        structured["identifier"] = offered.service.leika_key
    return render(
        request,
        "public/services/service.html",
        {
            **context,
            "office": office_obj,
            "office_name": office_name,
            "summary": summary,
            "audience": audience,
            "legal_basis": offered.service.legal_basis,
            "bookable_online": booking_selectors.offer_is_open(offered, Channel.ONLINE),
            "books_online": uses(office_obj, BOOKING),
            # What changed for clients of this service (approved knowledge summaries, issue 16).
            "knowledge_changes": knowledge_selectors.public_summaries(
                office_obj,
                offered.service,
                on=local_date(office_obj, timezone.now()),
                language=language,
            ),
            "service_json_ld": json_ld(structured),
        },
    )


@require_GET
def first_visit(request: HttpRequest, office: str) -> HttpResponse:
    office_obj = office_selectors.office_by_slug(office)
    language = get_language()
    return render(
        request,
        "public/services/first_visit.html",
        {
            "office": office_obj,
            "office_name": office_obj.name_in(language),
            "locations": [
                {"name": location.name_in(language), "step_free": location.step_free}
                for location in office_selectors.locations_of(office_obj)
            ],
            # The buildings named here, with their own hours when they keep some.
            "building_weeks": office_selectors.building_weeks(
                office_obj, local_date(office_obj, timezone.now()), language
            ),
        },
    )
