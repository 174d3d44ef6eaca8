"""Production settings for the test topology, with two differences, both about static files:
they are collected into the topology's temporary folder (STATIC_ROOT is fixed in the checkout's
var/ otherwise, and a test must not write there), and without WhiteNoise's pre-compression (gzip
and Brotli of every file: about 16 s of CPU per run, most of the topology's start-up); the names
stay hashed through the manifest as in production, and nginx compresses on the fly instead.
Everything else, including every environment variable, is production's."""

import os

from schalter.config.settings.production import *  # noqa: F403
from schalter.config.settings.production import STORAGES

STATIC_ROOT = os.environ["SCHALTER_TOPOLOGY_STATIC_ROOT"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
