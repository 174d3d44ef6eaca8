"""Production settings plus two bench-only views that give the ceilings (see bench/views.py),
static files served unhashed (no collectstatic) and, on request, another channel layer.
Everything else, including the environment variables, is production's."""

import os
import warnings

from schalter.config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# Static files are not part of the bench (no collectstatic in the throw-away set-up): pages
# link them unhashed, where production looks the hashed name up in the manifest (a dict lookup).
warnings.filterwarnings("ignore", "No directory at", UserWarning)
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# BENCH_CHANNEL_LAYER=pubsub: Channels over Redis pub/sub (one message per process and group)
# instead of the configured layer (one message per connected socket); to compare the fan-out.
if os.environ.get("BENCH_CHANNEL_LAYER") == "pubsub":
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [os.environ["SCHALTER_REDIS_URL"]]},
        }
    }
