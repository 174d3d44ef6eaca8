"""Issue 12: a fresh app server process warms itself before its first request (config/warmup.py),
run by wsgi.py and asgi.py; not on import in the tests (SCHALTER_WARM_UP off there)."""

import gc
import logging
from pathlib import Path

import pyphen
import pytest
from channels.layers import get_channel_layer
from django.template import engines
from django.test.signals import template_rendered

from schalter.accounts.actors import COMMAND
from schalter.config import warmup
from schalter.offices.models import Office
from schalter.visits import live, services


def test_tests_do_not_warm_on_import(settings):
    assert settings.SCHALTER_WARM_UP is False
    assert warmup.warm() == {}


@pytest.mark.django_db
def test_every_step_runs_and_leaves_the_templates_compiled(settings, office, caplog):
    """One warm-up (it takes a while), every step checked: the templates compiled; what the call
    display's first request needs (bench/cold.py: 1.4 s cold without it): the Pyphen dictionaries
    of the displays' languages (read on first use) and the first screen's page through the stack;
    the live updates' publisher; and the warm objects frozen out of the collector's way."""
    settings.SCHALTER_WARM_UP = True
    settings.ALLOWED_HOSTS = ["schalter.example"]
    Office.objects.filter(pk=office.pk).update(languages_served=["de", "uk", "ro", "ar"])
    services.screen_create(office=office, name="Alle", public_id="alle", acting_user=COMMAND)
    rendered = []

    def record(sender, template, context, **kwargs):
        rendered.append(template.name)

    layer = get_channel_layer()
    # Through live.blocking: a browser test earlier in this process leaves Playwright's loop here.
    listener = live.blocking(layer.new_channel)
    live.blocking(layer.group_add, live.WARM_UP_GROUP, listener)
    template_rendered.connect(record)
    try:
        with caplog.at_level(logging.WARNING, logger="schalter.config.warmup"):
            took = warmup.warm()
    finally:
        template_rendered.disconnect(record)
        frozen = gc.get_freeze_count()
        gc.unfreeze()  # warm() froze this test process's objects too
    assert set(took) == {"templates", "translations", "urls", "pdf", "pages", "displays", "live"}
    # Only the warm-up's own: a live server an earlier browser test of this process left
    # running may log its refusal of a request under this test's ALLOWED_HOSTS meanwhile.
    said = [r.getMessage() for r in caplog.records if r.name.startswith("schalter.config.warmup")]
    assert said == []
    loader = engines["django"].engine.template_loaders[0]
    cached = getattr(loader, "get_template_cache", {})
    assert "public/office_home.html" in cached and "visits/ticket_live.html" in cached
    # The dictionaries of the office's display languages (Arabic has none in Pyphen).
    rules = {pyphen.LANGUAGES[pyphen.language_fallback(code)] for code in ("de", "uk", "ro")}
    assert rules <= set(pyphen.hdcache)
    assert "visits/display.html" in rendered  # the first screen's page, through the stack
    assert live.blocking(layer.receive, listener) == {"type": "warm.up"}
    assert frozen > 0


def test_wsgi_and_asgi_run_it_at_start():
    config = Path(warmup.__file__).parent
    for module in ("wsgi.py", "asgi.py"):
        assert "\nwarm()" in (config / module).read_text(), module
