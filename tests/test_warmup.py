"""Issue 12: a fresh app server process warms itself before its first request (config/warmup.py),
run by wsgi.py and asgi.py; not on import in the tests (SCHALTER_WARM_UP off there)."""

import logging
from pathlib import Path

import pytest
from django.template import engines

from schalter.config import warmup


def test_tests_do_not_warm_on_import(settings):
    assert settings.SCHALTER_WARM_UP is False
    assert warmup.warm() == {}


@pytest.mark.django_db
def test_every_step_runs_and_leaves_the_templates_compiled(settings, office, caplog):
    settings.SCHALTER_WARM_UP = True
    settings.ALLOWED_HOSTS = ["schalter.example"]
    with caplog.at_level(logging.WARNING, logger="schalter.config.warmup"):
        took = warmup.warm()
    assert set(took) == {"templates", "translations", "urls", "pdf", "pages"}
    assert [r.getMessage() for r in caplog.records] == []
    loader = engines["django"].engine.template_loaders[0]
    cached = getattr(loader, "get_template_cache", {})
    assert "public/office_home.html" in cached and "visits/ticket_live.html" in cached


def test_wsgi_and_asgi_run_it_at_start():
    config = Path(warmup.__file__).parent
    for module in ("wsgi.py", "asgi.py"):
        assert "\nwarm()" in (config / module).read_text(), module
