"""The staff pages' frame, put together in Python: every staff page shows the language switch and
the office menu, and the search form's selects list many options; a template loop over each
item was a good part of every page's time."""

from collections.abc import Iterable

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from schalter.staff.navigation import navigation_html

register = template.Library()
SELECTED = SafeString(" selected")


@register.simple_tag
def staff_menu(navigation: list[dict[str, object]]) -> SafeString:
    """The office menu's list (staff/navigation.py: office_navigation)."""
    return navigation_html(navigation)


@register.simple_tag
def staff_language_options(language_links: Iterable) -> SafeString:
    """The staff language switch's options: every language but Leichte Sprache (public only)."""
    return format_html_join(
        "",
        '<option value="{}" lang="{}"{}>{}</option>',
        (
            (
                link.language.code,
                link.language.html_lang,
                SELECTED if link.current else "",
                link.language.name_local,
            )
            for link in language_links
            if link.language.code != "de-x-ls"
        ),
    )


@register.simple_tag
def select_options(options: Iterable[tuple[str, str, bool]]) -> SafeString:
    """A select's options from (value, label, selected)."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, SELECTED if selected else "", label) for value, label, selected in options),
    )
