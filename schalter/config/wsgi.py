import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schalter.config.settings.production")
django_application = get_wsgi_application()

from schalter.config.warmup import warm  # noqa: E402 (needs the settings)
from schalter.overload import LoadShedding  # noqa: E402 (needs the settings)

warm()  # before the first request (SCHALTER_WARM_UP)

# Surplus requests are refused before Django builds them (see schalter.overload).
application = LoadShedding(django_application)
