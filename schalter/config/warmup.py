"""Warm a fresh app server process before its first request, so that nobody waits for what every
process does once: compiling the templates, loading the translations, building the URL resolver
for each language, starting the PDF render process (WeasyPrint and its fonts), and running the
office page once through the whole stack (middleware, view, the selectors' queries and imports).

`warm()` is called once by config/wsgi.py and config/asgi.py after Django is set up, when
SCHALTER_WARM_UP is on (the default; off in the tests, which import asgi.py for Daphne). Every
step is best effort: a failure is logged and the server starts all the same."""

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

from schalter.offices.models import Office
from schalter.printing.render import pdf_from_html

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


def _pages() -> None:
    """The office page of the first office, through the whole stack as a visitor gets it."""
    office = Office.objects.order_by("pk").only("slug").first()
    if office is None:
        return
    client = Client(raise_request_exception=False, HTTP_HOST=_host())
    with translation.override("de"):
        path = reverse("public:office", kwargs={"office": office.slug})
    answer = client.get(path, secure=True)
    if answer.status_code != 200:
        logger.warning("warm-up: %s answered %s", path, answer.status_code)


STEPS: dict[str, Callable[[], None]] = {
    "templates": _templates,
    "translations": _translations,
    "urls": _urls,
    "pdf": _pdf,
    "pages": _pages,
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
    logger.info("warmed up: %s", took)
    return took
