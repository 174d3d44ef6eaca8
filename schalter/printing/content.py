"""What flyers and signs say, read from the same data as the website: the office, its opening
hours, the catalogue and the desks. Change a desk or a service and the next PDF shows it.

Each language's text is computed inside `translation.override`, so a paired flyer has a German
column and a client-language column built from the same rows.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from schalter.appointments import selectors as booking_selectors
from schalter.appointments.models import Channel, OfficeService
from schalter.appointments.parts import BOOKING
from schalter.catalog.catalogue import FEE_EXEMPT_GROUPS
from schalter.languages import BY_CODE, DEFAULT, LANGUAGE_CODES, Language, spoken_language_name
from schalter.links import public_url, qr_svg
from schalter.offices import palette, selectors
from schalter.offices.models import Desk, Office, Weekday
from schalter.offices.parts import uses
from schalter.printing.render import check_pages
from schalter.visits.parts import QUEUE

PAPER_SIZES = ("A4", "A5")
# A sign is read from a distance: German plus a few small lines, not a wall of text.
MAX_SIGN_LANGUAGES = 3
# Degrees the right-pointing arrow is turned.
ARROW_DIRECTIONS = {"right": 0, "down": 90, "left": 180, "up": 270}


class BadPrintRequest(ValueError):
    """A combination the printing code refuses politely (answered with 400)."""


def paper_size(value: str | None) -> str:
    size = (value or "A4").upper()
    if size not in PAPER_SIZES:
        raise BadPrintRequest(
            _("Unknown paper size %(size)s: choose %(sizes)s.")
            % {"size": value, "sizes": " / ".join(PAPER_SIZES)}
        )
    return size


def language_or_404(code: str) -> Language:
    language = BY_CODE.get(code.strip().lower())
    if language is None:
        raise Http404
    return language


def flyer_languages(code: str, *, pair: bool) -> list[Language]:
    """One column in the client's language; with `pair`, German first and hers beside it."""
    if "," in code:
        raise BadPrintRequest(
            _("A flyer has one client language; add pair=1 to print German beside it.")
        )
    client = language_or_404(code)
    if pair and client.code != DEFAULT.code:
        return [DEFAULT, client]
    return [client]


def sign_languages(office: Office, requested: str | None) -> list[Language]:
    """German, then the requested languages (in the site's order) or else the office's website
    languages."""
    if requested:
        codes = list(dict.fromkeys(c.strip().lower() for c in requested.split(",") if c.strip()))
        codes = [code for code in codes if code != DEFAULT.code]
        if len(codes) > MAX_SIGN_LANGUAGES:
            raise BadPrintRequest(
                _("A sign has room for German and at most %(limit)s more languages.")
                % {"limit": MAX_SIGN_LANGUAGES}
            )
        # In the site's order, whatever order they were asked in: one sign, one kept PDF.
        extra = sorted(
            (language_or_404(code) for code in codes),
            key=lambda language: LANGUAGE_CODES.index(language.code),
        )
    else:
        extra = [
            BY_CODE[code]
            for code in dict.fromkeys(office.languages_served)
            if code in BY_CODE and code != DEFAULT.code
        ]
    return [DEFAULT, *extra]


def print_qr(url: str) -> SafeString:
    """A QR code for paper: no quiet zone or size of its own, the style sheet sizes it."""
    return qr_svg(url, border=0, omitsize=True)


def office_page_path(office: Office, language: Language) -> str:
    with translation.override(language.code):
        return reverse("public:office", kwargs={"office": office.slug})


def service_page_path(office: Office, offered: OfficeService, language: Language) -> str:
    with translation.override(language.code):
        return reverse(
            "public:service", kwargs={"office": office.slug, "service": offered.service.slug}
        )


@dataclass(frozen=True)
class HoursLine:
    weekday: str
    periods: str


def _hours_lines(week: dict[int, list[selectors.Period]]) -> list[HoursLine]:
    lines = []
    for weekday, day_periods in week.items():
        if day_periods:
            periods = ", ".join(f"{p.opens:%H:%M}–{p.closes:%H:%M}" for p in day_periods)
            lines.append(HoursLine(str(Weekday(weekday).label), periods))
    return lines


def weekly_hours(office: Office) -> list[HoursLine]:
    """The regular week (Monday first), weekday names in the active language."""
    return _hours_lines(selectors.weekly_hours_of(office))


def building_hours(office: Office, language: str) -> list[dict[str, Any]]:
    """Each building's regular week when buildings keep hours of their own (else none)."""
    return [
        {"name": location.name_in(language), "hours": _hours_lines(week)}
        for location, week in selectors.building_weekly_hours(office)
    ]


def _column(language: Language) -> dict[str, Any]:
    return {"language": language, "dir": language.dir}


def _office_facts(office: Office, language: Language) -> dict[str, Any]:
    code = language.code
    return {
        **_column(language),
        "office_name": office.name_in(code),
        "directions": office.directions_in(code),
        "transport": office.transport_in(code),
        "hours": weekly_hours(office),
        "building_hours": building_hours(office, code),
        "languages_served": [spoken_language_name(c) for c in office.languages_served],
        "books_online": uses(office, BOOKING),
        "takes_walk_ins": uses(office, QUEUE),
        "locations": [
            {"name": location.name_in(code), "step_free": location.step_free}
            for location in selectors.locations_of(office)
        ],
    }


def service_flyer(
    office: Office, offered: OfficeService, languages: list[Language], size: str
) -> dict[str, Any]:
    service = offered.service
    columns = []
    for language in languages:
        with translation.override(language.code):
            fee: Decimal = service.fee()
            columns.append(
                {
                    **_office_facts(office, language),
                    "service_name": service.name_in(language.code),
                    "documents": service.documents_in(language.code),
                    "fee": fee,
                    "fee_minor": service.fee(minor=True),
                    "exempt_groups": [
                        gettext(FEE_EXEMPT_GROUPS[group])
                        for group in service.exempt_groups
                        if group in FEE_EXEMPT_GROUPS
                    ],
                }
            )
    client = languages[-1]
    return {
        "office": office,
        "offered": offered,
        "bookable_online": booking_selectors.offer_is_open(offered, Channel.ONLINE),
        "service": service,
        "columns": columns,
        # A pair reads German first (on the left); each column carries its own lang and dir.
        "page_language": languages[0],
        "size": size,
        "qr": print_qr(public_url(service_page_path(office, offered, client))),
        "qr_url": public_url(service_page_path(office, offered, client)),
    }


def office_flyer(office: Office, languages: list[Language], size: str) -> dict[str, Any]:
    offered = booking_selectors.offered_services(office, online_only=False)
    columns = []
    for language in languages:
        with translation.override(language.code):
            columns.append(
                {
                    **_office_facts(office, language),
                    "services": [o.service.name_in(language.code) for o in offered],
                }
            )
    client = languages[-1]
    url = public_url(office_page_path(office, client))
    return {
        "office": office,
        "columns": columns,
        # A pair reads German first (on the left); each column carries its own lang and dir.
        "page_language": languages[0],
        "size": size,
        "qr": print_qr(url),
        "qr_url": url,
    }


def _desk_lines(desk: Desk, languages: list[Language]) -> list[dict[str, Any]]:
    colour = desk.palette_colour
    lines = []
    for language in languages:
        with translation.override(language.code):
            lines.append(
                {
                    **_column(language),
                    "colour_name": str(colour.name),
                    "shape_name": str(palette.SHAPES[colour.shape]),
                    "location": desk.location.name_in(language.code),
                    "services": [s.name_in(language.code) for s in desk.services.all()],
                }
            )
    return lines


def _desk_entry(desk: Desk, languages: list[Language]) -> dict[str, Any]:
    lines = _desk_lines(desk, languages)
    return {"desk": desk, "colour": desk.palette_colour, "main": lines[0], "others": lines[1:]}


def active_desks(office: Office) -> list[Desk]:
    return [desk for desk in selectors.desks_of(office) if desk.active]


def desk_signs(office: Office, languages: list[Language]) -> dict[str, Any]:
    desks = active_desks(office)
    check_pages(len(desks))  # one page per desk
    return {
        "office": office,
        "page_language": DEFAULT,
        "languages": languages,
        "signs": [_desk_entry(desk, languages) for desk in desks],
    }


def floor_directory(office: Office, languages: list[Language]) -> dict[str, Any]:
    """One page per building: its floors from the top down, with the desks on each."""
    locations = selectors.locations_of(office)
    check_pages(len(locations))
    desks = active_desks(office)
    buildings = []
    for location in locations:
        here = [desk for desk in desks if desk.location_id == location.pk]
        floors = []
        for floor in sorted({desk.floor for desk in here}, reverse=True):
            floors.append(
                {
                    "floor": floor,
                    "desks": [
                        {
                            "desk": desk,
                            "colour": desk.palette_colour,
                            "lines": _desk_lines(desk, languages),
                        }
                        for desk in here
                        if desk.floor == floor
                    ],
                }
            )
        names = []
        for language in languages:
            names.append({**_column(language), "name": location.name_in(language.code)})
        buildings.append({"location": location, "names": names, "floors": floors})
    return {
        "office": office,
        "page_language": DEFAULT,
        "languages": [_column(language) for language in languages],
        "buildings": buildings,
    }


def arrow_direction(direction: str) -> str:
    if direction not in ARROW_DIRECTIONS:
        raise BadPrintRequest(
            _("Unknown direction %(direction)s: choose %(directions)s.")
            % {"direction": direction, "directions": " / ".join(ARROW_DIRECTIONS)}
        )
    return direction


def arrow_sign(
    office: Office, desk: Desk, direction: str, languages: list[Language]
) -> dict[str, Any]:
    arrow_direction(direction)
    return {
        "office": office,
        "page_language": DEFAULT,
        "rotation": ARROW_DIRECTIONS[direction],
        "sign": _desk_entry(desk, languages),
    }
