import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from schalter.config.wsgi import application  # noqa: F401 (production's, with bench settings)
