"""Names an office may not take: its slug sits at the same URL level as pages of the website
(/staff/<office>/ beside /staff/login/, /<lang>/<office>/ beside /<lang>/help/, /<office>/signs/
beside /api/), and beside the language prefixes themselves (/ar/…).

The list is read from the URLconf when first asked (not at import: the URLconf imports the
views, which import the models): at every level where a route begins with `<slug:office>`, the
first literal segment of each sibling route is reserved. A new page can therefore never be
shadowed by an office created before it, nor an office by a new page."""

from functools import lru_cache

from django.urls import URLPattern, URLResolver, get_resolver

from schalter.languages import LANGUAGE_CODES

# Always reserved, whatever the URLconf mounts today (Django's admin is mounted only in some
# settings; "installation" holds the operator's pages; "static" and "media" serve files).
ALWAYS_RESERVED = frozenset(
    {
        "help",
        "accessibility",
        "imprint",
        "privacy",
        "staff",
        "api",
        "admin",
        "static",
        "media",
        "healthz",
        "metrics",
        "figures",
        "login",
        "logout",
        "installation",
    }
)
OFFICE_SEGMENT = "<slug:office>"


def _first_segment(entry: URLPattern | URLResolver) -> str:
    return str(entry.pattern).lstrip("^").split("/", 1)[0]


def _taken(patterns: list) -> set[str]:
    """The literal first segments at levels where an office slug is a sibling, recursively."""
    taken: set[str] = set()
    firsts = [_first_segment(entry) for entry in patterns]
    if OFFICE_SEGMENT in firsts:
        taken |= {first for first in firsts if first and not first.startswith(("<", "("))}
    for entry in patterns:
        if isinstance(entry, URLResolver):
            taken |= _taken(entry.url_patterns)
    return taken


@lru_cache(maxsize=1)
def reserved_slugs() -> frozenset[str]:
    """Every name an office's slug may not be (lower case, as slugs are)."""
    from_urls = {segment.lower() for segment in _taken(get_resolver().url_patterns)}
    return ALWAYS_RESERVED | from_urls | {code.lower() for code in LANGUAGE_CODES}
