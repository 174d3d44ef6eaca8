from django.apps import AppConfig
from django.conf import settings
from django.utils.module_loading import import_string


class VisitsConfig(AppConfig):
    name = "schalter.visits"

    def ready(self) -> None:
        # The Redis channel layer pulls in redis-py's asyncio client, about 0.4 s of imports:
        # at start-up, rather than in the first call a desk makes after a deploy.
        backend = str(settings.CHANNEL_LAYERS.get("default", {}).get("BACKEND", ""))
        if backend.startswith("channels_redis."):
            import_string(backend)
