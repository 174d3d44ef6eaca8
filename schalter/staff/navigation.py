"""The staff menu: an entry shows only when the user's roles in the office allow it; and the
frame every office page is rendered in."""

from dataclasses import dataclass
from functools import lru_cache

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from schalter.accounts.roles import Capability, Role
from schalter.accounts.selectors import OfficeAccess
from schalter.offices.models import Office
from schalter.offices.parts import registered, uses


@dataclass(frozen=True)
class NavEntry:
    label: Promise
    url_name: str
    capability: str


# Every office's menu begins with its day's work and ends with its settings; between them come the
# menu items of the parts it uses (offices/parts.py), in the order the parts registered.
DAY_WORK = (
    NavEntry(_("Overview"), "staff:office", Capability.VIEW_OFFICE),
    NavEntry(_("Appointments"), "staff:appointments", Capability.VIEW_APPOINTMENTS),
    NavEntry(_("My desk"), "staff:visit_desk", Capability.WORK_AT_DESK),
)
SETTINGS = (
    NavEntry(_("Desks"), "staff:desks", Capability.VIEW_DESKS),
    NavEntry(_("Office details"), "staff:office_settings", Capability.MANAGE_OFFICE),
    NavEntry(_("Opening hours"), "staff:hours", Capability.MANAGE_OFFICE),
    NavEntry(_("Closures"), "staff:closures", Capability.MANAGE_OFFICE),
    NavEntry(_("Queues and kiosks"), "staff:queue_setup", Capability.MANAGE_OFFICE),
    NavEntry(_("Parts of Schalter"), "staff:parts", Capability.MANAGE_OFFICE),
    NavEntry(_("Texts and translations"), "staff:content", Capability.EDIT_CONTENT),
    NavEntry(_("Staff"), "staff:members", Capability.VIEW_STAFF),
    NavEntry(_("Figures"), "staff:insights", Capability.VIEW_INSIGHTS),  # issue 17
    NavEntry(_("Audit log"), "staff:audit", Capability.VIEW_AUDIT),
    NavEntry(_("Privacy"), "staff:privacy", Capability.VIEW_PRIVACY),
    NavEntry(_("Retention"), "staff:retention", Capability.VIEW_RETENTION),  # issue 13
)


def navigation_entries(office: Office | None = None) -> list[NavEntry]:
    """The menu of `office` for someone who may do everything: the menu items of the parts it
    uses, and of parts it switched off while they still have open work. Without an office:
    the menu of an office using every part."""
    from_parts = []
    for part in registered():
        on = office is None or uses(office, part.name)
        items = [item for item in part.menu if on or item.kept]
        if items and not on and not part.open_work(office):
            items = []
        from_parts += [NavEntry(item.label, item.url_name, item.capability) for item in items]
    return [*DAY_WORK, *from_parts, *SETTINGS]


@lru_cache(maxsize=4096)
def _office_url(url_name: str, slug: str, urlconf: str | None, prefix: str) -> str:
    """A menu entry's address: the same for every request to the office (the URLconf and the
    script prefix are in the key), so worked out once instead of on every staff page."""
    return reverse(url_name, kwargs={"office": slug}, urlconf=urlconf)


def office_navigation(access: OfficeAccess, current_url_name: str) -> list[dict[str, object]]:
    urlconf, prefix = get_urlconf(), get_script_prefix()
    return [
        {
            "label": entry.label,
            "url": _office_url(entry.url_name, access.office.slug, urlconf, prefix),
            "current": entry.url_name == current_url_name,
        }
        for entry in navigation_entries(access.office)
        if access.may(entry.capability)
    ]


def navigation_html(navigation: list[dict[str, object]]) -> SafeString:
    """The menu's list, put together here rather than item by item in the template (every
    staff page shows it; a template loop over it was a good part of each page's time)."""
    return format_html(
        "<ul>{}</ul>",
        format_html_join(
            "",
            '<li><a class="kern-link" href="{}"{}>{}</a></li>',
            (
                (
                    entry["url"],
                    SafeString(' aria-current="page"') if entry["current"] else "",
                    entry["label"],
                )
                for entry in navigation
            ),
        ),
    )


def office_render(
    request: HttpRequest, template: str, context: dict, status: int = 200
) -> HttpResponse:
    """A staff page of the office in `request.access` (set by `office_view`), with its menu."""
    access = request.access  # type: ignore[attr-defined]
    context = {
        "office": access.office,
        "office_name": access.office.name_in(get_language()),
        "roles": [Role(role).label for role in sorted(access.roles)],
        "navigation": office_navigation(access, request.resolver_match.view_name),  # type: ignore[union-attr]
        "may_manage_desks": access.may(Capability.MANAGE_DESKS),
        "may_manage_office": access.may(Capability.MANAGE_OFFICE),
        **context,
    }
    return render(request, template, context, status=status)
