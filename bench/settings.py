"""Production settings plus two bench-only views that give the ceilings (see bench/views.py).
Everything else, including the environment variables, is production's."""

import warnings

from schalter.config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# Static files are not part of the bench (no collectstatic in the throw-away set-up).
warnings.filterwarnings("ignore", "No directory at", UserWarning)
