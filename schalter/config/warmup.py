"""Warm a fresh app server process before its first request, so that nobody waits for what every
process does once: compiling the templates, loading the translations, building the URL resolver
for each language, starting the PDF render process (WeasyPrint and its fonts), running the
office page once through the whole stack (middleware, view, the selectors' queries and imports),
the call displays' first page likewise (with the hyphenation rules of their languages, which
Pyphen reads on first use), and opening the live updates' channel-layer connection (the first
call after a start would pay for it). Last, everything the warm-up left in memory is moved out
of the garbage collector's sight (`gc.freeze`): a full collection no longer walks the compiled
templates, catalogues and dictionaries, which would pause a request or a display's fan-out.

`warm()` is called once by config/wsgi.py and config/asgi.py after Django is set up, when
SCHALTER_WARM_UP is on (the default; off in the tests, which import asgi.py for Daphne). Every
step is best effort: a failure is logged and the server starts all the same."""

import gc
import logging
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_scopes import scopes_disabled

from schalter.languages import BY_CODE
from schalter.locale_text import hyphenate
from schalter.offices.models import Office
from schalter.printing.render import pdf_from_html
from schalter.visits import live
from schalter.visits.models import Screen
from schalter.visits.selectors import display_languages

logger = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
WARM_PDF = "<!DOCTYPE html><html lang='de'><body><p>Schalter</p></body></html>"


def _templates() -> None:
    """Compile every project template once: the cached loader keeps them for the process."""
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix in {".html", ".txt"}:
            try:
                get_template(str(path.relative_to(TEMPLATES)))
            except (TemplateDoesNotExist, TemplateSyntaxError):
                logger.warning("warm-up: template %s not compiled", path, exc_info=True)


def _translations() -> None:
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Office")


def _urls() -> None:
    """The resolver builds its reverse table per language on first use."""
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            reverse("public:offices")


def _pdf() -> None:
    """Start the render process: it imports WeasyPrint and loads the fonts once."""
    pdf_from_html(WARM_PDF)


def _host() -> str:
    for host in settings.ALLOWED_HOSTS:
        if host == "*":
            return "localhost"
        return "www" + host if host.startswith(".") else host
    return "localhost"


def _get(path: str) -> None:
    """One GET through the whole stack as a visitor sends it."""
    client = Client(raise_request_exception=False, HTTP_HOST=_host())
    answer = client.get(path, secure=True)
    if answer.status_code != 200:
        logger.warning("warm-up: %s answered %s", path, answer.status_code)


def _pages() -> None:
    """The office page of the first office."""
    office = Office.objects.order_by("pk").only("slug").first()
    if office is None:
        return
    with translation.override("de"):
        _get(reverse("public:office", kwargs={"office": office.slug}))


def _displays() -> None:
    """The call displays' first page: the hyphenation rules of every language a display shows
    (German and each office's display languages; Pyphen reads a dictionary on its first use,
    about half a second each), then the first screen's page (its calls, queues, QR code)."""
    with scopes_disabled():
        screens = list(Screen.objects.filter(active=True).select_related("office").order_by("pk"))
    languages = {"de"}
    for screen in screens:
        languages.update(display_languages(screen.office))
    for code in sorted(languages):
        hyphenate("Warteschlangenanzeige", BY_CODE[code].html_lang)  # as display_lines.html
    if screens:
        _get(
            reverse(
                "display", kwargs={"office": screens[0].office.slug, "screen": screens[0].public_id}
            )
        )


def _live() -> None:
    """The live updates' publishing loop and channel-layer connection (Redis in production)."""
    live.publisher_warm()


STEPS: dict[str, Callable[[], None]] = {
    "templates": _templates,
    "translations": _translations,
    "urls": _urls,
    "pdf": _pdf,
    "pages": _pages,
    "displays": _displays,
    "live": _live,
}


def warm() -> dict[str, float]:
    """Run every step once; the seconds each took (a failed step is logged and skipped)."""
    took: dict[str, float] = {}
    if not getattr(settings, "SCHALTER_WARM_UP", True):
        return took
    for name, step in STEPS.items():
        began = time.perf_counter()
        try:
            step()
        except Exception:
            logger.warning("warm-up step %s failed", name, exc_info=True)
        took[name] = round(time.perf_counter() - began, 3)
    # What the warm-up built lives as long as the process: out of the collector's sight, a full
    # collection walks only what requests create (pauses of tens of milliseconds less).
    gc.collect()
    gc.freeze()
    logger.info("warmed up: %s", took)
    return took
