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

# BENCH_CHANNEL_LAYER=core: Channels over Redis lists (`channels_redis.core`, one message per
# connected socket) instead of the configured pub/sub layer (one message per process and group);
# to compare the fan-out.
if os.environ.get("BENCH_CHANNEL_LAYER") == "core":
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": os.environ["SCHALTER_REDIS_URL"],
                        # redis-py 8 fails (not waits) past 100 connections per pool, which
                        # 500 displays joining at once exceed, and times reads out after 5 s,
                        # just when the layer's blocking receive (5 s) returns empty.
                        "max_connections": 2000,
                        "socket_timeout": 15,
                    }
                ]
            },
        }
    }
